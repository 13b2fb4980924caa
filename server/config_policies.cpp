// The resilience and budgets sections, and the retry, breaker and limits a provider may override.
#include "server/config_sections.hpp"

namespace switchboard::server {
using namespace std::chrono_literals;

namespace {
bool fraction(double x) {
    return x <= 1;
}
} // namespace

field_list<domain::retry_config> retry_fields() {
    using S = domain::retry_config;
    static config_field<S> const fields[] = {
        field::integer<S>("max_attempts", &S::max_attempts, 1, 10),
        field::duration<S>("backoff_base", &S::backoff_base),
        field::duration<S>("backoff_cap", &S::backoff_cap),
        field::duration<S>("max_retry_after", &S::max_retry_after),
    };
    return fields;
}

field_list<domain::breaker_config> breaker_fields() {
    using S = domain::breaker_config;
    static config_field<S> const fields[] = {
        field::integer<S>("failure_threshold", &S::failure_threshold, 1, 1000),
        field::duration<S>("open_for", &S::open_for),
        field::integer<S>("half_open_probes", &S::half_open_probes, 1, 100),
        field::number<S>("failure_rate", &S::failure_rate, fraction, "must be a fraction between 0 and 1"),
        field::integer<S>("min_calls", &S::min_calls, 1, 100000),
        field::duration<S>("window", &S::window, 1s, 60s),
    };
    return fields;
}

field_list<domain::throttle_config> throttle_fields() {
    using S = domain::throttle_config;
    static config_field<S> const fields[] = {
        field::number<S>("requests_per_minute", &S::requests_per_minute),
        field::number<S>("tokens_per_minute", &S::tokens_per_minute),
        field::integer<S>("max_concurrent", &S::max_concurrent, 0, 100000),
        {"burst",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto d = rd.duration(n, path)) s.burst_seconds = std::chrono::duration<double>(*d).count();
         },
         [](S const& s) {
             return boost::json::value(ms_text(std::chrono::milliseconds(static_cast<std::int64_t>(s.burst_seconds * 1000))));
         }},
    };
    return fields;
}

namespace {
field_list<domain::retry_budget_config> retry_budget_fields() {
    using S = domain::retry_budget_config;
    static config_field<S> const fields[] = {
        field::number<S>("ratio", &S::ratio),
        field::number<S>("min_per_second", &S::min_per_second),
        field::duration<S>("window", &S::window, 1s, 60s),
    };
    return fields;
}

field_list<domain::mode_signals> signal_fields() {
    using S = domain::mode_signals;
    static config_field<S> const fields[] = {
        field::number<S>("provider_429_rate", &S::provider_429_rate),
        field::number<S>("open_breaker_share", &S::open_breaker_share),
        field::number<S>("queued_calls", &S::queued_calls),
        field::number<S>("quota_use", &S::quota_use),
    };
    return fields;
}

field_list<domain::mode_thresholds> degraded_mode_fields() {
    using S = domain::mode_thresholds;
    static config_field<S> const fields[] = {
        field::section<S, domain::mode_signals>("degraded", &S::degraded, signal_fields()),
        field::section<S, domain::mode_signals>("critical", &S::critical, signal_fields()),
        field::number<S>("exit_ratio", &S::exit_ratio),
        field::duration<S>("calm_for", &S::calm_for),
    };
    return fields;
}

// P1, P2 and P3's shares of each budget limit (P0 ignores limits).
field_list<std::array<double, 4>> share_fields() {
    using S = std::array<double, 4>;
    constexpr char const* rule = "must be a fraction between 0 and 1";
    static config_field<S> const fields[] = {
        field::number<S>("p1", [](auto& a) -> auto& { return a[1]; }, fraction, rule),
        field::number<S>("p2", [](auto& a) -> auto& { return a[2]; }, fraction, rule),
        field::number<S>("p3", [](auto& a) -> auto& { return a[3]; }, fraction, rule),
    };
    return fields;
}
} // namespace

field_list<resilience_settings> resilience_fields() {
    using S = resilience_settings;
    static config_field<S> const fields[] = {
        field::section<S, domain::retry_config>("retry", &S::retry, retry_fields()),
        field::section<S, domain::breaker_config>("breaker", &S::breaker, breaker_fields()),
        field::section<S, domain::retry_budget_config>("retry_budget", &S::retry_budget, retry_budget_fields()),
        field::section<S, domain::mode_thresholds>("degraded_mode", &S::modes, degraded_mode_fields()),
    };
    return fields;
}

field_list<adapters::budget_policy> budget_fields() {
    using S = adapters::budget_policy;
    static config_field<S> const fields[] = {
        field::integer<S>("max_calls", [](auto& b) -> auto& { return b.limits.max_calls; }, 0, 1'000'000),
        field::integer<S>("max_tokens", [](auto& b) -> auto& { return b.limits.max_tokens; }, 0, 1'000'000'000'000),
        field::number<S>("max_usd", [](auto& b) -> auto& { return b.limits.max_usd; }),
        field::duration<S>("ttl", [](auto& b) -> auto& { return b.limits.ttl; }, 1s),
        field::section<S, std::array<double, 4>>("shares", [](auto& b) -> auto& { return b.limits.shares; },
                                                 share_fields()),
        field::duration<S>("p1_max_wait", &S::p1_max_wait),
        field::fail_mode<S>("on_store_error", &S::on_store_error),
    };
    return fields;
}

} // namespace switchboard::server
