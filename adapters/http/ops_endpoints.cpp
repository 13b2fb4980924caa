// The router's native operational endpoints: liveness, readiness, detailed health, quotas, and
// the admin-only stats, providers and config.
#include "adapters/http/api_router.hpp"

#include "adapters/cache/response_cache.hpp"

#include "adapters/http/router_responses.hpp"
#include "adapters/store/store_error.hpp"

#include <boost/json/serialize.hpp>
#include <openssl/crypto.h>

#include <map>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

json::object api_router::store_status() const {
    json::object store{{"kind", services_.store_kind}};
    if (auto const* s = services_.store_stats) {
        store["status"] = s->connections_up.load() > 0 ? "up" : "down";
        store["connections_up"] = s->connections_up.load();
        store["outages"] = s->outages.load();
        store["failures"] = s->failures.load();
        store["timeouts"] = s->timeouts.load();
        store["fallbacks"] = s->fallbacks.load();
        if (s->slot_maps.load() > 0) store["cluster"] = {{"slot_maps", s->slot_maps.load()}, {"redirections", s->redirections.load()}};
        if (!s->quota_leases.empty()) {
            auto describe = [](lease_totals const& t) {
                return json::object{{"leases", t.leases}, {"calls_from_leases", t.from_lease}, {"calls_alone", t.alone}};
            };
            store["leases"] = {{"quotas", describe(sum_lease_counters(s->quota_leases))},
                               {"limits", describe(sum_lease_counters(s->limit_leases))},
                               {"meters", describe(sum_lease_counters(s->meter_leases))}};
        }
        auto const rtt = s->last_round_trip_us.load();
        store["latency_ms"] = rtt < 0 ? json::value(nullptr) : json::value(static_cast<double>(rtt) / 1000.0);
    } else {
        store["status"] = "up";
    }
    return store;
}

http_response api_router::readiness(http_request const& req, std::string const& request_id) const {
    bool const ready = !services_.ready || services_.ready->load();
    return json_response(ready ? http::status::ok : http::status::service_unavailable,
                         ready ? R"({"ready":true})" : R"({"ready":false})", req, request_id);
}

// 200 while the gateway can serve; 503 when no deployment is available or a store that a
// fail_closed policy requires is down.
json::array api_router::deployment_states(bool& any_available) const {
    auto const now = std::chrono::steady_clock::now();
    auto const& resilience = dispatch_.resilience();
    std::map<std::string, json::object> deployments;
    auto add = [&](std::vector<domain::deployment> const& list) {
        for (auto const& d : list) {
            auto key = domain::deployment_key(d);
            deployments[key] = json::object{{"deployment", key},
                                            {"state", "closed"},
                                            {"consecutive_failures", 0},
                                            {"available", resilience.available(key, now)}};
        }
    };
    auto const& routes = dispatch_.catalog().routes;
    for (auto const& [name, list] : routes.groups) add(list);
    add(routes.catch_all);
    for (auto const& [name, tiers] : routes.tiered)
        for (auto const& list : tiers) add(list);
    static constexpr std::string_view state_names[] = {"closed", "open", "half_open"};
    for (auto const& s : resilience.snapshot(now)) {
        auto& entry = deployments[s.key];
        entry["deployment"] = s.key;
        entry["state"] = state_names[static_cast<int>(s.state)];
        entry["consecutive_failures"] = s.consecutive_failures;
        entry["available"] = resilience.available(s.key, now);
        if (!s.last_error.empty()) {
            entry["last_error"] = s.last_error;
            entry["last_error_at"] = s.last_error_unix;
        }
    }
    json::array list;
    any_available = deployments.empty();
    for (auto& [key, entry] : deployments) {
        any_available = any_available || entry.at("available").as_bool();
        list.push_back(std::move(entry));
    }
    return list;
}

