// The attempt loop: routing → ordered deployments → admitted, retried attempts under one deadline.
#include "adapters/dispatch/dispatcher.hpp"

#include "adapters/dispatch/stream_gate.hpp"
#include "adapters/limits/pending_admission.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/calendar.hpp"
#include "domain/deployment_health.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace switchboard::adapters {
namespace {
using clock = std::chrono::steady_clock;

dispatch_failure failure(domain::gateway_error e, int attempts = 0, std::string provider = {}) {
    return dispatch_failure{std::move(e), attempts, std::move(provider)};
}

double unit_random() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// "timeout", "server_error 503": what health reports show as a deployment's last error.
std::string describe_failure(domain::attempt_error const& e) {
    std::string out(domain::failure_type(e));
    if (e.status) out += " " + std::to_string(e.status);
    return out;
}

net::awaitable<void> sleep_for(clock::duration d) {
    net::steady_timer timer(co_await net::this_coro::executor, d);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
}

// Reports an admitted call's result exactly once; a call abandoned before its end (skipped while
// throttled, or cancelled) reports `neutral`, so a half-open breaker never keeps a probe slot
// and a throttle never keeps a concurrency slot forever.
class admitted_call {
  public:
    admitted_call(resilience_state& state, std::string const& key) : state_(state), key_(key) {}
    ~admitted_call() {
        if (!reported_)
            state_.report(key_, domain::call_result::neutral, clock::now(), std::nullopt, holds_slot_);
    }
    void hold_throttle_slot() { holds_slot_ = true; }
    void report(domain::call_result result, std::optional<domain::duration> retry_after) {
        state_.report(key_, result, clock::now(), retry_after, holds_slot_);
        reported_ = true;
    }

  private:
    resilience_state& state_;
    std::string const& key_;
    bool holds_slot_ = false;
    bool reported_ = false;
};
} // namespace

void dispatcher::observe_attempt(request_hints const& hints, domain::deployment const& d,
                                 clock::time_point sent, domain::attempt_error const* failed) {
    auto const took = clock::now() - sent;
    if (auto* r = hints.record) {
        ++r->attempts;
        r->provider = d.provider;
        r->model = d.model;
        r->model_label = catalog_->model_label(d);
        r->upstream_wait += took;
    }
    if (metrics_) {
        auto const model = catalog_->model_label(d); // never a client-chosen name: series are bounded
        metrics_->observe(metric::upstream_request_duration, {{"provider", d.provider}, {"model", model}},
                          std::chrono::duration<double>(took).count());
        metrics_->add(metric::upstream_requests,
                      {{"provider", d.provider}, {"model", model}, {"outcome", failed ? "error" : "success"}});
        if (failed) metrics_->add(metric::upstream_errors, {{"provider", d.provider}, {"type", domain::failure_type(*failed)}});
    }
    if (log_enabled(log_level::debug)) {
        boost::json::object fields{{"request_id", hints.request_id},
                                   {"provider", d.provider},
                                   {"model", d.model},
                                   {"outcome", failed ? "error" : "success"},
                                   {"duration_us", std::chrono::duration_cast<std::chrono::microseconds>(took).count()}};
        if (failed) {
            fields["error_type"] = domain::failure_type(*failed);
            if (failed->status) fields["upstream_status"] = failed->status;
        }
        log_event(log_level::debug, "upstream_attempt", std::move(fields));
    }
}

std::vector<domain::deployment> dispatcher::plan_order(std::vector<domain::deployment> order,
                                                       domain::mode_actions const& actions, bool pinned,
                                                       bool tiered, clock::time_point now) const {
    if (!actions.cheapest_first || pinned || tiered) return order;
    order = domain::cheapest_first(std::move(order), catalog_->prices);
    if (actions.cheapest_only) {
        auto live = std::find_if(order.begin(), order.end(), [&](domain::deployment const& d) {
            return resilience_.available(domain::deployment_key(d), now);
        });
        if (live != order.end()) order = {*live};
    }
    return order;
}

