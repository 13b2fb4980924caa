#pragma once
// The gateway's operating mode — normal → degraded → critical — as an explicit state machine
// over load signals, with hysteresis: it escalates as soon as a signal crosses a level's entry
// threshold, and steps down one level only after every signal has stayed below that level's exit
// threshold (a fraction of the entry one) for `calm_for`. What each mode does (shed P3, cap
// max_tokens, prefer cheaper deployments…) is decided by mode_actions. Single-threaded by
// contract; adapters/dispatch/resilience_state evaluates it under its lock.
#include "domain/budget.hpp"
#include "domain/time.hpp"

#include <string_view>

namespace switchboard::domain {

enum class gateway_mode { normal, degraded, critical };
std::string_view mode_name(gateway_mode m);

struct mode_signals {
    double provider_429_rate = 0;  // share of recent upstream attempts answered 429
    double open_breaker_share = 0; // share of known deployments whose breaker is open
    double queued_calls = 0;       // calls waiting for provider capacity right now
    double quota_use = 0;          // provider quota use, 0..1: the least used provider's
};

struct mode_thresholds {
    mode_signals degraded{0.2, 0.3, 50, 0.9};
    mode_signals critical{0.5, 0.6, 200, 1.0};
    double exit_ratio = 0.5; // a level is left only below exit_ratio × its entry thresholds
    duration calm_for = seconds(30);
};

class degraded_mode {
  public:
    explicit degraded_mode(mode_thresholds t = {}) : t_(t) {}

    gateway_mode update(mode_signals const& s, time_point now);
    gateway_mode current() const { return mode_; }

  private:
    gateway_mode mode_ = gateway_mode::normal;
    mode_thresholds t_;
    time_point calm_since_{};
    bool calm_ = false;
};

// What a mode changes for a call of a given priority.
struct mode_actions {
    bool shed = false;            // answer 429 priority_shed without calling a provider
    double max_tokens_factor = 1; // multiply the client's max_tokens (never below 1 token)
    bool cheapest_first = false;  // order deployments by price, cheapest first
    bool cheapest_only = false;   // …and try only the cheapest live one
};
mode_actions actions_for(gateway_mode m, priority p);

} // namespace switchboard::domain
