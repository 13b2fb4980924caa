// Health probes, quota refresh and store housekeeping.
#include "adapters/background/gateway_jobs.hpp"

#include "adapters/observability/log.hpp"
#include "adapters/wall_clock.hpp"
#include "adapters/store/store_error.hpp"
#include "domain/calendar.hpp"

namespace switchboard::adapters {


net::awaitable<void> probe_provider(probe_target const& target, probe_board& board, resilience_state& resilience) {
    using clock = std::chrono::steady_clock;
    auto const started = clock::now();
    attempt_context ctx{started + target.timeout, "probe"};
    auto const outcome = co_await target.impl->probe(ctx);
    auto const ended = clock::now();
    probe_result result;
    result.up = outcome.has_value();
    result.at_unix = unix_now();
    result.latency_ms = std::chrono::duration<double, std::milli>(ended - started).count();
    if (!outcome) {
        auto const& e = outcome.error();
        result.error = std::string(domain::failure_type(e));
        if (e.status) result.error += " " + std::to_string(e.status);
        for (auto const& key : target.deployments)
            resilience.on_probe_failure(key, target.breaker, ended, "probe: " + result.error, result.at_unix);
        log_event(log_level::warning, "provider_probe_failed",
                  {{"provider", target.provider}, {"error", result.error}, {"latency_us", static_cast<std::int64_t>(result.latency_ms * 1000)}});
    } else if (log_enabled(log_level::debug)) {
        log_event(log_level::debug, "provider_probe",
                  {{"provider", target.provider}, {"latency_us", static_cast<std::int64_t>(result.latency_ms * 1000)}});
    }
    board.record(target.provider, std::move(result));
}

net::awaitable<void> refresh_quota_signals(quota_keeper& quotas, resilience_state& resilience, quota_watch& watch) {
    std::map<std::string, double> use;
    try {
        use = co_await quotas.provider_use();
    } catch (store_unavailable const&) {
        co_return; // nothing new to learn until the store answers; the next run tries again
    }
    for (auto const& [provider, u] : use) resilience.on_quota_use(provider, u);
    auto const today = domain::day_id(unix_now());
    if (!watch.day.empty() && watch.day != today)
        log_event(log_level::info, "quota_window_rolled", {{"previous_day", watch.day}, {"day", today}});
    watch.day = today;
}

net::awaitable<void> follow_cache_clears(cache_store& shared, response_cache& cache, shared_log_watch& watch) {
    // The first run applies every clear still logged: one made between this instance's start and
    // that run is among them (the older ones find nothing, or little, to drop).
    auto log = co_await shared.changes(watch.seen);
    watch.seen = log.count;
    if (!log.clears) {
        cache.clear("", "");
        co_return;
    }
    for (auto const& c : *log.clears) cache.clear(c.cache_namespace, c.tag);
}

net::awaitable<void> follow_similar(cache_store& shared, response_cache& cache, shared_log_watch& watch) {
    auto log = co_await shared.similar_since(watch.seen);
    watch.seen = log.count;
    auto const local_now = cache.now_ms();
    auto const unix_ms = unix_now_ms();
    for (auto& r : log.records)
        cache.similar().add({std::move(r.vector), std::move(r.rest), std::move(r.key), std::move(r.cache_namespace),
                             local_now + (r.expires_unix_ms - unix_ms)});
}

net::awaitable<void> store_housekeeping(memory_quota_store* local_quotas, redis_link* redis) {
    if (local_quotas) {
        auto const pruned = local_quotas->prune();
        if (pruned > 0 && log_enabled(log_level::debug))
            log_event(log_level::debug, "quota_windows_pruned", {{"subjects", pruned}});
    }
    if (redis) {
        std::vector<std::vector<std::string>> ping{{"PING"}};
        try {
            co_await redis->pipeline(std::move(ping)); // the round trip lands in the store stats
        } catch (store_unavailable const&) {
            // Counted by the connection; health reports it.
        }
    }
}

} // namespace switchboard::adapters
