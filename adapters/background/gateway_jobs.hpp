#pragma once
// The runs of the gateway's periodic tasks (scheduled by periodic_tasks):
//  - probe_provider: a provider's cheap health call; the result goes to the probe board (health
//    and metrics), and a failure counts toward the breaker of each of its deployments, so a dead
//    provider is taken out of rotation before clients find out.
//  - refresh_quota_signals: re-reads every provider's quota use, so the degraded-mode signal
//    follows window rollovers (a new UTC day) even without traffic; logs each rollover once.
//  - follow_cache_clears: applies the cache clears made on other instances (through the shared
//    store) to this instance's first level, so a clear anywhere clears everywhere within a run.
//  - follow_similar: adds the semantic entries kept on other instances to this one's index.
//  - store_housekeeping: drops ended quota windows from the in-memory store and measures the
//    shared store's round trip (PING) so health and metrics stay current while idle.
#include "adapters/background/probe_board.hpp"
#include "adapters/cache/cache_store.hpp"
#include "adapters/cache/response_cache.hpp"
#include "adapters/dispatch/resilience_state.hpp"
#include "adapters/limits/quota_keeper.hpp"
#include "adapters/provider.hpp"
#include "adapters/store/memory_quota_store.hpp"
#include "adapters/store/redis/redis_connection.hpp"
#include "domain/breaker.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace switchboard::adapters {

struct probe_target {
    std::string provider;
    adapters::provider* impl = nullptr; // the probing core's instance
    std::chrono::milliseconds timeout{5000};
    // The provider's deployments ("provider/model") and their breaker settings.
    std::vector<std::string> deployments;
    domain::breaker_config breaker;
};

net::awaitable<void> probe_provider(probe_target const& target, probe_board& board, resilience_state& resilience);

struct quota_watch {
    std::string day; // the UTC day seen by the previous run ("" before the first)
};
net::awaitable<void> refresh_quota_signals(quota_keeper& quotas, resilience_state& resilience, quota_watch& watch);

struct shared_log_watch {
    std::int64_t seen = -1; // the count of a shared log (clears, semantic keeps) seen by the previous run (-1: none yet)
};
net::awaitable<void> follow_cache_clears(cache_store& shared, response_cache& cache, shared_log_watch& watch);

// Keeps this instance's semantic index up with the entries kept on every instance (all of them
// on the first run: how a started instance builds its index).
net::awaitable<void> follow_similar(cache_store& shared, response_cache& cache, shared_log_watch& watch);

// `local_quotas` and `redis` may be null.
net::awaitable<void> store_housekeeping(memory_quota_store* local_quotas, redis_link* redis);

} // namespace switchboard::adapters
