#pragma once
// Carries out one client call: resolves the model, orders the deployments (domain routing),
// and tries them within the request's deadline. Each deployment must be admitted by its shared
// health (circuit breaker, provider cooldown); transient failures are retried on the same
// deployment with jittered backoff while the retry budget allows, except that a throttled (429)
// deployment is left at once when another can serve, and a silent one (timeout) is never retried.
// A cooled-down deployment is waited for only when no other can serve and the wait fits the
// deadline. Records usage and cost of the attempt that served.
//
// Errors: every failure the client should see is a domain::gateway_error value in the result.
// Thread safety: one dispatcher per core (it uses that core's providers); the catalog it reads
// is immutable; the ledger and resilience state are thread-safe.

#include "adapters/dispatch/resilience_state.hpp"
#include "adapters/dispatch/usage_ledger.hpp"
#include "adapters/http/trace_context.hpp"
#include "adapters/limits/budget_keeper.hpp"
#include "adapters/limits/key_keeper.hpp"
#include "adapters/limits/quota_keeper.hpp"
#include "adapters/observability/metrics.hpp"
#include "adapters/observability/request_record.hpp"
#include "adapters/provider.hpp"
#include "adapters/store/budget_store.hpp"
#include "domain/backoff.hpp"
#include "domain/auth/grant.hpp"
#include "domain/boxed.hpp"
#include "domain/budget.hpp"
#include "domain/call/call_machine.hpp"
#include "domain/degraded_mode.hpp"
#include "domain/ai/ai_route.hpp"
#include "domain/rest/service.hpp"
#include "domain/routing.hpp"
#include "domain/throttle.hpp"
#include "domain/tiers.hpp"

#include <boost/asio/cancellation_signal.hpp>

#include <optional>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace switchboard::adapters {

// The REST side of the catalog: the service endpoints, the deployments that serve each (and each
// provider's passthrough, as "proxy/<provider>"), and what a call costs at each deployment.
struct rest_catalog {
    std::map<std::string, domain::rest::endpoint, std::less<>> endpoints; // "weather/current"
    domain::route_table routes;
    std::map<std::string, double, std::less<>> call_prices;               // deployment key → USD per call
    std::map<std::string, std::vector<std::string>, std::less<>> passthrough; // provider → allowed prefixes
    static std::string passthrough_route(std::string_view provider) { return "proxy/" + std::string(provider); }
};

// Read-only routing and pricing facts shared by every core.
struct gateway_catalog {
    domain::route_table routes;
    domain::price_table prices = domain::price_table::with_defaults();
    std::chrono::milliseconds request_timeout{60000};
    std::chrono::milliseconds first_token_timeout{10000}; // streams: first content within this, or fail over
    std::chrono::milliseconds stream_idle_timeout{15000}; // streams: the longest silence after content began
    domain::tier_rules tiers;
    rest_catalog rest;
    std::vector<domain::ai::ai_route> ai_routes; // named AI routes (config), matched after the built-in paths
    // domain::fixed_deployment_keys(routes): the deployments metrics name; others are "other".
    std::set<std::string, std::less<>> fixed_keys;
    std::string_view model_label(domain::deployment const& d) const {
        return fixed_keys.contains(domain::deployment_key(d)) ? std::string_view(d.model) : std::string_view("other");
    }
};

struct provider_slot {
    std::unique_ptr<provider> impl;
    std::chrono::milliseconds attempt_timeout{30000};
    bool billable = true; // false for the built-in mock: its answers cost nothing
    domain::retry_config retry;
    domain::breaker_config breaker;
    domain::throttle_config limits; // outbound limits this provider declares
    // Statuses that mean this deployment is broken, not the request (fall back, count against health).
    domain::broken_deployment_statuses broken = domain::broken_deployment_statuses::defaults();
};
using provider_registry = std::map<std::string, provider_slot, std::less<>>;

struct request_hints {
    std::string preferred_provider; // X-Preferred-Provider
    std::string_view request_id;    // the request's (its door's string outlives the call)
    std::optional<std::chrono::milliseconds> timeout; // X-Request-Timeout: may only shorten the deadline
    domain::priority priority = domain::priority::p1; // X-Priority
    std::optional<domain::tier> tier;                 // X-Tier (else chosen from request features)
    std::string budget_id;                            // X-Budget-Id (empty: no budget)
    std::string tenant = "default";                   // X-Tenant-Id
    // The caller's key when it has limits held per call (tokens per minute, calls in flight, a
    // budget): the call reserves them. Null: none. The request's grant, which outlives the call
    // (a pointer, not a copy: a stream keeps its hints for as long as it streams).
    domain::caller_grant const* held_key = nullptr;
    trace_context trace;                              // traceparent / tracestate (continued or new)
};

// The request's collaborators a call uses, beside its parsed hints.
struct call_context {
    // The request's inbound limit check, still running (router): awaited after the tenant quota
    // reservation and before any upstream call; a refusal ends the call with it.
    class pending_admission* admission = nullptr;
    // Emitted (terminal) when the client goes away: the waits and attempts of the call are bound
    // to it, so the upstream call stops at once and the call ends as client_closed (a stream
    // with content relayed is billed for what was relayed). Unconnected: nobody watches.
    net::cancellation_slot client_gone = {};
};

// The client end of a stream: told which deployment answers just before its first chunk.
// `opening` is a chunk held back until then (the role chunk): it goes ahead of the first content
// chunk, and may travel in the same write as it (one wake-up of the client, not three).
class stream_client : public chat_stream_sink {
  public:
    virtual net::awaitable<bool> begin(domain::deployment const& served,
                                       std::optional<boost::json::object> opening) = 0;
};

