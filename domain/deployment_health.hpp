#pragma once
// Whether a deployment may be called now: its circuit breaker, plus the cooldown a provider asked
// for with Retry-After (nothing is sent to it before then, by any request). Outcomes of calls
// feed it back. Single-threaded by contract; adapters/dispatch/health_registry shares one per
// deployment across cores under a lock.
#include "domain/attempt_outcome.hpp"
#include "domain/breaker.hpp"

#include <optional>

namespace switchboard::domain {

enum class call_result {
    success,
    failure,   // connection error, timeout, 5xx, unusable body: counts toward the breaker
    throttled, // 429: cooldown until Retry-After, not a breaker failure
    neutral    // the client's own error (unless its status says the deployment is broken) or an unsupported operation: says nothing of health
};

// `broken`: statuses that count against the deployment (see broken_deployment_statuses).
call_result classify(attempt_error const& e, broken_deployment_statuses const& broken = {});

class deployment_health {
  public:
    explicit deployment_health(breaker_config config = {}) : breaker_(config) {}

    // Reserves the call (a probe slot when half-open). reject while cooling down or open.
    breaker_admission admit(time_point now);
    // Whether admit() would let a call through now, without reserving anything.
    bool available(time_point now) const;

    // Report the end of an admitted call; `retry_after` is the provider's requested wait.
    void on_result(call_result result, time_point now, std::optional<duration> retry_after = {});

    time_point cooldown_until() const { return cooldown_until_; }
    // The earliest time a call could be admitted again (now, if it can be now).
    time_point available_at(time_point now) const;
    breaker_state state(time_point now) const { return breaker_.state(now); }
    int consecutive_failures() const { return breaker_.consecutive_failures(); }

  private:
    circuit_breaker breaker_;
    time_point cooldown_until_{};
};

} // namespace switchboard::domain
