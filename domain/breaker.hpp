#pragma once
// Circuit breaker for one deployment (provider + upstream model): a small state machine.
//
//   closed ──(failure_threshold consecutive failures, or — when failure_rate is set — that share
//            of at least min_calls calls failing within `window`)──▶ open
//   open ──(open_for elapsed)──▶ half_open: admits at most `half_open_probes` calls at once
//   half_open ──success──▶ closed        half_open ──failure──▶ open (for open_for again)
//
// Failures are connection errors, timeouts and 5xx; a provider's 429 is not a failure (it is a
// cooldown, see deployment_health). Single-threaded by contract: the adapter that shares one
// breaker across cores guards it with a lock.
#include "domain/time.hpp"

#include <array>
#include <cstdint>

namespace switchboard::domain {

struct breaker_config {
    int failure_threshold = 5;
    duration open_for = seconds(60);
    int half_open_probes = 1;
    double failure_rate = 0;      // 0: off; e.g. 0.5 opens when half the recent calls fail
    int min_calls = 10;           // calls in the window before the rate counts
    seconds window = seconds(10); // sliding window for the rate, 1..60 s
};

enum class breaker_state { closed, open, half_open };

enum class breaker_admission {
    allow, // closed: go ahead
    probe, // half_open: go ahead, this call decides the state; report its result
    reject // open, or every probe slot taken
};

class circuit_breaker {
  public:
    explicit circuit_breaker(breaker_config config = {}) : config_(config) {}

    breaker_admission admit(time_point now);
    void on_success(time_point now);
    void on_failure(time_point now);
    // A probe that ended with neither success nor failure (e.g. the client's own 400) frees its slot.
    void on_neutral(time_point now);

    breaker_state state(time_point now) const;
    int consecutive_failures() const { return failures_; }
    // When an open breaker turns half-open (meaningless unless open).
    time_point reopens_at() const { return opened_at_ + config_.open_for; }

  private:
    void trip(time_point now);
    void count(time_point now, bool failed);
    bool rate_exceeded(time_point now) const;

    struct second_counts {
        std::int64_t second = -1;
        int calls = 0;
        int failures = 0;
    };
    std::array<second_counts, 60> recent_{};

    breaker_config config_;
    breaker_state state_ = breaker_state::closed;
    int failures_ = 0;
    int probes_in_flight_ = 0;
    time_point opened_at_{};
};

} // namespace switchboard::domain
