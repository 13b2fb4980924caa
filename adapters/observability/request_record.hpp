#pragma once
// What one client request did, filled in as it is served (by the dispatcher: provider, attempts,
// upstream wait, usage, cost, quota) and read once at its end for the request log line and the
// request metrics. Belongs to the request's coroutine; never shared between requests.
#include "domain/pricing.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace switchboard::adapters {

struct request_record {
    std::string provider; // the provider that served, else the last one tried
    std::string model;    // that deployment's upstream model
    std::string model_label; // `model` if the configuration names it, else "other" (metrics)
    // (The small members together: a record is held by every frame and runner a stream keeps.)
    int attempts = 0;
    bool served = false;    // a provider's answer reached the client
    bool fell_back = false; // served (or failed) after leaving the first deployment for another
    std::chrono::steady_clock::duration upstream_wait{}; // summed over attempts
    domain::token_usage usage;                            // of the served call
    double cost_usd = 0;
    double saved_usd = 0; // a cache hit: what its answer cost when it was paid
    std::optional<double> quota_remaining; // share of the tenant's tightest quota window left, 0..1
    std::string_view cache; // "hit", "miss", "bypass"; empty: no cache
};

} // namespace switchboard::adapters