template <class OthersCanServe>
net::awaitable<dispatcher::capacity>
dispatcher::wait_for_capacity(std::string const& key, domain::throttle_config const& limits, double tokens,
                              clock::time_point wait_until, OthersCanServe others_can_serve) {
    for (auto now = clock::now();; now = clock::now()) {
        auto const decision = resilience_.acquire(key, limits, tokens, now);
        if (decision.go) co_return capacity::granted;
        if (others_can_serve(now)) co_return capacity::elsewhere;
        if (now + decision.wait >= wait_until) co_return capacity::shed;
        resilience_.on_queue_change(+1); // a degraded-mode signal
        co_await sleep_for(decision.wait);
        resilience_.on_queue_change(-1);
    }
}

template <class T, class Call>
net::awaitable<dispatch_result<T>> dispatcher::run(std::string const& model, std::string const& forced,
                                                   double tokens, domain::request_features features,
                                                   request_hints const& hints, Call call) {
    auto const start = clock::now();
    auto timeout = std::chrono::duration_cast<clock::duration>(catalog_->request_timeout);
    if (hints.timeout) timeout = std::min<clock::duration>(timeout, *hints.timeout);
    auto const deadline = start + timeout;

    resilience_.on_request(start);
    auto const actions = domain::actions_for(resilience_.mode(), hints.priority);
    bool const tiered = domain::is_tiered(catalog_->routes, model);
    auto tier = domain::choose_tier(hints.tier, features, catalog_->tiers);
    if (actions.cheapest_first) tier = domain::cheaper(tier); // degraded: the cheaper tier
    auto route = domain::resolve_route(catalog_->routes, model, tier);
    if (!route) co_return failure(route.error());
    domain::routing_hints routing{hints.preferred_provider, forced, {}};
    auto const order =
        plan_order(domain::fallback_order(*route, routing), actions, !forced.empty(), tiered, start);
    if (actions.shed)
        co_return failure(domain::make_error(
            domain::errc::priority_shed,
            "The gateway is in " + std::string(domain::mode_name(resilience_.mode())) +
                " mode; calls of priority " + std::string(domain::priority_name(hints.priority)) +
                " are shed until it recovers"));

    if (order.empty())
        co_return failure(domain::make_error(domain::errc::invalid_request,
                                             "The provider '" + forced.substr(0, 64) +
                                                 "' does not serve the model '" + model.substr(0, 256) + "'",
                                             "force_provider"));
    std::vector<std::string> keys;
    for (auto const& d : order) keys.push_back(domain::deployment_key(d));
    auto others_available = [&](std::size_t i, clock::time_point now) {
        for (std::size_t j = i + 1; j < order.size(); ++j)
            if (providers_.contains(order[j].provider) && resilience_.available(keys[j], now)) return true;
        return false;
    };
    // How long this call may wait for provider capacity, by priority.
    auto const may_wait = [&]() -> clock::duration {
        switch (hints.priority) {
        case domain::priority::p0:
            return timeout;
        case domain::priority::p1:
            return policy_.p1_max_wait;
        default:
            return clock::duration::zero();
        }
    }();
    bool shed = false; // a deployment had no capacity and this priority could not wait for it

    int attempts = 0;
    std::optional<domain::attempt_error> last;
    std::string last_provider;
    std::string last_key; // deployment of the latest attempt: the next one is a retry or a fallback
    std::optional<domain::attempt_error> resume_failure; // streams: the failure after content began
    std::optional<clock::time_point> earliest_reopen; // of deployments skipped unattempted
    bool stopped = false;                             // the failure was the client's own: no fallback
    std::optional<std::int64_t> quota_reset;          // earliest reset of providers skipped for quota
    bool quota_unknown = false;                       // a provider skipped: its quota store was down
    for (std::size_t i = 0; i < order.size() && !stopped && clock::now() < deadline; ++i) {
        auto const& d = order[i];
        auto slot_it = providers_.find(d.provider);
        if (slot_it == providers_.end()) continue; // validated at start-up; defensive
        auto const& slot = slot_it->second;
        std::optional<quota_hold> provider_hold; // this deployment's provider quota reservation
        bool quota_checked = false;

        for (int n = 0; clock::now() < deadline; ++n) {
            auto now = clock::now();
            if (resilience_.admit(keys[i], slot.breaker, now) == domain::breaker_admission::reject) {
                auto const until = resilience_.cooldown_until(keys[i]);
                if (until > now && until < deadline && !others_available(i, now)) {
                    co_await sleep_for(until - now); // the provider asked us to wait, and only it can serve
                    continue;
                }
                auto const reopen = resilience_.available_at(keys[i], now);
                if (!earliest_reopen || reopen < *earliest_reopen) earliest_reopen = reopen;
                break;
            }
            admitted_call admitted(resilience_, keys[i]);
            if (quotas_ && !quota_checked) {
                // The provider's daily quota: a provider without room is skipped like an
                // unavailable one; only when no deployment can serve does the client hear of it.
                quota_checked = true;
                auto room = co_await quotas_->reserve_provider(d.provider, {1, static_cast<std::int64_t>(tokens)});
                if (room.state == quota_keeper::room::exhausted) {
                    resilience_.on_quota_use(d.provider, 1.0);
                    quota_reset = std::min(quota_reset.value_or(room.reset_unix), room.reset_unix);
                    break;
                }
                if (room.state == quota_keeper::room::unavailable) {
                    quota_unknown = true;
                    break;
                }
                if (room.hold) resilience_.on_quota_use(d.provider, room.use);
                provider_hold = std::move(room.hold);
            }
            if (slot.limits.limited()) {
                // Stay under the provider's declared limits: wait for room only when no other
                // deployment can serve and this priority may wait that long; otherwise move on.
                auto const room = co_await wait_for_capacity(
                    keys[i], slot.limits, tokens, std::min(deadline, now + may_wait),
                    [&](clock::time_point t) { return others_available(i, t); });
                if (room != capacity::granted) {
                    shed = shed || room == capacity::shed;
                    break;
                }
                admitted.hold_throttle_slot();
                now = clock::now();
            }
            auto const traceparent = child_traceparent(hints.trace); // a span per attempt
            attempt_context ctx{std::min(deadline, now + slot.attempt_timeout), hints.request_id, traceparent,
                                hints.trace.tracestate};
            if (hints.stream) {
                // A stream may run as long as the request allows; silence is what is bounded.
                ctx.deadline = deadline;
                ctx.first_token_by = std::min(deadline, now + catalog_->first_token_timeout);
                ctx.idle_gap = catalog_->stream_idle_timeout;
                ctx.abort = hints.abort;
                auto const mode = !hints.stream->committed() ? resume_mode::none
                                  : d.prefill                ? resume_mode::prefill
                                                             : resume_mode::regenerate;
                hints.stream->attempt(d, mode);
            }
            if (metrics_ && attempts > 0)
                metrics_->add(last_key == keys[i] ? metric::upstream_retries : metric::fallbacks,
                              {{"provider", last_key == keys[i] ? d.provider : last_provider}});
            ++attempts;
            last_provider = d.provider;
            last_key = keys[i];
            auto const sent = clock::now();
            if (hints.abort && hints.abort->requested()) break; // the client left: no more attempts
            auto outcome = co_await call(*slot.impl, d.model, ctx);
            std::optional<domain::attempt_error> failed_attempt;
            if (!outcome) failed_attempt = outcome.error();
            observe_attempt(hints, d, sent, failed_attempt ? &*failed_attempt : nullptr);
            if (outcome && hints.stream) hints.stream->attempt_ended();
            if (outcome && hints.stream && hints.stream->rejected()) {
                // A regenerated answer that did not begin with what the client has: not this
                // provider's fault, and not a continuation. The original failure stands.
                admitted.report(domain::call_result::neutral, std::nullopt);
                log_event(log_level::info, "stream_resume_rejected",
                          {{"request_id", hints.request_id}, {"provider", d.provider}, {"model", d.model}});
                break;
            }
            if (outcome) {
                if constexpr (std::is_same_v<T, stream_result>)
                    if (metrics_ && outcome->malformed_events > 0)
                        metrics_->add(metric::stream_malformed, {{"provider", d.provider}},
                                      static_cast<double>(outcome->malformed_events));
                if (resume_failure && metrics_)
                    metrics_->add(metric::stream_resumes,
                                  {{"provider", d.provider}, {"mode", d.prefill ? "prefill" : "regenerate"}});
                if (resume_failure)
                    log_event(log_level::info, "stream_resumed",
                              {{"request_id", hints.request_id},
                               {"provider", d.provider},
                               {"model", d.model},
                               {"mode", d.prefill ? "prefill" : "regenerate"}});
                admitted.report(domain::call_result::success, std::nullopt);
                auto& value = *outcome;
                // A provider's implausible count (negative, fractional, absurd) is replaced by
                // the call's estimate before anything bills, counts or prices it.
                value.usage = domain::billable_usage(value.usage, {static_cast<std::int64_t>(tokens), 0});
                // Priced by the model that answered, else by the one configured.
                double cost = 0.0;
                if (slot.billable) {
                    auto price = catalog_->prices.find(value.model);
                    cost = price ? domain::price_table::cost_of(*price, value.usage)
                                 : catalog_->prices.cost_usd(d.model, value.usage);
                }
                ledger_.record(d.provider, d.model, value.usage, cost);
                if (provider_hold)
                    co_await quotas_->settle(std::move(*provider_hold), domain::quota_counts{1, value.usage.total()});
                if (value.model.empty()) value.model = d.model;
                if constexpr (requires { value.relayed; }) {
                    if (value.relayed.empty()) value.body["model"] = value.model; // relayed: names it already
                } else if constexpr (requires { value.body; }) {
                    value.body["model"] = value.model;
                }
                if (hints.record) {
                    hints.record->served = true;
                    hints.record->usage = value.usage;
                    hints.record->cost_usd = cost;
                }
                co_return dispatched<T>{std::move(value), d, attempts, cost,
                                        tiered ? std::optional<domain::tier>(tier) : std::nullopt};
            }
            last = outcome.error();
            admitted.report(domain::classify(*last), last->retry_after);
            if (domain::classify(*last) != domain::call_result::neutral)
                resilience_.note_error(keys[i], describe_failure(*last), unix_now());
            if (hints.stream && hints.stream->committed()) {
                // The client has part of this answer: only a resume on another deployment may
                // finish it (stream_gate); the first failure is the one the client will hear of.
                if (!resume_failure) resume_failure = last;
                if (hints.stream->client_gone() || (hints.abort && hints.abort->requested())) stopped = true;
                break;
            }
            auto const step = domain::after_failure(*last);
            if (step == domain::next_step::larger_context) {
                // Exactly one attempt here; only a deployment with a larger window may help.
                auto const larger = domain::next_larger_context(order, i);
                if (!larger)
                    stopped = true;
                else
                    i = *larger - 1; // the outer loop's ++i lands on it
                break;
            }
            if (step == domain::next_step::stop) {
                stopped = true;
                break;
            }
            now = clock::now();
            if (!domain::retry_same_deployment(*last) || n + 1 >= slot.retry.max_attempts) break;
            if (last->status == 429 && others_available(i, now)) break; // fail over rather than wait
            auto delay = domain::backoff_delay(slot.retry, n, unit_random());
            if (last->retry_after) delay = std::max(delay, *last->retry_after);
            if (now + delay >= deadline || !resilience_.try_spend_retry(now)) break;
            co_await sleep_for(delay);
        }
        if (provider_hold) co_await quotas_->settle(std::move(*provider_hold), std::nullopt);
    }

    bool const out_of_time = !stopped && clock::now() >= deadline;
    if (resume_failure) co_return failure(domain::client_error(*resume_failure, false), attempts, last_provider);
    if (last) co_return failure(domain::client_error(*last, out_of_time), attempts, last_provider);
    if (shed)
        co_return failure(domain::make_error(domain::errc::priority_shed,
                                             "Provider capacity is short; calls of priority " +
                                                 std::string(domain::priority_name(hints.priority)) +
                                                 " are shed until it recovers"));
    if (quota_reset) {
        auto e = domain::make_error(domain::errc::quota_exceeded,
                                    "Every provider that serves this model has used up its daily quota; it resets at " +
                                        domain::day_id(*quota_reset) + "T00:00:00Z");
        e.retry_after = std::chrono::seconds(std::max<std::int64_t>(1, *quota_reset - unix_now()));
        co_return failure(std::move(e));
    }
    if (quota_unknown) {
        auto e = domain::make_error(domain::errc::store_unavailable,
                                    "Provider quotas cannot be checked right now; try again shortly");
        e.retry_after = std::chrono::seconds(1);
        co_return failure(std::move(e));
    }
    if (out_of_time)
        co_return failure(
            domain::make_error(domain::errc::timeout, "The request did not complete within its deadline"));
    auto e = domain::make_error(domain::errc::circuit_open,
                                "Every provider for this model is temporarily unavailable");
    if (earliest_reopen) e.retry_after = *earliest_reopen - clock::now();
    co_return failure(std::move(e));
}

