#pragma once
// Readers of the resilience sections: resilience (retry, breaker, retry budget, degraded mode),
// budgets, and a provider's own retry, breaker and limits (outbound throttle).
#include "server/config_reader.hpp"

namespace switchboard::server {

void read_retry(config_reader& rd, YAML::Node const& n, std::string const& path, domain::retry_config& r);
void read_breaker(config_reader& rd, YAML::Node const& n, std::string const& path, domain::breaker_config& b);
void read_throttle(config_reader& rd, YAML::Node const& n, std::string const& path, domain::throttle_config& t);
void read_budgets(config_reader& rd, YAML::Node const& n, adapters::budget_policy& b);
void read_resilience(config_reader& rd, YAML::Node const& n, resilience_settings& r);

} // namespace switchboard::server
