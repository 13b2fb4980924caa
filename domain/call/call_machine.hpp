#pragma once
// One client call as a sans-io state machine: events in, actions out (the shape of Boost.Redis's
// exec_fsm). The machine owns every decision of a call — reservations and their refusals, the
// fallback order, breaker and cooldown waits, provider quotas and capacity, retries and backoff,
// Retry-After, the deadline, stream commit/resume, cancellation and the client's final error —
// and reads no clock: each event comes with `now`, and the random draw of a backoff comes with the
// attempt's outcome. The runner (adapters/dispatch/dispatcher.cpp) carries out each action and
// feeds back what happened.
//
// Protocol: call start(now), then resume(event, now) with the event the last action asks for,
// until an action of kind `done`. Before carrying out an action, the runner applies its side
// effects on the deployment being left or retried: `report` (its health) and `release_quota`.
// Exactly one report follows every admission (a half-open breaker never keeps a probe slot, a
// throttle never keeps a concurrency slot). `cancelled` may be sent instead of any event.
#include "domain/attempt_outcome.hpp"
#include "domain/backoff.hpp"
#include "domain/boxed.hpp"
#include "domain/breaker.hpp"
#include "domain/budget.hpp"
#include "domain/call/final_error.hpp"
#include "domain/deployment_health.hpp"
#include "domain/rate_limit.hpp"
#include "domain/routing.hpp"
#include "domain/throttle.hpp"

#include <optional>
#include <variant>

namespace switchboard::domain::call {

enum class resume_mode { none, prefill, regenerate };

// A deployment the call may try, with its provider's policies; fixed for the call.
struct candidate {
    deployment target;
    std::string key; // deployment_key(target)
    retry_config retry;
    broken_deployment_statuses broken;
    duration attempt_timeout = seconds(30);
    bool throttled = false; // its provider declares outbound limits: a slot is taken first
};

// Shared health, read only: whether a deployment could be admitted at `now`.
class health_view {
  public:
    virtual bool available(std::string_view key, time_point now) const = 0;

  protected:
    ~health_view() = default;
};

struct call_plan {
    std::vector<candidate> candidates; // in the order to try them
    duration timeout = seconds(60);    // from the first attempt's admission
    duration may_wait{};               // the longest wait for provider capacity (by priority)
    priority prio = priority::p1;
    bool stream = false;
    duration first_token_timeout = seconds(10); // streams: the first content within this
    bool tenant_quota = false;                  // reserve the tenant's quota first
    bool key_limits = false;                    // then the caller's key's limits and budget
    bool admission_pending = false;             // await the inbound limit check before any attempt
    std::string budget_id;                      // empty: no budget
    fail_mode budget_store_down = fail_mode::open;
    bool provider_quotas = false; // reserve a provider's quota before its first attempt
};

namespace event {
struct tenant_reserved {
    std::optional<gateway_error> refusal;
};
struct key_reserved {
    std::optional<gateway_error> refusal;
};
struct admission_decided {
    std::optional<gateway_error> refusal;
};
struct budget_reserved {
    std::optional<budget_decision> decision; // nullopt: the store could not be reached
};
// The reservations of reserve_together: each planned one's outcome (the unplanned stay empty).
struct reserved_together {
    std::optional<gateway_error> tenant_refusal;
    std::optional<gateway_error> key_refusal;
    std::optional<budget_reserved> budget;
};
struct admitted {
    breaker_admission verdict = breaker_admission::allow;
    time_point cooldown_until{}; // the provider's Retry-After cooldown
    time_point available_at{};   // when it could be admitted again
};
struct quota_checked {
    enum class room { granted, exhausted, unavailable } state = room::granted;
    std::int64_t reset_unix = 0; // exhausted: when the quota resets
    std::int64_t now_unix = 0;
};
struct capacity {
    throttle_decision decision;
};
struct retry_budget {
    bool granted = false;
};
struct woke {};
struct attempt_ended {
    std::optional<attempt_error> error; // empty: the attempt succeeded
    bool rejected = false;              // streams: a regenerated answer did not match what was sent
    bool committed = false;             // streams: content reached the client (now or before)
    bool client_gone = false;
    double draw = 0; // uniform in [0, 1): the backoff's jitter, should a retry follow
};
struct settled {};
struct cancelled {}; // the client left
} // namespace event

using call_event = std::variant<event::tenant_reserved, event::key_reserved, event::admission_decided, event::budget_reserved,
                                event::reserved_together,
                                event::admitted, event::quota_checked, event::capacity, event::retry_budget,
                                event::woke, event::attempt_ended, event::settled, event::cancelled>;

enum class action_kind {
    reserve_tenant,         // → tenant_reserved
    reserve_key,            // → key_reserved
    await_admission,        // → admission_decided
    reserve_budget,         // → budget_reserved
    // The tenant's quota, the key's limits and the budget the plan names, all at once, when it
    // names two or more → reserved_together. One store round trip instead of one each; refusals
    // are still taken in the order tenant, key, inbound limit, budget, and what the others took
    // is given back by the settlement that follows a refusal.
    reserve_together,
    admit,                  // breaker + cooldown of `index` → admitted
    reserve_provider_quota, // → quota_checked
    acquire_capacity,       // a throttle slot of `index` → capacity
    spend_retry,            // the gateway-wide retry budget → retry_budget
    wait,                   // until `until` → woke
    attempt,                // call `index` → attempt_ended
    settle,                 // settle every reservation (served or not) → settled
    done,                   // `error`, or served by `index`
};

enum class attempt_kind { first, retry, fallback };

// An admitted call's end, to feed to the deployment's health.
struct health_report {
    std::size_t index = 0;
    call_result result = call_result::neutral;
    std::optional<duration> retry_after;
    bool held_slot = false;                 // it holds a throttle slot to free
    attempt_error const* failure = nullptr; // set: remember it as the deployment's last error
};

struct action {
    action_kind kind = action_kind::done;
    std::size_t index = 0;
    std::optional<health_report> report;        // side effect first
    std::optional<std::size_t> release_quota;   // side effect first: that provider's quota hold, unused
    time_point until{};                         // wait
    bool queued = false;                        // wait: for provider capacity (a degraded-mode signal)
    time_point attempt_deadline{};              // attempt
    time_point first_token_by = time_point::max();
    resume_mode resume = resume_mode::none;
    attempt_kind follows = attempt_kind::first;
    std::size_t previous = 0;                   // attempt: the deployment of the attempt before
    bool served = false;                        // settle
    boxed<gateway_error> error;                 // done: the failure (empty: served by `index`)
};

class call_machine {
  public:
    call_machine(call_plan plan, health_view const& health) : plan_(std::move(plan)), health_(health) {}