template <class T, class Call>
net::awaitable<dispatch_result<T>>
dispatcher::budgeted(std::string const& model, std::string const& forced, std::int64_t tokens,
                     domain::request_features features, request_hints const& hints, Call call) {
    // Tenant quota first: a call the tenant cannot afford never touches its budget.
    std::optional<quota_hold> tenant_hold;
    if (quotas_) {
        auto held = co_await quotas_->reserve_tenant(hints.tenant, tokens);
        if (!held) co_return failure(held.error());
        tenant_hold = std::move(*held);
        if (tenant_hold && hints.record) hints.record->quota_remaining = std::max(0.0, 1.0 - tenant_hold->use);
    }
    if (hints.admission) {
        auto const* limits = co_await hints.admission->outcome();
        if (limits->refusal) {
            if (tenant_hold) co_await quotas_->settle(std::move(*tenant_hold), std::nullopt);
            co_return failure(*limits->refusal);
        }
    }
    bool budgeted = !hints.budget_id.empty();
    if (budgeted) {
        std::optional<domain::budget_decision> decision;
        try {
            decision = co_await budgets_.reserve(hints.budget_id, tokens, hints.priority, policy_.limits,
                                                 clock::now());
        } catch (store_unavailable const&) {
            budgeted = false; // the budget cannot be counted now: the fail mode decides
        }
        std::optional<domain::gateway_error> refusal;
        if (!decision && policy_.on_store_error == domain::fail_mode::closed) {
            refusal = domain::make_error(domain::errc::store_unavailable,
                                         "Budgets cannot be checked right now; try again shortly");
            refusal->retry_after = std::chrono::seconds(1);
        } else if (decision && !decision->admitted) {
            refusal = domain::make_error(domain::errc::budget_exhausted,
                                         "The budget '" + hints.budget_id + "' has no room left for priority " +
                                             std::string(domain::priority_name(hints.priority)) + " calls");
        }
        if (refusal) {
            if (tenant_hold) co_await quotas_->settle(std::move(*tenant_hold), std::nullopt);
            co_return failure(std::move(*refusal));
        }
    }
    auto result = co_await run<T>(model, forced, static_cast<double>(tokens), features, hints, call);
    if (tenant_hold) {
        std::optional<domain::quota_counts> actual;
        if (result) actual = domain::quota_counts{1, result->value.usage.total()};
        if (quotas_->settles_remotely(*tenant_hold)) {
            // Settled alongside the answer rather than before it: the store round trip is not on
            // the request's path. A quota read that follows at once may miss it by a round trip
            // (SHARED_STATE.md).
            auto executor = co_await net::this_coro::executor;
            net::co_spawn(executor, quotas_->settle(std::move(*tenant_hold), actual), net::detached);
        } else {
            // In memory it costs no wait: settled before the answer, so any read after it sees it.
            co_await quotas_->settle(std::move(*tenant_hold), actual);
        }
    }
    if (budgeted) {
        domain::budget_usage const reserved{1, tokens, 0};
        std::optional<domain::budget_usage> actual;
        if (result) actual = domain::budget_usage{1, result->value.usage.total(), result->cost_usd};
        try {
            co_await budgets_.adjust(hints.budget_id, domain::reconcile(reserved, actual), clock::now());
        } catch (store_unavailable const&) {
            // The budget's own TTL bounds what is left over.
        }
    }
    co_return result;
}

