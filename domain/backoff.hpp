#pragma once
// Retry policy: how many attempts one deployment gets, and how long to wait between them.
// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
// Jitter"): the n-th retry waits uniform(0, min(cap, base·2ⁿ)). The random draw is a
// parameter, so tests pin it.
#include "domain/attempt_outcome.hpp"
#include "domain/time.hpp"

namespace switchboard::domain {

struct retry_config {
    int max_attempts = 3; // per deployment, first attempt included
    duration backoff_base = seconds(1);
    duration backoff_cap = seconds(4);
    // The longest wait a provider's Retry-After (or reset hint) may impose on a deployment: a
    // larger one would bench it for hours on one header.
    duration max_retry_after = seconds(300);
};

// `retry` counts from 0 (the wait before the second attempt); `unit_random` ∈ [0, 1).
duration backoff_delay(retry_config const& c, int retry, double unit_random);

// Whether a failure may be retried on the same deployment. Transient ones may (connection
// failures, resets, 429, 5xx, unusable bodies); a silent provider (timeout) may not — it
// accepted the request and may still be working, so the next deployment is tried instead;
// neither may anything the client caused.
bool retry_same_deployment(attempt_error const& e);

} // namespace switchboard::domain
