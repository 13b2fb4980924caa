// resilience / budgets sections, and a provider's retry, breaker and limits.
#include "server/config_resilience.hpp"

#include "server/config_shared_state.hpp"

#include <algorithm>

namespace switchboard::server {

void read_retry(config_reader& rd, YAML::Node const& n, std::string const& path, domain::retry_config& r) {
    if (!n.IsMap()) return rd.fail(path, "must be a mapping");
    rd.only_keys(n, path, {"max_attempts", "backoff_base", "backoff_cap", "max_retry_after"});
    auto dur = [&](YAML::Node const& v, std::string const& p) { return rd.duration(v, p); };
    rd.set(n, path, "max_attempts", r.max_attempts,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 1, 10); });
    rd.set(n, path, "backoff_base", r.backoff_base, dur);
    rd.set(n, path, "backoff_cap", r.backoff_cap, dur);
    rd.set(n, path, "max_retry_after", r.max_retry_after, dur);
}

void read_breaker(config_reader& rd, YAML::Node const& n, std::string const& path, domain::breaker_config& b) {
    if (!n.IsMap()) return rd.fail(path, "must be a mapping");
    rd.only_keys(
        n, path,
        {"failure_threshold", "open_for", "half_open_probes", "failure_rate", "min_calls", "window"});
    rd.set(n, path, "failure_rate", b.failure_rate,
        [&](YAML::Node const& v, std::string const& p) { return rd.number(v, p); });
    rd.set(n, path, "min_calls", b.min_calls,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 1, 100000); });
    if (auto w = n["window"])
        if (auto d = rd.duration(w, path + ".window"))
            b.window = std::clamp(std::chrono::duration_cast<std::chrono::seconds>(*d),
                                  std::chrono::seconds(1), std::chrono::seconds(60));
    rd.set(n, path, "failure_threshold", b.failure_threshold,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 1, 1000); });
    rd.set(n, path, "open_for", b.open_for,
        [&](YAML::Node const& v, std::string const& p) { return rd.duration(v, p); });
    rd.set(n, path, "half_open_probes", b.half_open_probes,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 1, 100); });
}

void read_throttle(config_reader& rd, YAML::Node const& n, std::string const& path, domain::throttle_config& t) {
    if (!n.IsMap()) return rd.fail(path, "must be a mapping");
    rd.only_keys(n, path, {"requests_per_minute", "tokens_per_minute", "max_concurrent", "burst"});
    auto num = [&](YAML::Node const& v, std::string const& p) { return rd.number(v, p); };
    rd.set(n, path, "requests_per_minute", t.requests_per_minute, num);
    rd.set(n, path, "tokens_per_minute", t.tokens_per_minute, num);
    rd.set(n, path, "max_concurrent", t.max_concurrent,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 0, 100000); });
    if (auto b = n["burst"])
        if (auto d = rd.duration(b, path + ".burst"))
            t.burst_seconds = std::chrono::duration<double>(*d).count();
}

void read_budgets(config_reader& rd, YAML::Node const& n, adapters::budget_policy& b) {
    std::string const path = "budgets";
    if (!n.IsMap()) return rd.fail(path, "must be a mapping");
    rd.only_keys(n, path, {"max_calls", "max_tokens", "max_usd", "ttl", "shares", "p1_max_wait", "on_store_error"});
    if (auto m = n["on_store_error"]) read_fail_mode(rd, m, path + ".on_store_error", b.on_store_error);
    auto& l = b.limits;
    rd.set(n, path, "max_calls", l.max_calls,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 0, 1'000'000); });
    rd.set(n, path, "max_tokens", l.max_tokens,
        [&](auto const& v, auto const& p) { return rd.integer(v, p, 0, 1'000'000'000'000); });
    rd.set(n, path, "max_usd", l.max_usd,
        [&](YAML::Node const& v, std::string const& p) { return rd.number(v, p); });
    if (auto t = n["ttl"])
        if (auto d = rd.duration(t, path + ".ttl"))
            l.ttl = std::chrono::duration_cast<std::chrono::seconds>(*d);
    rd.set(n, path, "p1_max_wait", b.p1_max_wait,
        [&](YAML::Node const& v, std::string const& p) { return rd.duration(v, p); });
    if (auto shares = n["shares"]) {
        if (!shares.IsMap()) return rd.fail(path + ".shares", "must map P1, P2, P3 to fractions");
        rd.only_keys(shares, path + ".shares", {"p1", "p2", "p3"});
        for (int i = 1; i <= 3; ++i) {
            std::string const key = "p" + std::to_string(i);
            if (auto v = shares[key])
                if (auto x = rd.number(v, path + ".shares." + key)) {
                    if (*x > 1)
                        rd.fail(path + ".shares." + key, "must be a fraction between 0 and 1");
                    else
                        l.shares[static_cast<std::size_t>(i)] = *x;
                }
        }
    }
}