dispatcher::chat_call dispatcher::size_chat(domain::chat_request const& original, domain::priority priority) const {
    chat_call c;
    // Degraded modes cap max_tokens for P1-P3.
    auto const factor = domain::actions_for(resilience_.mode(), priority).max_tokens_factor;
    if (factor < 1.0 && original.max_tokens) c.scaled = domain::with_max_tokens_scaled(original, factor);
    auto const& request = c.scaled ? *c.scaled : original;
    c.tokens = domain::estimated_tokens(request);
    c.features = {domain::estimated_prompt_tokens(request),
                  request.tools.is_array() && !request.tools.as_array().empty()};
    return c;
}

net::awaitable<dispatch_result<domain::chat_completion>>
dispatcher::chat(domain::chat_request const& original, request_hints const& hints) {
    auto const call = size_chat(original, hints.priority); // the scaled copy lives in this frame
    auto const& request = call.scaled ? *call.scaled : original;
    co_return co_await budgeted<domain::chat_completion>(
        request.model, request.force_provider, call.tokens, call.features, hints,
        [&request](provider& p, std::string const& model, attempt_context const& ctx) {
            return p.chat(request, model, ctx);
        });
}

net::awaitable<dispatch_result<domain::embedding_result>>
dispatcher::embed(domain::embedding_request const& request, request_hints const& hints) {
    auto const tokens = domain::estimated_tokens(request);
    return budgeted<domain::embedding_result>(
        request.model, request.force_provider, tokens, domain::request_features{tokens, false}, hints,
        [&request](provider& p, std::string const& model, attempt_context const& ctx) {
            return p.embed(request, model, ctx);
        });
}

net::awaitable<dispatch_result<stream_result>>
dispatcher::chat_stream(domain::chat_request const& original, request_hints const& given, stream_client& client) {
    auto const call = size_chat(original, given.priority);
    auto const& request = call.scaled ? *call.scaled : original;
    stream_gate gate(client);
    request_hints hints = given;
    hints.stream = &gate;
    std::optional<domain::chat_request> continued; // the prefill request of a resumed attempt
    co_return co_await budgeted<stream_result>(
        request.model, request.force_provider, call.tokens, call.features, hints,
        [&request, &gate, &continued](provider& p, std::string const& model, attempt_context const& ctx) {
            if (gate.mode() != resume_mode::prefill) return p.chat_stream(request, model, ctx, gate);
            continued = domain::with_assistant_prefill(request, gate.text());
            return p.chat_stream(*continued, model, ctx, gate);
        });
}

} // namespace switchboard::adapters
