#pragma once
// Keeps outbound traffic to one deployment under the limits it declares — requests per minute,
// tokens per minute, concurrent calls — so the provider almost never has to answer 429.
// Adaptive (AIMD): a provider 429 halves the rate the gateway allows itself (not below 1/10 of
// the declared limit); each success raises it again by 1/20 of the limit, up to the limit.
// Buckets hold `burst` seconds of traffic. Single-threaded by contract.
#include "domain/token_bucket.hpp"

#include <optional>

namespace switchboard::domain {

struct throttle_config {
    double requests_per_minute = 0; // 0: unlimited
    double tokens_per_minute = 0;   // 0: unlimited
    int max_concurrent = 0;         // 0: unlimited
    double burst_seconds = 1;       // bucket size, in seconds of traffic (at least one request)
    bool limited() const { return requests_per_minute > 0 || tokens_per_minute > 0 || max_concurrent > 0; }
};

struct throttle_decision {
    bool go = false;                  // true: the call is admitted (release() it when done)
    duration wait = duration::zero(); // otherwise: try again after this (concurrency: a short poll)
};

class deployment_throttle {
  public:
    deployment_throttle(throttle_config config, time_point now);

    // Admits a call estimated at `tokens` (prompt + max_tokens) or says how long to wait.
    throttle_decision acquire(double tokens, time_point now);
    void release();

    void on_throttled(time_point now); // the provider answered 429: back off multiplicatively
    void on_success(time_point now);   // additive increase

    double rate_factor() const { return factor_; }
    int in_flight() const { return in_flight_; }

  private:
    void apply_factor(time_point now);

    throttle_config config_;
    std::optional<token_bucket> requests_;
    std::optional<token_bucket> tokens_;
    int in_flight_ = 0;
    double factor_ = 1.0;
};

// How often a call waiting for a concurrency slot looks again.
inline constexpr duration concurrency_poll = std::chrono::milliseconds(5);

} // namespace switchboard::domain
