// Printing the effective config: every secret masked (for --check-config and /api/v1/config).
#include "server/config.hpp"
#include "server/config_describe_policies.hpp"

#include "adapters/observability/log.hpp"
#include "adapters/providers/provider_settings.hpp"

#include <boost/json/value_from.hpp>

namespace switchboard::server {
namespace json = boost::json;
using std::chrono::milliseconds;
using adapters::mask_secret;

namespace {
json::array describe_limits(gateway_config const& c) {
    json::array out;
    for (auto const& r : c.limits)
        out.push_back(json::object{{"route", r.route.empty() ? json::value(nullptr) : json::value(r.route)},
                                   {"per", domain::scope_name(r.per)},
                                   {"requests", r.requests},
                                   {"window", std::to_string(r.window.count()) + "ms"},
                                   {"on_store_error", domain::fail_mode_name(r.on_store_error)}});
    return out;
}

json::object describe_quotas(gateway_config const& c) {
    auto limits = [](domain::quota_limits const& l) {
        return json::object{{"requests_per_day", l.requests_per_day},
                            {"tokens_per_day", l.tokens_per_day},
                            {"tokens_per_month", l.tokens_per_month}};
    };
    json::object providers, tenants;
    for (auto const& [name, l] : c.quotas.providers) providers[name] = limits(l);
    for (auto const& [name, l] : c.quotas.tenants) tenants[name] = limits(l);
    return {{"on_store_error", domain::fail_mode_name(c.quotas.on_store_error)},
            {"providers", std::move(providers)},
            {"tenants", std::move(tenants)}};
}
json::object describe_server(gateway_config const& c) {
    auto ms = [](milliseconds d) { return std::to_string(d.count()) + "ms"; };
    auto const& h = c.server.http;
    return json::object{{"host", c.server.host},
                        {"port", c.server.port},
                        {"threads", c.server.threads},
                        {"max_header_bytes", h.max_header_bytes},
                        {"max_body_bytes", h.max_body_bytes},
                        {"header_timeout", ms(h.header_timeout)},
                        {"body_timeout", ms(h.body_timeout)},
                        {"idle_timeout", ms(h.idle_timeout)},
                        {"write_timeout", ms(h.write_timeout)},
                        {"shutdown_grace", ms(c.server.shutdown_grace)},
                        {"ready_drain_delay", ms(c.server.ready_drain_delay)},
                        {"trusted_proxies", json::value_from(c.server.trusted_proxies)},
                        {"cors", describe_cors(c.server.cors)},
                        {"docs_url", c.server.docs_url},
                        {"max_connections", c.server.max_connections},
                        {"max_connections_per_ip", c.server.max_connections_per_ip}};
}
} // namespace

namespace {
std::string ms(milliseconds d) {
    return std::to_string(d.count()) + "ms";
}

json::object describe_provider(adapters::provider_settings const& p) {
    json::object headers;
    for (auto const& [k, v] : p.headers) headers[k] = mask_secret(v);
    json::object out{{"kind", p.kind},
                     {"base_url", p.base_url.empty() ? adapters::default_base_url(p.kind) : p.base_url},
                     {"api_key", mask_secret(p.api_key)},
                     {"ca_file", p.ca_file},
                     {"headers", std::move(headers)},
                     {"max_response_bytes", p.max_response_bytes},
                     {"fallback_on", json::value_from(p.fallback_on.statuses)},
                     {"timeouts",
                      {{"connect", ms(p.connect_timeout)},
                       {"attempt", ms(p.attempt_timeout)},
                       {"response_headers", ms(p.response_headers_timeout)}}}};
    for (auto& [key, value] : describe_provider_policies(p)) out[key] = value;
    if (p.probe_interval.count() > 0)
        out["probe"] = json::object{{"interval", ms(p.probe_interval)}, {"timeout", ms(p.probe_timeout)}};
    return out;
}

json::array describe_deployments(std::vector<domain::deployment> const& list) {
    json::array a;
    for (auto const& d : list) {
        json::object entry{{"provider", d.provider}, {"model", d.model}};
        if (d.context_window > 0) entry["context_window"] = d.context_window;
        a.push_back(std::move(entry));
    }
    return a;
}

json::object describe_models(gateway_config const& c) {
    json::object models;
    for (auto const& [name, list] : c.models) models[name] = describe_deployments(list);
    for (auto const& [name, tiers] : c.tiered_models) {
        json::object by_tier;
        for (int t = 0; t < domain::tier_count; ++t)
            by_tier[domain::tier_name(static_cast<domain::tier>(t))] =
                describe_deployments(tiers[static_cast<std::size_t>(t)]);
        models[name] = json::object{{"tiers", std::move(by_tier)}};
    }
    return models;
}

json::object describe_store(gateway_config const& c) {
    std::string url = c.store.url.empty() ? "memory" : c.store.url;
    if (auto at = url.find('@'); at != std::string::npos) // redis://user:pass@host → redis://****@host
        if (auto scheme = url.find("://"); scheme != std::string::npos && scheme < at)
            url = url.substr(0, scheme + 3) + "****" + url.substr(at);
    return {{"url", url},
            {"timeout", ms(c.store.timeout)},
            {"connect_timeout", ms(c.store.connect_timeout)},
            {"local_fraction", c.store.local_fraction},
            {"reservation_lease",
             c.store.reservation_lease.count() > 0 ? ms(c.store.reservation_lease) : std::string("auto")}};
}

json::object describe_logging(gateway_config const& c) {
    auto const& o = c.observability;
    return {{"level", adapters::log_level_name(o.log.level)},
            {"file", o.log.target.file.empty() ? json::value("stdout") : json::value(o.log.target.file)},
            {"max_file_size", o.log.target.max_file_bytes},
            {"max_files", o.log.target.max_files},
            {"include_payloads", o.requests.include_payloads},
            {"payload_max_chars", o.requests.payload_max_chars}};
}
} // namespace

json::object describe(gateway_config const& c) {
    json::object providers;
    for (auto const& p : c.providers) providers[p.name] = describe_provider(p);
    auto const& o = c.observability;
    return json::object{{"server", describe_server(c)},
                        {"store", describe_store(c)},
                        {"admin", {{"api_key", mask_secret(c.admin_key)}}},
                        {"logging", describe_logging(c)},
                        {"metrics", {{"enabled", o.metrics}}},
                        {"background",
                         {{"quota_refresh_interval", ms(o.quota_refresh_interval)},
                          {"housekeeping_interval", ms(o.housekeeping_interval)}}},
                        {"limits", describe_limits(c)},
                        {"quotas", describe_quotas(c)},
                        {"timeouts",
                         {{"connect", ms(c.timeouts.connect)},
                          {"attempt", ms(c.timeouts.attempt)},
                          {"request", ms(c.timeouts.request)},
                          {"response_headers", ms(c.timeouts.response_headers)},
                          {"first_token", ms(c.timeouts.first_token)},
                          {"stream_idle", ms(c.timeouts.stream_idle)}}},
                        {"resilience", describe_resilience(c.resilience)},
                        {"budgets", describe_budgets(c.budgets)},
                        {"pricing", describe_pricing(c.prices)},
                        {"tiers",
                         {{"simple_max_prompt_tokens", c.tiers.simple_max_prompt_tokens},
                          {"medium_max_prompt_tokens", c.tiers.medium_max_prompt_tokens},
                          {"with_tools", domain::tier_name(c.tiers.with_tools)}}},
                        {"providers", std::move(providers)},
                        {"models", describe_models(c)}};
}

} // namespace switchboard::server
