// The effective policy sections of the config dump: resilience, budgets, pricing overrides, CORS
// and connection caps — every section the loader accepts shows in --check-config and
// /api/v1/config (none holds a secret).
#include "server/config_describe_policies.hpp"

#include "domain/rate_limit.hpp"

namespace switchboard::server {
namespace json = boost::json;

namespace {
std::string ms(std::chrono::milliseconds d) {
    return std::to_string(d.count()) + "ms";
}
template <class Duration> std::string ms_of(Duration d) {
    return ms(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

json::object retry_of(domain::retry_config const& r) {
    return {{"max_attempts", r.max_attempts},
            {"backoff_base", ms_of(r.backoff_base)},
            {"backoff_cap", ms_of(r.backoff_cap)},
            {"max_retry_after", ms_of(r.max_retry_after)}};
}

json::object breaker_of(domain::breaker_config const& b) {
    return {{"failure_threshold", b.failure_threshold}, {"open_for", ms_of(b.open_for)},
            {"half_open_probes", b.half_open_probes},   {"failure_rate", b.failure_rate},
            {"min_calls", b.min_calls},                 {"window", ms_of(b.window)}};
}

json::object signals_of(domain::mode_signals const& s) {
    return {{"provider_429_rate", s.provider_429_rate},
            {"open_breaker_share", s.open_breaker_share},
            {"queued_calls", s.queued_calls},
            {"quota_use", s.quota_use}};
}
} // namespace

json::object describe_resilience(resilience_settings const& r) {
    return {{"retry", retry_of(r.retry)},
            {"breaker", breaker_of(r.breaker)},
            {"retry_budget",
             {{"ratio", r.retry_budget.ratio},
              {"min_per_second", r.retry_budget.min_per_second},
              {"window", ms_of(r.retry_budget.window)}}},
            {"degraded_mode",
             {{"degraded", signals_of(r.modes.degraded)},
              {"critical", signals_of(r.modes.critical)},
              {"exit_ratio", r.modes.exit_ratio},
              {"calm_for", ms_of(r.modes.calm_for)}}}};
}

json::object describe_budgets(adapters::budget_policy const& b) {
    auto const& l = b.limits;
    return {{"max_calls", l.max_calls},
            {"max_tokens", l.max_tokens},
            {"max_usd", l.max_usd},
            {"ttl", ms_of(l.ttl)},
            {"shares", {{"p1", l.shares[1]}, {"p2", l.shares[2]}, {"p3", l.shares[3]}}},
            {"p1_max_wait", ms(b.p1_max_wait)},
            {"on_store_error", domain::fail_mode_name(b.on_store_error)}};
}

json::object describe_pricing(std::vector<std::pair<std::string, domain::model_price>> const& prices) {
    json::object out;
    for (auto const& [model, price] : prices)
        out[model] = json::object{{"input_per_million", price.input_per_million},
                                  {"output_per_million", price.output_per_million}};
    return out;
}

json::object describe_cors(adapters::cors_policy const& c) {
    json::array origins;
    for (auto const& o : c.allow_origins) origins.push_back(json::string(o));
    return {{"allow_origins", std::move(origins)}, {"max_age", ms_of(c.max_age)}};
}

json::object describe_provider_policies(adapters::provider_settings const& p) {
    return {{"retry", retry_of(p.retry)}, {"breaker", breaker_of(p.breaker)}};
}

} // namespace switchboard::server