    action start(time_point now);
    action resume(call_event const& e, time_point now);

    call_plan const& plan() const { return plan_; }
    int attempts() const { return attempts_; }
    std::optional<std::size_t> last_attempted() const { return last_index_; }
    // Served after a failure past the stream's commit (a resumed stream).
    bool resumed() const { return facts_.resume_failure.has_value(); }
    time_point deadline() const { return deadline_; }

  private:
    enum class phase {
        idle, tenant, key, reserving, admission, budget, admitting, cooling, quota, capacity, queued,
        attempting, retry_budget, backing_off, settling, finished
    };
    action on(event::tenant_reserved const& e, time_point now);
    action on(event::key_reserved const& e, time_point now);
    action on(event::admission_decided const& e, time_point now);
    action on(event::budget_reserved const& e, time_point now);
    action on(event::reserved_together const& e, time_point now);
    action on(event::admitted const& e, time_point now);
    action on(event::quota_checked const& e, time_point now);
    action on(event::capacity const& e, time_point now);
    action on(event::retry_budget const& e, time_point now);
    action on(event::woke const& e, time_point now);
    action on(event::attempt_ended const& e, time_point now);
    action on(event::settled const& e, time_point now);
    action on(event::cancelled const& e, time_point now);

    action after_tenant(time_point now);
    action after_key(time_point now);
    action after_admission(time_point now);
    action enter_candidate(time_point now);
    action try_admit(time_point now);
    action after_quota(time_point now);
    action start_attempt(time_point now);
    action after_failure_of_attempt(event::attempt_ended const& e, time_point now);
    action abandon(time_point now); // leave an admitted deployment unattempted
    action leave(time_point now, std::optional<std::size_t> next = {});
    action finish(time_point now);
    action refuse(gateway_error e, bool reserved);
    action emit(action a); // attaches the pending side effects
    void report(call_result r, std::optional<duration> retry_after, attempt_error const* failure);
    bool others_available(time_point now) const;

    call_plan plan_;
    health_view const& health_;
    phase phase_ = phase::idle;
    time_point deadline_ = time_point::max();
    boxed<event::budget_reserved> early_budget_; // reserved together, decided after admission

    std::size_t i_ = 0;          // the candidate in hand
    int n_ = 0;                  // its attempt number (waits for its cooldown count too)
    bool admitted_ = false;      // admitted, not yet reported
    bool slot_held_ = false;     // admitted with a throttle slot
    bool quota_checked_ = false; // its provider's quota was reserved (once per candidate)
    bool holds_quota_ = false;
    time_point capacity_until_{}; // the longest this attempt may wait for a throttle slot
    duration backoff_{};

    int attempts_ = 0;
    std::optional<std::size_t> last_index_;
    bool committed_ = false;
    std::int64_t context_floor_ = 0; // the largest window known too small for the prompt
    call_facts facts_;

    std::optional<health_report> pending_report_;
    std::optional<std::size_t> pending_release_;
    boxed<gateway_error> error_; // boxed, as the facts' errors: the machine lives as long as its stream
    bool served_ = false;
};

} // namespace switchboard::domain::call
