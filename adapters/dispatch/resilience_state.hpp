#pragma once
// Process-wide resilience state, shared by every core: the health (breaker + provider cooldown)
// and the outbound throttle (declared limits, AIMD) of each deployment, and the retry budget. Thread-safe:
// one mutex guards it all; every call is a few comparisons, made once per attempt, so contention stays far
// below an upstream call. Time comes from the caller (`now`), as the domain objects it wraps expect.
#include "adapters/webhooks/event_sink.hpp"
#include "domain/call/call_machine.hpp"
#include "domain/degraded_mode.hpp"
#include "domain/deployment_health.hpp"
#include "domain/retry_budget.hpp"
#include "domain/throttle.hpp"

#include <array>
#include <atomic>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <mutex>
#include <string>
#include <vector>

namespace switchboard::adapters {

struct deployment_status {
    std::string key; // provider/model
    domain::breaker_state state;
    int consecutive_failures;
    domain::time_point cooldown_until;
    std::string last_error;          // what its latest failed attempt or probe saw (empty: none)
    std::int64_t last_error_unix = 0; // when (Unix seconds)
};

class resilience_state final : public domain::call::health_view {
  public:
    explicit resilience_state(domain::retry_budget_config budget = {}, domain::mode_thresholds modes = {})
        : budget_(budget), mode_(modes) {}

    // Reserves a call to deployment `key` (created on first use with `config`).
    domain::breaker_admission admit(std::string const& key, domain::breaker_config const& config,
                                    domain::time_point now);
    bool available(std::string_view key, domain::time_point now) const override;
    domain::time_point cooldown_until(std::string const& key) const;
    domain::time_point available_at(std::string const& key, domain::time_point now) const;
    // Ends an admitted call: feeds its result to the breaker and the throttle's AIMD, and frees
    // its throttle slot when it held one.
    void report(std::string const& key, domain::call_result result, domain::time_point now,
                std::optional<domain::duration> retry_after, bool held_slot);

    // Outbound throttle of deployment `key` (created on first use with `config`).
    domain::throttle_decision acquire(std::string const& key, domain::throttle_config const& config,
                                      double tokens, domain::time_point now);

    // Counts a request and re-evaluates the gateway mode from the current signals.
    void on_request(domain::time_point now);
    domain::gateway_mode mode() const { return current_mode_.load(std::memory_order_relaxed); }
    domain::mode_signals signals(domain::time_point now) const;
    // A provider's quota use, 0..1, after a reservation on it. The degraded-mode signal is the
    // lowest over every provider registered (the composition root registers each at 0).
    void on_quota_use(std::string const& provider, double use);
    // Calls waiting for provider capacity (a degraded-mode signal).
    void on_queue_change(int delta);
    bool try_spend_retry(domain::time_point now);

    // A failed background health probe of deployment `key` (created with `config` if new): counts
    // toward its breaker like a failed call, and is remembered as its last error.
    void on_probe_failure(std::string const& key, domain::breaker_config const& config, domain::time_point now,
                          std::string summary, std::int64_t unix_seconds);
    // Remembers a deployment's latest failure for health reports ("timeout", "server_error 503"…).
    void note_error(std::string const& key, std::string summary, std::int64_t unix_seconds);

    // Only the configured deployments (`fixed`).
    std::vector<deployment_status> snapshot(domain::time_point now) const;

    // From now on, the state of deployments not in `fixed` (reached through a client-chosen
    // model name) is kept for the `max_dynamic` most recently used only: the least recently used
    // is forgotten (its breaker starts closed again if it comes back), so memory, health reports
    // and the per-request mode evaluation do not grow with the names clients invent. Without
    // this call every key is kept and reported (tests of the machinery alone).
    void bound_dynamic(std::set<std::string, std::less<>> fixed, std::size_t max_dynamic = 256);
    std::size_t tracked() const; // deployments with state (health, throttle or last error)

    // From now on, a configured deployment's breaker opening or closing and the mode changing are
    // published to `events` as facts of `instance`, dated by `unix_ms` (the wall clock).
    void report_to(event_sink* events, std::string instance, std::function<std::int64_t()> unix_ms);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, domain::deployment_health, std::less<>> health_;
    std::map<std::string, domain::deployment_throttle, std::less<>> throttles_;
    domain::retry_budget budget_;

    // Upstream attempts and 429s per second over the last 10 s, for the 429-rate signal.
    struct second_counts {
        std::int64_t second = -1;
        std::int64_t attempts = 0;
        std::int64_t throttled = 0;
    };
    std::array<second_counts, 10> attempts_{};
    int queued_ = 0;
    std::map<std::string, double, std::less<>> quota_use_;
    std::map<std::string, std::pair<std::string, std::int64_t>, std::less<>> last_errors_;
    domain::degraded_mode mode_;
    std::atomic<domain::gateway_mode> current_mode_{domain::gateway_mode::normal};
    domain::mode_signals signals_locked(domain::time_point now) const;
    // Publishes the breaker's move from `before` to its state now, if it opened or closed.
    void report_breaker_locked(std::string const& key, domain::breaker_state before, domain::time_point now);
    void touch_locked(std::string const& key);
    bool dynamic_locked(std::string_view key) const;

    event_sink* events_ = nullptr;
    std::string instance_;
    std::function<std::int64_t()> unix_ms_;

    std::optional<std::set<std::string, std::less<>>> fixed_;
    std::size_t max_dynamic_ = 256;
    std::list<std::string> dynamic_lru_; // most recent first
    std::map<std::string, std::list<std::string>::iterator, std::less<>> dynamic_at_;
};

} // namespace switchboard::adapters