// Budgets and how long each priority may wait for provider capacity.
struct budget_policy {
    domain::budget_limits limits;
    std::chrono::milliseconds p1_max_wait{2000}; // P0 waits up to the deadline; P2 and P3 never wait
    domain::fail_mode on_store_error = domain::fail_mode::open; // open: not counted while the store is down
};

// What a call did is reported by its result only: the answer or the error, and the record the
// request's log line and metrics read (provider, attempts, upstream wait, usage, cost, quota).
template <class T> struct dispatched {
    T value;
    domain::deployment served;
    int attempts = 0;
    double cost_usd = 0;
    std::optional<domain::tier> tier; // set when the model is a tiered group
    request_record record;
};

struct dispatch_failure {
    domain::gateway_error error;
    int attempts = 0;
    std::string last_provider;
    request_record record;
};

template <class T> using dispatch_result = boost::system::result<dispatched<T>, dispatch_failure>;
// Where a call leaves its result: the caller's, and on the heap once it is in. A stream keeps the
// frames on its path for as long as it streams: a returned result (~400 bytes) would be held in
// the callee's promise besides, and an optional one in the caller's frame all along, empty.
template <class T> using dispatch_slot = domain::boxed<dispatch_result<T>>;

class dispatcher {
  public:
    dispatcher(std::shared_ptr<gateway_catalog const> catalog, provider_registry& providers,
               usage_ledger& ledger, resilience_state& resilience, budget_store& budgets,
               budget_policy policy, quota_keeper* quotas = nullptr, metrics_shard* metrics = nullptr,
               key_keeper* keys = nullptr)
        : catalog_(std::move(catalog)), providers_(providers), ledger_(ledger), resilience_(resilience),
          budgets_(budgets, policy.limits), policy_(policy), quotas_(quotas), metrics_(metrics), keys_(keys) {}

    net::awaitable<dispatch_result<domain::chat_completion>> chat(domain::chat_request const& request,
                                                                  request_hints const& hints, call_context ctx = {});

    net::awaitable<dispatch_result<domain::embedding_result>> embed(domain::embedding_request const& request,
                                                                    request_hints const& hints, call_context ctx = {});

    // A REST call: a service endpoint's (route "weather/current", validated parameters) or a
    // passthrough (route rest_catalog::passthrough_route(provider)). The same machine as a model
    // call: breakers, retries, Retry-After, outbound limits, provider quotas; it reserves one
    // request and the dearest deployment's price per call, and pays what the answer cost.
    net::awaitable<dispatch_result<rest_answer>> rest(std::string const& route, rest_call const& call,
                                                      request_hints const& hints, call_context ctx = {});

    // A streamed chat. Before the first content chunk reaches `client`, failures fall back like
    // any call (same retries, breakers, budgets, deadline; the first token must come within
    // first_token_timeout); after it, a failure ends the call — the result's error then describes
    // a stream the client already partly received. The result is left in `out`.
    net::awaitable<void> chat_stream(domain::chat_request const& request, request_hints const& hints,
                                     stream_client& client, dispatch_slot<stream_result>& out, call_context ctx = {});

    gateway_catalog const& catalog() const { return *catalog_; }
    domain::gateway_mode mode() const { return resilience_.mode(); }
    resilience_state const& resilience() const { return resilience_; }

  private:
    template <class T, class Call> friend class call_runner;

    // A chat call's size: the request as the gateway mode allows it (max_tokens scaled down in
    // degraded modes), its token estimate and its features for tier choice.
    struct chat_call {
        std::optional<domain::chat_request> scaled; // set when max_tokens was scaled
        std::int64_t tokens = 0;
        domain::request_features features;
    };
    chat_call size_chat(domain::chat_request const& original, domain::priority priority) const;

    // Plans the call (domain::call::plan_route) and runs its machine (call_runner.hpp).
    // `tokens` estimates the call's size for quotas, budgets and tokens-per-minute limits.
    // `call` makes each attempt; a stream's also owns the gate its attempts go through. The result
    // is left in `out`. Not a coroutine: the call's one frame is its runner's.
    template <class T, class Call>
    net::awaitable<void> dispatch(domain::route_table const& routes, std::string const& model, std::string const& forced,
                                  std::int64_t tokens, domain::request_features features, request_hints const& hints,
                                  call_context ctx, Call call, dispatch_slot<T>& out);
    // What the call reserves: one request, its estimated tokens, and what they cost at the dearest
    // deployment that may serve it (quotas and budgets in dollars never undercount).
    domain::quota_counts estimate_of(std::vector<domain::deployment> const& order, std::int64_t tokens,
                                     domain::request_features const& features) const;
    // The machine's plan for the routed deployments, and the provider slot of each candidate.
    domain::call::call_plan plan_for(std::vector<domain::deployment> const& order, request_hints const& hints,
                                     call_context ctx, bool stream, std::vector<provider_slot const*>& slots) const;

    // One attempt's duration and outcome: into the call's record, the metrics and (DEBUG) the log.
    void observe_attempt(std::string_view request_id, request_record& record, domain::deployment const& d,
                         std::chrono::steady_clock::time_point sent, domain::attempt_error const* failed);

    std::shared_ptr<gateway_catalog const> catalog_;
    provider_registry& providers_;
    usage_ledger& ledger_;
    resilience_state& resilience_;
    budget_keeper budgets_;
    budget_policy policy_;
    quota_keeper* quotas_;   // null: no quotas
    metrics_shard* metrics_; // this core's metrics (null: not recorded)
    key_keeper* keys_;       // null: keys' own limits are not kept (no auth)
};

} // namespace switchboard::adapters
