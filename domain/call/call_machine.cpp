// The call machine's transitions. Each handler is one step of the old attempt loop: the state it
// needs lives in members, and every exit from a deployment goes through leave().
#include "domain/call/call_machine.hpp"

#include "domain/context_windows.hpp"

#include <algorithm>

namespace switchboard::domain::call {

action call_machine::start(time_point now) {
    if (int{plan_.tenant_quota} + int{plan_.key_limits} + int{!plan_.budget_id.empty()} >= 2) {
        phase_ = phase::reserving;
        return emit({action_kind::reserve_together});
    }
    if (plan_.tenant_quota) {
        phase_ = phase::tenant;
        return emit({action_kind::reserve_tenant});
    }
    return after_tenant(now);
}

action call_machine::resume(call_event const& e, time_point now) {
    return std::visit([&](auto const& ev) { return on(ev, now); }, e);
}

// --- reservations -------------------------------------------------------------------------

action call_machine::on(event::tenant_reserved const& e, time_point now) {
    if (e.refusal) return refuse(*e.refusal, false);
    return after_tenant(now);
}

// Everything reserved is given back by the settlement a refusal leads to (reserved: true).
action call_machine::on(event::reserved_together const& e, time_point now) {
    if (plan_.tenant_quota && e.tenant_refusal) return refuse(*e.tenant_refusal, true);
    if (plan_.key_limits && e.key_refusal) return refuse(*e.key_refusal, true);
    if (!plan_.budget_id.empty()) early_budget_ = e.budget.value_or(event::budget_reserved{});
    return after_key(now);
}

action call_machine::after_tenant(time_point now) {
    if (plan_.key_limits) {
        phase_ = phase::key;
        return emit({action_kind::reserve_key});
    }
    return after_key(now);
}

action call_machine::on(event::key_reserved const& e, time_point now) {
    if (e.refusal) return refuse(*e.refusal, true); // the tenant's reservation is given back
    return after_key(now);
}

action call_machine::after_key(time_point now) {
    if (plan_.admission_pending) {
        phase_ = phase::admission;
        return emit({action_kind::await_admission});
    }
    return after_admission(now);
}

action call_machine::on(event::admission_decided const& e, time_point now) {
    if (e.refusal) return refuse(*e.refusal, true);
    return after_admission(now);
}

action call_machine::after_admission(time_point now) {
    if (early_budget_) {
        auto const budget = std::move(*early_budget_);
        early_budget_.reset();
        return on(budget, now);
    }
    if (!plan_.budget_id.empty()) {
        phase_ = phase::budget;
        return emit({action_kind::reserve_budget});
    }
    deadline_ = now + plan_.timeout;
    return enter_candidate(now);
}

action call_machine::on(event::budget_reserved const& e, time_point now) {
    // A budget has no local share: fail_open lets the call through uncounted.
    if (!e.decision && on_store_outage(plan_.budget_store_down, false) == outage_action::refuse) {
        auto refusal = make_error(errc::store_unavailable, "Budgets cannot be checked right now; try again shortly");
        refusal.retry_after = seconds(1);
        return refuse(std::move(refusal), true);
    }
    if (e.decision && !e.decision->admitted)
        return refuse(make_error(errc::budget_exhausted, "The budget '" + plan_.budget_id +
                                                             "' has no room left for priority " +
                                                             std::string(priority_name(plan_.prio)) + " calls"),
                      true);
    deadline_ = now + plan_.timeout;
    return enter_candidate(now);
}

action call_machine::refuse(gateway_error e, bool reserved) {
    error_ = std::move(e);
    if (!reserved) {
        phase_ = phase::finished;
        return emit({.kind = action_kind::done, .error = error_});
    }
    phase_ = phase::settling;
    return emit({.kind = action_kind::settle, .served = false});
}

// --- one deployment: admission, quota, capacity ---------------------------------------------

action call_machine::enter_candidate(time_point now) {
    if (facts_.stopped || i_ >= plan_.candidates.size() || now >= deadline_) return finish(now);
    n_ = 0;
    quota_checked_ = holds_quota_ = false;
    return try_admit(now);
}

action call_machine::try_admit(time_point now) {
    if (now >= deadline_) return leave(now);
    phase_ = phase::admitting;
    return emit({.kind = action_kind::admit, .index = i_});
}

action call_machine::on(event::admitted const& e, time_point now) {
    if (e.verdict == breaker_admission::reject) {
        // The provider asked for a wait (Retry-After) and only it can serve: wait when it fits.
        if (e.cooldown_until > now && e.cooldown_until < deadline_ && !others_available(now)) {
            phase_ = phase::cooling;
            return emit({.kind = action_kind::wait, .until = e.cooldown_until});
        }
        if (!facts_.earliest_reopen || e.available_at < *facts_.earliest_reopen)
            facts_.earliest_reopen = e.available_at;
        return leave(now);
    }
    admitted_ = true;
    slot_held_ = false;
    if (plan_.provider_quotas && !quota_checked_) {
        phase_ = phase::quota;
        return emit({.kind = action_kind::reserve_provider_quota, .index = i_});
    }
    return after_quota(now);
}

action call_machine::on(event::quota_checked const& e, time_point now) {
    // A provider without room is skipped like an unavailable one; only when no deployment can
    // serve does the client hear of it.
    quota_checked_ = true;
    switch (e.state) {
    case event::quota_checked::room::exhausted:
        facts_.quota_reset = std::min(facts_.quota_reset.value_or(e.reset_unix), e.reset_unix);
        facts_.now_unix = e.now_unix;
        return abandon(now);
    case event::quota_checked::room::unavailable:
        facts_.quota_unknown = true;
        return abandon(now);
    case event::quota_checked::room::granted:
        break;
    }
    holds_quota_ = true;
    return after_quota(now);
}

action call_machine::after_quota(time_point now) {
    if (!plan_.candidates[i_].throttled) return start_attempt(now);
    capacity_until_ = std::min(deadline_, now + plan_.may_wait);
    phase_ = phase::capacity;
    return emit({.kind = action_kind::acquire_capacity, .index = i_});
}

action call_machine::on(event::capacity const& e, time_point now) {
    // Stay under the provider's declared limits: wait for room only when no other deployment can
    // serve and this priority may wait that long; otherwise move on.
    if (e.decision.go) {
        slot_held_ = true;
        return start_attempt(now);
    }
    if (others_available(now)) return abandon(now);
    if (now + e.decision.wait >= capacity_until_) {
        facts_.shed = true;
        return abandon(now);
    }
    phase_ = phase::queued;
    return emit({.kind = action_kind::wait, .until = now + e.decision.wait, .queued = true});
}

action call_machine::on(event::woke const&, time_point now) {
    switch (phase_) {
    case phase::queued:
        phase_ = phase::capacity;
        return emit({.kind = action_kind::acquire_capacity, .index = i_});
    case phase::cooling:
    case phase::backing_off:
        ++n_;
        return try_admit(now);
    default:
        return finish(now); // not waiting: a runner bug, ended safely
    }
}

// --- the attempt and what follows it --------------------------------------------------------

action call_machine::start_attempt(time_point now) {
    auto const& c = plan_.candidates[i_];
    action a{.kind = action_kind::attempt, .index = i_};
    a.resume = !committed_ ? resume_mode::none : c.target.prefill ? resume_mode::prefill : resume_mode::regenerate;
    if (plan_.stream) {
        // A stream may run as long as the request allows; silence is what is bounded.
        a.attempt_deadline = deadline_;
        a.first_token_by = std::min(deadline_, now + plan_.first_token_timeout);
    } else {
        a.attempt_deadline = std::min(deadline_, now + c.attempt_timeout);
    }
    a.follows = attempts_ == 0 ? attempt_kind::first : *last_index_ == i_ ? attempt_kind::retry : attempt_kind::fallback;
    a.previous = last_index_.value_or(i_);
    ++attempts_;
    last_index_ = i_;
    phase_ = phase::attempting;
    return emit(std::move(a));
}

action call_machine::on(event::attempt_ended const& e, time_point now) {
    committed_ = committed_ || e.committed;
    if (!e.error && e.rejected) {
        // A regenerated answer that did not begin with what the client has: not this provider's
        // fault, and not a continuation. The original failure stands.
        report(call_result::neutral, std::nullopt, nullptr);
        return leave(now);
    }
    if (!e.error) {
        report(call_result::success, std::nullopt, nullptr);
        served_ = true;
        holds_quota_ = false; // settled with the answer's usage
        phase_ = phase::settling;
        return emit({.kind = action_kind::settle, .index = i_, .served = true});
    }
    return after_failure_of_attempt(e, now);
}

action call_machine::after_failure_of_attempt(event::attempt_ended const& e, time_point now) {
    auto const& c = plan_.candidates[i_];
    facts_.last = *e.error;
    facts_.last_broken = c.broken;
    auto const& last = *facts_.last;
    auto const verdict = classify(last, c.broken);
    report(verdict, last.retry_after, verdict == call_result::neutral ? nullptr : &last);
    if (committed_) {
        // The client has part of this answer: only a resume on another deployment may finish it;
        // the first failure is the one the client will hear of.
        if (!facts_.resume_failure) facts_.resume_failure = last;
        if (e.client_gone) facts_.stopped = true;
        return leave(now);
    }
    switch (after_failure(last, c.broken)) {
    case next_step::larger_context: {
        // Exactly one attempt here; only a deployment whose window may be larger can help.
        context_floor_ = std::max(context_floor_, context_window_of(c.target));
        std::optional<std::size_t> next;
        for (auto j = i_ + 1; j < plan_.candidates.size() && !next; ++j)
            if (may_hold_longer_prompt(plan_.candidates[j].target, context_floor_)) next = j;
        if (!next) facts_.stopped = true;
        return leave(now, next);
    }
    case next_step::stop:
        facts_.stopped = true;
        return leave(now);
    case next_step::fall_back:
        break;
    }
    if (!retry_same_deployment(last) || n_ + 1 >= c.retry.max_attempts) return leave(now);
    if (last.status == 429 && others_available(now)) return leave(now); // fail over rather than wait
    backoff_ = backoff_delay(c.retry, n_, e.draw);
    if (last.retry_after) backoff_ = std::max(backoff_, *last.retry_after);
    if (now + backoff_ >= deadline_) return leave(now);
    phase_ = phase::retry_budget;
    return emit({.kind = action_kind::spend_retry, .index = i_});
}

action call_machine::on(event::retry_budget const& e, time_point now) {
    if (!e.granted) return leave(now);
    phase_ = phase::backing_off;
    return emit({.kind = action_kind::wait, .until = now + backoff_});
}

action call_machine::on(event::cancelled const&, time_point now) {
    // Sent in place of carrying out an attempt or a wait: every reservation was made.
    if (phase_ == phase::settling || phase_ == phase::finished) return on(event::settled{}, now);
    if (admitted_) report(call_result::neutral, std::nullopt, nullptr);
    if (holds_quota_) pending_release_ = i_;
    holds_quota_ = false;
    facts_.stopped = true;
    return refuse(make_error(errc::client_closed, "The client closed the request before its answer"),
                  phase_ != phase::idle);
}

// --- leaving, finishing ---------------------------------------------------------------------

action call_machine::abandon(time_point now) {
    report(call_result::neutral, std::nullopt, nullptr);
    return leave(now);
}

action call_machine::leave(time_point now, std::optional<std::size_t> next) {
    if (holds_quota_) pending_release_ = i_;
    holds_quota_ = false;
    i_ = next.value_or(i_ + 1);
    return enter_candidate(now);
}

action call_machine::finish(time_point now) {
    facts_.out_of_time = !facts_.stopped && now >= deadline_;
    facts_.now = now;
    facts_.prio = plan_.prio;
    return refuse(final_error(facts_), true);
}

action call_machine::on(event::settled const&, time_point) {
    phase_ = phase::finished;
    if (served_) return emit({.kind = action_kind::done, .index = i_});
    return emit({.kind = action_kind::done, .error = error_});
}

void call_machine::report(call_result r, std::optional<duration> retry_after, attempt_error const* failure) {
    if (!admitted_) return;
    pending_report_ = health_report{i_, r, retry_after, slot_held_, failure};
    admitted_ = slot_held_ = false;
}

action call_machine::emit(action a) {
    a.report = std::exchange(pending_report_, std::nullopt);
    a.release_quota = std::exchange(pending_release_, std::nullopt);
    return a;
}

bool call_machine::others_available(time_point now) const {
    for (std::size_t j = i_ + 1; j < plan_.candidates.size(); ++j)
        if (health_.available(plan_.candidates[j].key, now)) return true;
    return false;
}

} // namespace switchboard::domain::call
