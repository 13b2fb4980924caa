#pragma once
// The field list of every config section (config_fields.hpp): the whole file is one list,
// gateway_fields(), whose entries are sections with lists of their own. The loader reads the
// file with it and describe() renders the effective config with it.
#include "server/config.hpp"
#include "server/config_fields.hpp"

#include "adapters/upstream/origin.hpp"

#include <optional>

namespace switchboard::server {

field_list<gateway_config> gateway_fields(); // the top level, in reading order

// Sections that also appear inside a provider (its own retry, breaker, limits).
field_list<domain::retry_config> retry_fields();
field_list<domain::breaker_config> breaker_fields();
field_list<domain::throttle_config> throttle_fields();
field_list<resilience_settings> resilience_fields();
field_list<adapters::budget_policy> budget_fields();

field_list<server_settings> server_fields();
field_list<store_settings> store_fields();
field_list<timeout_settings> timeout_fields();
field_list<observability_settings> logging_fields();
field_list<observability_settings> metrics_fields();
field_list<observability_settings> background_fields();
field_list<domain::tier_rules> tier_fields();
field_list<auth_settings> auth_fields(); // config_auth.cpp
field_list<adapters::cache_options> cache_fields(); // config_cache.cpp
field_list<ledger_settings> ledger_fields();        // config_ledger.cpp
field_list<adapters::webhook_options> webhook_fields(); // config_webhooks.cpp

// providers.<name>: its settings start from the global timeouts, retry and breaker.
void read_provider(config_reader& rd, std::string const& name, YAML::Node const& n, gateway_config& c);
field_list<adapters::provider_settings> provider_fields();
// A configured provider's base URL and key make sense for its kind (also for the env shorthand).
void check_endpoint(config_reader& rd, adapters::provider_settings const& p, std::string const& path);
// An upstream or webhook URL: http(s), and plain http only to loopback unless `allow_insecure_http`.
// Its origin; nullopt when the URL cannot be read at all.
std::optional<adapters::origin> check_destination_url(config_reader& rd, std::string const& url,
                                                     bool allow_insecure_http, std::string const& path);

// The REST settings of a provider (config_services.cpp), and their checks.
std::vector<config_field<adapters::provider_settings>> rest_provider_fields();
void check_rest_provider(config_reader& rd, adapters::provider_settings const& p, std::string const& path);
void read_services(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c);
boost::json::value describe_services(gateway_config const& c);
boost::json::value json_of_yaml(YAML::Node const& n); // a YAML tree as JSON (config_services.cpp)
void read_ai_routes(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c);
boost::json::value describe_ai_routes(gateway_config const& c);

// The collections: lists and maps whose entries are sections.
void read_limits(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c);
boost::json::value describe_limits(gateway_config const& c);
void read_quotas(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c);
boost::json::value describe_quotas(gateway_config const& c);
void read_models(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c);
boost::json::value describe_models(gateway_config const& c);
void read_pricing(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c);
boost::json::value describe_pricing(gateway_config const& c);

} // namespace switchboard::server
