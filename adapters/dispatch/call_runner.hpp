#pragma once
// The runner of domain::call::call_machine: it owns the clock, the random source and the
// collaborators, carries out each action and feeds back the event that follows. It decides
// nothing: every branch here is "do what the action says". Included by dispatcher.cpp only.
#include "adapters/all_at_once.hpp"
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/dispatch/stream_gate.hpp"
#include "adapters/limits/pending_admission.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/spawned.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/call/call_machine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <random>

namespace switchboard::adapters {
namespace call = domain::call;

namespace runner_detail {
using clock = std::chrono::steady_clock;

inline double unit_random() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// "timeout", "server_error 503": what health reports show as a deployment's last error.
inline std::string describe_failure(domain::attempt_error const& e) {
    std::string out(domain::failure_type(e));
    if (e.status) out += " " + std::to_string(e.status);
    return out;
}

// A wait the client's departure ends early (per-operation cancellation of the timer).
inline net::awaitable<void> sleep_until(clock::time_point until, net::cancellation_slot cancel) {
    net::steady_timer timer(co_await net::this_coro::executor, until);
    co_await timer.async_wait(net::bind_cancellation_slot(cancel, net::as_tuple(net::use_awaitable)));
}

template <class H> std::unique_ptr<H> on_heap(std::optional<H>&& held) {
    return held ? std::make_unique<H>(std::move(*held)) : nullptr;
}

} // namespace runner_detail

// A stream's attempts go through the stream_gate its Call owns (dispatcher.cpp); a whole
// answer's Call has none.
template <class Call> constexpr bool has_stream_gate = requires(Call& c) { c.gate; };

// `Call` is the call's own part, owned here: a function (provider&, model, attempt_context) →
// awaitable attempt_result<T>, and for a stream its gate and what its attempts need.
template <class T, class Call> class call_runner {
    using clock = runner_detail::clock;

  public:
    call_runner(dispatcher& d, request_hints const& hints, call_context ctx, domain::quota_counts estimate, Call call,
                std::vector<provider_slot const*> slots, call::call_plan plan)
        : d_(d), hints_(hints), ctx_(ctx), estimate_(estimate), call_(std::move(call)),
          slots_(std::move(slots)), machine_(std::move(plan), d.resilience_), client_gone_(ctx.client_gone) {}
    call_runner(call_runner const&) = delete;
    call_runner& operator=(call_runner const&) = delete;

    // A runner abandoned mid-call (its coroutine destroyed) still ends the admission it holds.
    ~call_runner() {
        if (open_) d_.resilience_.report(*open_->key, domain::call_result::neutral, clock::now(), std::nullopt, open_->held);
    }

    // Runs the machine to its end. The runner — the call's state — is on the heap and this is the
    // call's one frame: a stream keeps it for as long as it streams, rather than a frame per
    // layer that led here (each would hold its own copy of the result on the way back).
    // The result is left in `out` (the caller's, not this frame's promise).
    static net::awaitable<void> run(std::unique_ptr<call_runner> self, std::optional<domain::tier> tier,
                                    dispatch_slot<T>& out) {
        auto& r = *self;
        auto& a = r.action_;
        a = r.machine_.start(clock::now());
        for (;;) {
            r.report_health(r.machine_, a);
            if (a.release_quota && r.provider_hold_) co_await r.release_provider_quota();
            if (a.kind == call::action_kind::done) break;
            // Actions answered at once (admission, capacity, the retry budget) cost no frame.
            if (r.resume_at_once()) continue;
            // An attempt is awaited here, in the call's one frame: a stream's attempt lasts as long
            // as it streams, and a frame of its own (or carry_out's, with every action's locals)
            // would last as long. Each leaves the machine's next action in action_.
            if (a.kind == call::action_kind::attempt && !r.client_left()) {
                auto const& d = candidate(r.machine_, a.index);
                std::string const traceparent = child_traceparent(r.hints_.trace); // a span per attempt
                attempt_context const ctx = r.prepare_attempt(d, a, traceparent);
                auto const sent = clock::now();
                auto outcome = co_await r.call_(*r.slots_[a.index]->impl, d.model, ctx);
                r.after_attempt(d, sent, std::move(outcome));
                continue;
            }
            co_await r.carry_out(r.machine_, a);
        }
        out.emplace(r.outcome(r.machine_, a, tier));
    }

  private:
    // The call's result once the machine is done. A plain function: its temporaries live on the
    // stack, not in the frame of `run`, which a stream keeps for as long as it streams.
    dispatch_result<T> outcome(call::call_machine const& machine, call::action& a, std::optional<domain::tier> tier) {
        std::string last_provider;
        if (auto last = machine.last_attempted()) last_provider = candidate(machine, *last).provider;
        if (a.error)
            return dispatch_failure{std::move(*a.error), machine.attempts(), std::move(last_provider),
                                    std::move(record_)};
        return dispatched<T>{std::move(*value_),        candidate(machine, a.index), machine.attempts(), cost_, tier,
                             std::move(record_)};
    }

    static domain::deployment const& candidate(call::call_machine const& m, std::size_t i) {
        return m.plan().candidates[i].target;
    }
    std::string const& key(call::call_machine const& m, std::size_t i) const { return m.plan().candidates[i].key; }

    // Whether the action needed no waiting: then the machine has its event and the next action.
    bool resume_at_once() {
        auto now = carry_out_now(machine_, action_);
        if (now) resume(*now);
        return now.has_value();
    }

    // The event of an action that needs no waiting, or nullopt.
    std::optional<call::call_event> carry_out_now(call::call_machine const& m, call::action const& a) {
        using call::action_kind;
        switch (a.kind) {
        case action_kind::admit:
            return admit(m, a.index);
        case action_kind::acquire_capacity:
            return acquire(m, a.index);
        case action_kind::spend_retry:
            return call::event::retry_budget{d_.resilience_.try_spend_retry(clock::now())};
        default:
            return std::nullopt;
        }
    }

    // The machine's next action, from the event the latest one came to. `a` (action_) is not
    // read after this.
    void resume(call::call_event const& event) { action_ = machine_.resume(event, clock::now()); }

    // Carries out an action that waits, then resumes the machine with its event.
    net::awaitable<void> carry_out(call::call_machine const& m, call::action const& a) {
        using call::action_kind;
        // The client left: nothing more is started for it, but what it holds is settled.
        if (client_left() && a.kind != action_kind::settle) {
            resume(call::event::cancelled{});
            co_return;
        }
        call::call_event event;
        switch (a.kind) {
        case action_kind::reserve_tenant:
            event = co_await reserve_tenant();
            break;
        case action_kind::reserve_key:
            event = co_await reserve_key();
            break;
        case action_kind::await_admission: {
            auto const* limits = co_await ctx_.admission->outcome();
            event = call::event::admission_decided{limits->refusal};
            break;
        }
        case action_kind::reserve_budget:
            event = co_await reserve_budget();
            break;
        case action_kind::reserve_together:
            event = co_await reserve_together(m.plan());
            break;
        case action_kind::reserve_provider_quota:
            event = co_await reserve_provider_quota(candidate(m, a.index).provider);
            break;
        case action_kind::wait:
            event = co_await wait(a);
            break;
        case action_kind::settle:
            co_await settle(m, a);
            event = call::event::settled{};
            break;
        default: // done, the actions carry_out_now answers, and attempts (run awaits them)
            event = call::event::cancelled{}; // unreachable
            break;
        }
        resume(event);
    }

    // The side effects an action carries on the deployment being left or retried.
    void report_health(call::call_machine const& m, call::action const& a) {
        auto const& r = a.report;
        if (!r) return;
        auto const& k = key(m, r->index);
        d_.resilience_.report(k, r->result, clock::now(), r->retry_after, r->held_slot);
        if (r->failure) d_.resilience_.note_error(k, runner_detail::describe_failure(*r->failure), unix_now());
        open_.reset();
    }
    net::awaitable<void> release_provider_quota() {
        co_await d_.quotas_->settle(std::move(*provider_hold_), std::nullopt);
        provider_hold_.reset();
    }

    net::awaitable<call::event::tenant_reserved> reserve_tenant() {
        auto held = co_await d_.quotas_->reserve_tenant(hints_.tenant, estimate_);
        if (!held) co_return call::event::tenant_reserved{held.error()};
        tenant_hold_ = runner_detail::on_heap(std::move(*held));
        if (tenant_hold_) record_.quota_remaining = std::max(0.0, 1.0 - tenant_hold_->use);
        co_return call::event::tenant_reserved{};
    }

    net::awaitable<call::event::key_reserved> reserve_key() {
        auto held = co_await d_.keys_->reserve(hints_.held_key->key_id, hints_.held_key->limits, estimate_);
        if (!held) co_return call::event::key_reserved{held.error()};
        key_hold_ = std::make_unique<key_hold>(std::move(*held));
        co_return call::event::key_reserved{};
    }

    net::awaitable<call::event::budget_reserved> reserve_budget() {
        auto decision = co_await d_.budgets_.reserve(hints_.budget_id, estimate_.tokens, hints_.priority);
        budget_held_ = decision && decision->admitted;
        co_return call::event::budget_reserved{decision}; // nullopt: the machine applies the fail mode
    }

    // The reservations the plan names, at once: their store calls share one round trip.
    net::awaitable<call::event::reserved_together> reserve_together(call::call_plan const& plan) {
        call::event::reserved_together e;
        std::vector<net::awaitable<void>> all;
        if (plan.tenant_quota) all.push_back(reserve_tenant_into(e.tenant_refusal));
        if (plan.key_limits) all.push_back(reserve_key_into(e.key_refusal));
        if (!plan.budget_id.empty()) all.push_back(reserve_budget_into(e.budget));
        co_await all_at_once(std::move(all));
        co_return e;
    }
    net::awaitable<void> reserve_tenant_into(std::optional<domain::gateway_error>& refusal) {
        auto r = co_await reserve_tenant();
        refusal = std::move(r.refusal);
    }
    net::awaitable<void> reserve_key_into(std::optional<domain::gateway_error>& refusal) {
        auto r = co_await reserve_key();
        refusal = std::move(r.refusal);
    }
    net::awaitable<void> reserve_budget_into(std::optional<call::event::budget_reserved>& budget) {
        budget = co_await reserve_budget();
    }

    call::event::admitted admit(call::call_machine const& m, std::size_t i) {
        routed_ = true;
        auto const now = clock::now();
        auto const& k = key(m, i);
        auto const verdict = d_.resilience_.admit(k, slots_[i]->breaker, now);
        if (verdict != domain::breaker_admission::reject) open_ = open_admission{&k, false};
        return {verdict, d_.resilience_.cooldown_until(k), d_.resilience_.available_at(k, now)};
    }

    call::event::capacity acquire(call::call_machine const& m, std::size_t i) {
        auto const decision =
            d_.resilience_.acquire(key(m, i), slots_[i]->limits, static_cast<double>(estimate_.tokens), clock::now());
        if (decision.go && open_) open_->held = true;
        return {decision};
    }

    net::awaitable<call::event::quota_checked> reserve_provider_quota(std::string const& provider) {
        using room = call::event::quota_checked::room;
        auto r = co_await d_.quotas_->reserve_provider(provider, estimate_);
        if (r.state == quota_keeper::room::exhausted) {
            d_.resilience_.on_quota_use(provider, 1.0);
            co_return call::event::quota_checked{room::exhausted, r.reset_unix, unix_now()};
        }
        if (r.state == quota_keeper::room::unavailable) co_return call::event::quota_checked{room::unavailable};
        if (r.hold) d_.resilience_.on_quota_use(provider, r.use);
        provider_hold_ = runner_detail::on_heap(std::move(r.hold));
        co_return call::event::quota_checked{room::granted};
    }

    net::awaitable<call::event::woke> wait(call::action const& a) {
        if (a.queued) d_.resilience_.on_queue_change(+1); // a degraded-mode signal
        co_await runner_detail::sleep_until(a.until, client_gone_.slot());
        if (a.queued) d_.resilience_.on_queue_change(-1);
        co_return call::event::woke{};
    }

    // What an attempt on `d` is given (it is counted, and a stream's gate told). Plain functions
    // before and after the attempt keep their locals off the frame of `run`, which a stream keeps
    // for as long as it streams.
    attempt_context prepare_attempt(domain::deployment const& d, call::action const& a, std::string const& traceparent) {
        count_attempt(machine_, a);
        attempt_context ctx{a.attempt_deadline, hints_.request_id, traceparent, hints_.trace.tracestate};
        ctx.cancel = client_gone_.slot(); // the provider binds it to each upstream operation
        if (auto* gate = this->gate()) {
            ctx.first_token_by = a.first_token_by;
            ctx.idle_gap = d_.catalog_->stream_idle_timeout;
            gate->attempt(d, a.resume);
        }
        return ctx;
    }

    // The machine resumed with the attempt's event.
    void after_attempt(domain::deployment const& d, clock::time_point sent, attempt_result<T>&& outcome) {
        resume(attempt_event(d, sent, std::move(outcome)));
    }
    call::call_event attempt_event(domain::deployment const& d, clock::time_point sent, attempt_result<T>&& outcome) {
        // Cut short by the client's departure: not the deployment's failure. A partial stream
        // that returned its result ends as served, billed for what was relayed.
        if (!outcome && client_left()) return call::event::cancelled{};
        call::event::attempt_ended ended;
        if (!outcome) ended.error = outcome.error();
        d_.observe_attempt(hints_.request_id, record_, d, sent, ended.error ? &*ended.error : nullptr);
        if (auto* gate = this->gate()) {
            if (outcome) gate->attempt_ended();
            ended.rejected = outcome && gate->rejected();
            ended.committed = gate->committed();
            ended.client_gone = gate->client_gone() || client_left();
        }
        if (ended.rejected)
            log_event(log_level::info, "stream_resume_rejected",
                      {{"request_id", hints_.request_id}, {"provider", d.provider}, {"model", d.model}});
        if (!outcome)
            ended.draw = runner_detail::unit_random();
        else if (!ended.rejected)
            value_ = std::move(*outcome);
        return ended;
    }

    stream_gate* gate() {
        if constexpr (has_stream_gate<Call>)
            return &call_.gate;
        else
            return nullptr;
    }

    bool client_left() const { return client_gone_.cancelled() != net::cancellation_type::none; }

    // Metrics: a retry on the same deployment or a fallback from the previous one.
    void count_attempt(call::call_machine const& m, call::action const& a) {
        if (a.follows == call::attempt_kind::fallback) record_.fell_back = true;
        if (!d_.metrics_ || a.follows == call::attempt_kind::first) return;
        bool const retry = a.follows == call::attempt_kind::retry;
        d_.metrics_->add(retry ? metric::upstream_retries : metric::fallbacks,
                         {{"provider", candidate(m, retry ? a.index : a.previous).provider}});
    }

    // Every reservation ends: with the answer's usage when the call was served, else given back.
    // Only the key meter's release is awaited in any case: a key's next call must find this one's
    // slot free (from a meter lease it costs no round trip). The quotas' and the budget's
    // settlements go alongside the answer when their store is remote and the call was routed:
    // their round trips are not on the request's path, and the next call on this core is written
    // to the store after them; a read that follows at once elsewhere may miss them by a round trip
    // (SHARED_STATE.md). In memory, and after a refusal (a give-back), they are awaited, at once.
    net::awaitable<void> settle(call::call_machine const& m, call::action const& a) {
        std::optional<domain::token_usage> used;
        std::vector<net::awaitable<void>> ends;
        // (The executor first, on a line of its own: GCC 12 mishandles a co_await among the
        // arguments of a call that also builds a coroutine.)
        auto executor = co_await net::this_coro::executor;
        auto alongside = [&](bool remote, net::awaitable<void> settlement, std::string_view task) {
            if (routed_ && remote)
                net::co_spawn(executor, std::move(settlement), logged(task));
            else
                ends.push_back(std::move(settlement));
        };
        std::optional<domain::quota_counts> actual;
        if (a.served) {
            account(m, a.index);
            used = value_->usage;
            actual = domain::quota_counts{1, used->total(), domain::to_micro_usd(cost_)};
            if (provider_hold_) {
                bool const remote = d_.quotas_->settles_remotely(*provider_hold_);
                alongside(remote, d_.quotas_->settle(std::move(*provider_hold_), actual), "provider_quota_settlement");
                provider_hold_.reset();
            }
        }
        if (key_hold_) {
            if (key_hold_->budget) {
                bool const remote = d_.quotas_->settles_remotely(*key_hold_->budget);
                alongside(remote, d_.quotas_->settle(std::move(*key_hold_->budget), actual), "key_budget_settlement");
                key_hold_->budget.reset();
            }
            ends.push_back(d_.keys_->settle(std::move(*key_hold_), actual));
            key_hold_.reset();
        }
        if (tenant_hold_) {
            bool const remote = d_.quotas_->settles_remotely(*tenant_hold_);
            alongside(remote, d_.quotas_->settle(std::move(*tenant_hold_), actual), "tenant_quota_settlement");
            tenant_hold_.reset();
        }
        if (budget_held_) {
            std::optional<domain::budget_usage> spent;
            if (used) spent = domain::budget_usage{1, used->total(), cost_};
            alongside(d_.budgets_.remote(), d_.budgets_.settle(hints_.budget_id, estimate_.tokens, spent), "budget_settlement");
        }
        co_await all_at_once(std::move(ends));
    }

    // The served answer: billable usage, its price, the ledger, the provider's quota, the record.
    void account(call::call_machine const& m, std::size_t served) {
        auto const& d = candidate(m, served);
        auto const& slot = *slots_[served];
        auto& value = *value_;
        if constexpr (std::is_same_v<T, stream_result>)
            if (d_.metrics_ && value.malformed_events > 0)
                d_.metrics_->add(metric::stream_malformed, {{"provider", d.provider}},
                                 static_cast<double>(value.malformed_events));
        if (m.resumed()) note_resumed(d);
        // A provider's implausible count (negative, fractional, absurd) is replaced by the call's
        // estimate before anything bills, counts or prices it.
        value.usage = domain::billable_usage(value.usage, {estimate_.tokens, 0});
        if constexpr (std::is_same_v<T, rest_answer>) {
            cost_ = slot.billable ? value.cost_usd : 0; // by the provider's price rule, not by tokens
        } else if (slot.billable) {
            // Priced by the model that answered, else by the one configured.
            auto price = d_.catalog_->prices.find(value.model);
            cost_ = price ? domain::price_table::cost_of(*price, value.usage)
                          : d_.catalog_->prices.cost_usd(d.model, value.usage);
        }
        d_.ledger_.record(d.provider, d.model, value.usage, cost_); // the provider's quota: settle()
        if (value.model.empty()) value.model = d.model;
        if constexpr (requires { value.relayed; }) {
            if (value.relayed.empty()) value.body["model"] = value.model; // relayed: names it already
        } else if constexpr (requires { value.body; }) {
            value.body["model"] = value.model;
        }
        record_.served = true;
        record_.usage = value.usage;
        record_.cost_usd = cost_;
    }

    void note_resumed(domain::deployment const& d) {
        char const* mode = d.prefill ? "prefill" : "regenerate";
        if (d_.metrics_) d_.metrics_->add(metric::stream_resumes, {{"provider", d.provider}, {"mode", mode}});
        log_event(log_level::info, "stream_resumed",
                  {{"request_id", hints_.request_id}, {"provider", d.provider}, {"model", d.model}, {"mode", mode}});
    }

    struct open_admission {
        std::string const* key; // the plan's (machine_ outlives every use)
        bool held = false;
    };

    dispatcher& d_;
    request_hints const& hints_;
    call_context ctx_;
    domain::quota_counts estimate_; // one request, its tokens and their dearest price
    Call call_;
    std::vector<provider_slot const*> slots_; // parallel to the plan's candidates
    call::call_machine machine_;
    call::action action_; // the machine's latest action (what an action's event came to is not kept)
    std::optional<open_admission> open_;      // admitted, not yet reported
    // The reservations held, on the heap only when there is one (a hold is a few hundred bytes,
    // and a stream keeps its runner for as long as it streams).
    std::unique_ptr<quota_hold> tenant_hold_;
    std::unique_ptr<key_hold> key_hold_;
    std::unique_ptr<quota_hold> provider_hold_;
    bool budget_held_ = false;
    bool routed_ = false; // past the reservations: a deployment was asked for
    std::optional<T> value_; // the answer that served
    double cost_ = 0;
    request_record record_; // returned with the result
    // Follows ctx.client_gone: remembers that it fired, and hands a slot on to the wait or the
    // attempt in progress.
    net::cancellation_state client_gone_;
};

} // namespace switchboard::adapters
