// The dispatcher's entry points: size the call, plan its route, run its machine.
#include "adapters/dispatch/dispatcher.hpp"

#include "adapters/dispatch/call_runner.hpp"
#include "domain/call/route_plan.hpp"

namespace switchboard::adapters {
namespace {
using clock = std::chrono::steady_clock;
} // namespace

void dispatcher::observe_attempt(std::string_view request_id, request_record& r, domain::deployment const& d,
                                 clock::time_point sent, domain::attempt_error const* failed) {
    auto const took = clock::now() - sent;
    ++r.attempts;
    r.provider = d.provider;
    r.model = d.model;
    r.model_label = catalog_->model_label(d);
    r.upstream_wait += took;
    if (metrics_) {
        auto const model = catalog_->model_label(d); // never a client-chosen name: series are bounded
        metrics_->observe(metric::upstream_request_duration, {{"provider", d.provider}, {"model", model}},
                          std::chrono::duration<double>(took).count());
        metrics_->add(metric::upstream_requests,
                      {{"provider", d.provider}, {"model", model}, {"outcome", failed ? "error" : "success"}});
        if (failed) metrics_->add(metric::upstream_errors, {{"provider", d.provider}, {"type", domain::failure_type(*failed)}});
    }
    if (log_enabled(log_level::debug)) {
        boost::json::object fields{{"request_id", request_id},
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

call::call_plan dispatcher::plan_for(std::vector<domain::deployment> const& order, request_hints const& hints,
                                     call_context ctx, bool stream, std::vector<provider_slot const*>& slots) const {
    call::call_plan plan;
    plan.timeout = catalog_->request_timeout;
    if (hints.timeout) plan.timeout = std::min<domain::duration>(plan.timeout, *hints.timeout);
    // How long this call may wait for provider capacity, by priority.
    plan.may_wait = hints.priority == domain::priority::p0   ? plan.timeout
                    : hints.priority == domain::priority::p1 ? domain::duration(policy_.p1_max_wait)
                                                             : domain::duration::zero();
    plan.prio = hints.priority;
    plan.stream = stream;
    plan.first_token_timeout = catalog_->first_token_timeout;
    plan.tenant_quota = quotas_ != nullptr;
    plan.key_limits = keys_ != nullptr && hints.held_key != nullptr;
    plan.admission_pending = ctx.admission != nullptr;
    plan.budget_id = hints.budget_id;
    plan.budget_store_down = policy_.on_store_error;
    for (auto const& d : order) {
        auto it = providers_.find(d.provider);
        if (it == providers_.end()) continue; // validated at start-up; defensive
        auto const& slot = it->second;
        plan.candidates.push_back({d, domain::deployment_key(d), slot.retry, slot.broken, slot.attempt_timeout,
                                   slot.limits.limited()});
        slots.push_back(&slot);
        if (quotas_ && quotas_->limits_provider(d.provider)) plan.provider_quotas = true;
    }
    return plan;
}

domain::quota_counts dispatcher::estimate_of(std::vector<domain::deployment> const& order, std::int64_t tokens,
                                             domain::request_features const& features) const {
    auto const prompt = std::min(tokens, features.prompt_tokens);
    domain::token_usage const usage{prompt, tokens - prompt};
    double usd = 0;
    for (auto const& d : order) {
        auto it = providers_.find(d.provider);
        if (it != providers_.end() && it->second.billable)
            usd = std::max(usd, catalog_->prices.cost_usd(d.model, usage));
        if (auto price = catalog_->rest.call_prices.find(domain::deployment_key(d)); price != catalog_->rest.call_prices.end())
            usd = std::max(usd, price->second); // a REST call: its price per call
    }
    return {1, tokens, domain::to_micro_usd(usd)};
}

namespace {
// A call refused before it was planned (no route): its result is in already.
net::awaitable<void> done_at_once() {
    co_return;
}
} // namespace

template <class T, class Call>
net::awaitable<void> dispatcher::dispatch(domain::route_table const& routes, std::string const& model, std::string const& forced,
                                          std::int64_t tokens, domain::request_features features, request_hints const& hints,
                                          call_context ctx, Call call, dispatch_slot<T>& out) {
    auto const start = clock::now();
    resilience_.on_request(start);
    call::route_request const request{model,          forced,   hints.preferred_provider, hints.priority,
                                      hints.tier,     features, resilience_.mode()};
    auto routed = call::plan_route({routes, catalog_->prices, catalog_->tiers}, request, resilience_, start);
    if (!routed) {
        out.emplace(dispatch_failure{routed.error()});
        return done_at_once();
    }
    std::vector<provider_slot const*> slots;
    auto plan = plan_for(routed->order, hints, ctx, has_stream_gate<Call>, slots);
    auto runner = std::make_unique<call_runner<T, Call>>(*this, hints, ctx, estimate_of(routed->order, tokens, features),
                                                         std::move(call), std::move(slots), std::move(plan));
    return call_runner<T, Call>::run(std::move(runner), routed->chosen_tier, out);
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
dispatcher::chat(domain::chat_request const& original, request_hints const& hints, call_context ctx) {
    auto const call = size_chat(original, hints.priority); // the scaled copy lives in this frame
    auto const& request = call.scaled ? *call.scaled : original;
    dispatch_slot<domain::chat_completion> out;
    co_await dispatch<domain::chat_completion>(
        catalog_->routes, request.model, request.force_provider, call.tokens, call.features, hints, ctx,
        [&request](provider& p, std::string const& model, attempt_context const& ctx) {
            return p.chat(request, model, ctx);
        },
        out);
    co_return std::move(*out);
}

net::awaitable<dispatch_result<domain::embedding_result>>
dispatcher::embed(domain::embedding_request const& request, request_hints const& hints, call_context ctx) {
    auto const tokens = domain::estimated_tokens(request);
    dispatch_slot<domain::embedding_result> out;
    co_await dispatch<domain::embedding_result>(
        catalog_->routes, request.model, request.force_provider, tokens, domain::request_features{tokens, false}, hints, ctx,
        [&request](provider& p, std::string const& model, attempt_context const& ctx) {
            return p.embed(request, model, ctx);
        },
        out);
    co_return std::move(*out);
}

net::awaitable<dispatch_result<rest_answer>> dispatcher::rest(std::string const& route, rest_call const& call,
                                                              request_hints const& hints, call_context ctx) {
    static std::string const no_forced_provider; // outlives the coroutine, which holds a reference
    dispatch_slot<rest_answer> out;
    co_await dispatch<rest_answer>(catalog_->rest.routes, route, no_forced_provider, 0, domain::request_features{}, hints,
                                   ctx,
                                   [&call](provider& p, std::string const& operation, attempt_context const& attempt) {
                                       return p.rest(call, operation, attempt);
                                   },
                                   out);
    co_return std::move(*out);
}

namespace {
// A streamed chat's own part of the call, owned by its runner: the request as sized, the gate
// between the provider and the client, and the prefill request of a resumed attempt. The two
// requests are rare (a degraded mode, a resumed stream) and on the heap only when they exist.
struct stream_call {
    domain::chat_request const& original;
    std::unique_ptr<domain::chat_request const> scaled; // set when the gateway mode scaled max_tokens down
    stream_gate gate;
    std::unique_ptr<domain::chat_request const> continued;

    domain::chat_request const& request() const { return scaled ? *scaled : original; }
    net::awaitable<attempt_result<stream_result>> operator()(provider& p, std::string const& model,
                                                             attempt_context const& ctx) {
        if (gate.mode() != resume_mode::prefill) return p.chat_stream(request(), model, ctx, gate);
        continued = std::make_unique<domain::chat_request const>(domain::with_assistant_prefill(request(), gate.text()));
        return p.chat_stream(*continued, model, ctx, gate);
    }
};
} // namespace

// Not a coroutine: a stream keeps no frame here. The scaled copy differs from the original in
// max_tokens only, so the route is read from the original (which outlives the call).
net::awaitable<void> dispatcher::chat_stream(domain::chat_request const& original, request_hints const& hints,
                                             stream_client& client, dispatch_slot<stream_result>& out,
                                             call_context ctx) {
    auto sized = size_chat(original, hints.priority);
    auto scaled = runner_detail::on_heap(std::move(sized.scaled));
    return dispatch<stream_result>(catalog_->routes, original.model, original.force_provider, sized.tokens,
                                   sized.features, hints, ctx,
                                   stream_call{original, std::move(scaled), stream_gate(client), nullptr}, out);
}

} // namespace switchboard::adapters
