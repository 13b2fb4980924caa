// Printing the effective config: every secret masked (for --check-config and /api/v1/config).
#include "server/config.hpp"

#include "adapters/providers/provider_settings.hpp"

namespace switchboard::server {
namespace json = boost::json;
using std::chrono::milliseconds;

std::string mask_secret(std::string_view s) {
    if (s.empty()) return "";
    if (s.size() < 12) return "****";
    return std::string(s.substr(0, 3)) + "..." + std::string(s.substr(s.size() - 2));
}

json::object describe(gateway_config const& c) {
    auto ms = [](milliseconds d) { return std::to_string(d.count()) + "ms"; };
    json::object providers;
    for (auto const& p : c.providers) {
        json::object headers;
        for (auto const& [k, v] : p.headers) headers[k] = mask_secret(v);
        providers[p.name] =
            json::object{{"kind", p.kind},
                         {"base_url", p.base_url.empty() ? adapters::default_base_url(p.kind) : p.base_url},
                         {"api_key", mask_secret(p.api_key)},
                         {"ca_file", p.ca_file},
                         {"headers", std::move(headers)},
                         {"timeouts",
                          {{"connect", ms(p.connect_timeout)},
                           {"attempt", ms(p.attempt_timeout)},
                           {"response_headers", ms(p.response_headers_timeout)}}}};
    }
    auto deployments = [](std::vector<domain::deployment> const& list) {
        json::array a;
        for (auto const& d : list) {
            json::object entry{{"provider", d.provider}, {"model", d.model}};
            if (d.context_window > 0) entry["context_window"] = d.context_window;
            a.push_back(std::move(entry));
        }
        return a;
    };
    json::object models;
    for (auto const& [name, list] : c.models) models[name] = deployments(list);
    for (auto const& [name, tiers] : c.tiered_models) {
        json::object by_tier;
        for (int t = 0; t < domain::tier_count; ++t)
            by_tier[domain::tier_name(static_cast<domain::tier>(t))] =
                deployments(tiers[static_cast<std::size_t>(t)]);
        models[name] = json::object{{"tiers", std::move(by_tier)}};
    }
    std::string store = c.store_url.empty() ? "memory" : c.store_url;
    if (auto at = store.find('@'); at != std::string::npos) // redis://user:pass@host → redis://****@host
        if (auto scheme = store.find("://"); scheme != std::string::npos && scheme < at)
            store = store.substr(0, scheme + 3) + "****" + store.substr(at);
    auto const& h = c.server.http;
    return json::object{{"server",
                         {{"host", c.server.host},
                          {"port", c.server.port},
                          {"threads", c.server.threads},
                          {"max_header_bytes", h.max_header_bytes},
                          {"max_body_bytes", h.max_body_bytes},
                          {"header_timeout", ms(h.header_timeout)},
                          {"body_timeout", ms(h.body_timeout)},
                          {"idle_timeout", ms(h.idle_timeout)},
                          {"write_timeout", ms(h.write_timeout)},
                          {"shutdown_grace", ms(c.server.shutdown_grace)}}},
                        {"store", {{"url", store}}},
                        {"timeouts",
                         {{"connect", ms(c.timeouts.connect)},
                          {"attempt", ms(c.timeouts.attempt)},
                          {"request", ms(c.timeouts.request)}}},
                        {"providers", std::move(providers)},
                        {"models", std::move(models)}};
}

} // namespace switchboard::server