// The routing totals in the shape dashboards already read: cache{hits,misses,hit_rate},
// llm_routing{total_requests,total_cost_usd,distribution{provider:{count,percentage,cost_usd}}}.
http_response api_router::stats(http_request const& req, std::string const& request_id,
                                std::vector<usage_totals> const& totals, std::string_view source) const {
    std::map<std::string, std::pair<std::int64_t, double>> by_provider;
    std::int64_t total = 0, prompt = 0, completion = 0;
    double cost = 0;
    for (auto const& t : totals) {
        auto& p = by_provider[t.provider];
        p.first += t.requests;
        p.second += t.cost_usd;
        total += t.requests;
        cost += t.cost_usd;
        prompt += t.prompt_tokens;
        completion += t.completion_tokens;
    }
    json::object distribution;
    for (auto const& [provider, counts] : by_provider)
        distribution[provider] = json::object{
            {"count", counts.first},
            {"percentage", total > 0 ? 100.0 * static_cast<double>(counts.first) / static_cast<double>(total) : 0.0},
            {"cost_usd", counts.second}};
    json::object cache{{"hits", 0}, {"misses", 0}, {"hit_rate", 0.0}};
    if (services_.cache) {
        auto const c = services_.cache->figures();
        auto const looked_up = c.hits + c.misses;
        cache = {{"hits", c.hits},
                 {"misses", c.misses},
                 {"hit_rate", looked_up ? static_cast<double>(c.hits) / static_cast<double>(looked_up) : 0.0},
                 {"bypasses", c.bypasses},
                 {"coalesced", c.coalesced},
                 {"shared_failures", c.shared_failures},
                 {"semantic_hits", c.semantic_hits},
                 {"semantic_entries", c.semantic_entries},
                 {"embedding_failures", c.embedding_failures},
                 {"stores", c.stores},
                 {"entries", c.memory.entries},
                 {"bytes", c.memory.bytes},
                 {"evictions", c.memory.evictions},
                 {"usd_saved", c.usd_saved}};
    }
    json::object body{{"cache", std::move(cache)},
                      {"llm_routing",
                       {{"total_requests", total}, {"total_cost_usd", cost}, {"distribution", std::move(distribution)}}},
                      {"tokens", {{"prompt", prompt}, {"completion", completion}}},
                      {"mode", domain::mode_name(dispatch_.mode())},
                      {"source", source}};
    return json_response(http::status::ok, json::serialize(body), req, request_id);
}

http_response api_router::providers(http_request const& req, std::string const& request_id) const {
    bool any = false;
    auto states = deployment_states(any);
    json::object by_provider;
    for (auto& entry : states) {
        auto const key = std::string(entry.at("deployment").as_string());
        auto const provider = key.substr(0, key.find('/'));
        auto& list = by_provider[provider];
        if (!list.is_array()) list = json::array{};
        list.as_array().push_back(std::move(entry));
    }
    json::array data;
    for (auto& [name, deployments] : by_provider)
        data.push_back(json::object{{"name", name}, {"deployments", std::move(deployments)}});
    return json_response(http::status::ok,
                         json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}}), req,
                         request_id);
}

net::awaitable<http_response> api_router::detailed_health(http_request const& req, std::string const& request_id) {
    bool any_available = false;
    auto list = deployment_states(any_available);
    auto store = store_status();
    bool const store_down = store.at("status") == "down";
    std::optional<json::object> quotas;
    if (services_.quotas) {
        try {
            quotas = co_await services_.quotas->report();
        } catch (store_unavailable const&) {
        }
    }
    std::string problem;
    if (!any_available) problem = "no deployment is available";
    if (store_down && services_.store_required) problem = "the shared store is down and a fail_closed policy needs it";
    json::object body{{"status", problem.empty() ? (store_down ? "degraded" : "ok") : "unavailable"},
                      {"mode", domain::mode_name(dispatch_.mode())},
                      {"store", std::move(store)},
                      {"deployments", std::move(list)},
                      {"quotas", quotas ? json::value(std::move(*quotas)) : json::value(nullptr)}};
    if (!problem.empty()) body["problem"] = problem;
    co_return json_response(problem.empty() ? http::status::ok : http::status::service_unavailable,
                            json::serialize(body), req, request_id);
}

http_response api_router::health(http_request const& req, std::string const& request_id) const {
    auto store = store_status();
    bool const degraded = store.at("status") == "down";
    json::object body{{"status", degraded ? "degraded" : "ok"},
                      {"mode", domain::mode_name(dispatch_.mode())},
                      {"auth", services_.keys && services_.auth_required ? "required" : "off"},
                      {"store", std::move(store)}};
    return json_response(http::status::ok, json::serialize(body), req, request_id);
}

// With auth on, a tenant's key sees its own tenant alone; admin sees every provider and tenant.
net::awaitable<http_response> api_router::quotas(http_request const& req, std::string const& request_id,
                                                 request_scope const& scope) {
    if (!services_.quotas)
        co_return json_response(http::status::ok, R"({"object":"quotas","providers":[],"tenants":[]})", req,
                                request_id);
    std::optional<json::object> report;
    try {
        if (scope.grant && !scope.grant->holds(domain::access_scope::admin))
            report = co_await services_.quotas->report_for(scope.caller.tenant);
        else
            report = co_await services_.quotas->report();
    } catch (store_unavailable const&) {
    }
    if (!report) {
        auto e = domain::make_error(errc::store_unavailable, "Quota usage cannot be read right now; try again shortly");
        e.retry_after = std::chrono::seconds(1);
        co_return answer_error(e, req, request_id);
    }
    co_return json_response(http::status::ok, json::serialize(*report), req, request_id);
}

void api_router::decorate(http_response& response) const {
    response.set("x-switchboard-mode", domain::mode_name(dispatch_.mode()));
}

} // namespace switchboard::adapters