static void read_mode_signals(config_reader& rd, YAML::Node const& n, std::string const& path, domain::mode_signals& m) {
    if (!n.IsMap()) return rd.fail(path, "must be a mapping");
    rd.only_keys(n, path, {"provider_429_rate", "open_breaker_share", "queued_calls", "quota_use"});
    auto num = [&](YAML::Node const& v, std::string const& p) { return rd.number(v, p); };
    rd.set(n, path, "provider_429_rate", m.provider_429_rate, num);
    rd.set(n, path, "open_breaker_share", m.open_breaker_share, num);
    rd.set(n, path, "queued_calls", m.queued_calls, num);
    rd.set(n, path, "quota_use", m.quota_use, num);
}

static void read_degraded_mode(config_reader& rd, YAML::Node const& n, domain::mode_thresholds& t) {
    std::string const path = "resilience.degraded_mode";
    if (!n.IsMap()) return rd.fail(path, "must be a mapping");
    rd.only_keys(n, path, {"degraded", "critical", "exit_ratio", "calm_for"});
    if (auto v = n["degraded"]) read_mode_signals(rd, v, path + ".degraded", t.degraded);
    if (auto v = n["critical"]) read_mode_signals(rd, v, path + ".critical", t.critical);
    rd.set(n, path, "exit_ratio", t.exit_ratio,
        [&](YAML::Node const& v, std::string const& p) { return rd.number(v, p); });
    rd.set(n, path, "calm_for", t.calm_for,
        [&](YAML::Node const& v, std::string const& p) { return rd.duration(v, p); });
}

void read_resilience(config_reader& rd, YAML::Node const& n, resilience_settings& r) {
    if (!n.IsMap()) return rd.fail("resilience", "must be a mapping");
    rd.only_keys(n, "resilience", {"retry", "breaker", "retry_budget", "degraded_mode"});
    if (auto v = n["degraded_mode"]) read_degraded_mode(rd, v, r.modes);
    if (auto v = n["retry"]) read_retry(rd, v, "resilience.retry", r.retry);
    if (auto v = n["breaker"]) read_breaker(rd, v, "resilience.breaker", r.breaker);
    if (auto v = n["retry_budget"]) {
        std::string const path = "resilience.retry_budget";
        if (!v.IsMap()) return rd.fail(path, "must be a mapping");
        rd.only_keys(v, path, {"ratio", "min_per_second", "window"});
        auto num = [&](YAML::Node const& x, std::string const& p) { return rd.number(x, p); };
        rd.set(v, path, "ratio", r.retry_budget.ratio, num);
        rd.set(v, path, "min_per_second", r.retry_budget.min_per_second, num);
        if (auto w = v["window"])
            if (auto d = rd.duration(w, path + ".window")) {
                if (*d < std::chrono::seconds(1) || *d > std::chrono::seconds(60))
                    rd.fail(path + ".window", "must be between 1s and 60s");
                else
                    r.retry_budget.window = std::chrono::duration_cast<std::chrono::seconds>(*d);
            }
    }
}

} // namespace switchboard::server
