#pragma once
// Routes the public API to the dispatcher: the OpenAI-compatible surface under /v1 and the
// native API (/api/health, /api/v1/health, /api/v1/quotas). Owns request parsing (JSON + domain
// validation), request hints, who the caller is (client IP, API key fingerprint, tenant), the
// inbound rate limits and their headers, and the response headers that tell clients what
// happened (x-switchboard-*).
#include "adapters/auth/key_directory.hpp"
#include "adapters/auth/jwt_verifier.hpp"
#include "adapters/auth/token_issuer.hpp"
#include "adapters/background/probe_board.hpp"
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/http/client_ip.hpp"
#include "adapters/http/cors.hpp"
#include "adapters/http/request_handler.hpp"
#include "adapters/limits/admission.hpp"
#include "adapters/limits/inbound_limiter.hpp"
#include "adapters/limits/quota_keeper.hpp"
#include "adapters/observability/request_observer.hpp"
#include "adapters/store/redis/redis_connection.hpp"
#include "domain/ledger/usage_query.hpp"

#include <memory>
#include <optional>
#include <set>
#include <span>
#include <variant>

namespace switchboard::adapters {

class sse_client;
class response_cache;
class cache_store;
class usage_reader;
class webhook_store;
class webhook_sender;

// The collaborators beyond the dispatcher; each may be absent (null), which turns its feature off.
struct router_services {
    inbound_limiter* limiter = nullptr;
    quota_keeper* quotas = nullptr;
    trusted_proxies const* proxies = nullptr;
    std::string store_kind = "memory";     // "memory" or "redis"
    redis_stats const* store_stats = nullptr; // null for the memory store
    cors_policy cors;
    std::string docs_url; // linked from the deprecation headers of legacy paths (optional)
    std::atomic<bool> const* ready = nullptr; // started and not draining (null: always ready)
    bool store_required = false; // a fail_closed policy: the gateway cannot serve without the store
    usage_ledger const* ledger = nullptr;            // for /api/v1/stats (this instance, since it started)
    usage_reader* usage = nullptr;                   // the durable usage ledger's queries (null: ledger off)
    boost::json::object const* config_view = nullptr; // for /api/v1/config: secrets already masked
    std::string admin_key; // Bearer key of the admin endpoints; empty: they are disabled
    request_observer const* observer = nullptr;       // the request log line and request metrics
    metrics_shard* metrics = nullptr;                 // this core's shard (rate-limit rejections)
    metrics_registry const* registry = nullptr;       // GET /metrics (null: not served)
    std::atomic<int> const* in_flight = nullptr;      // requests being served, all cores
    probe_board const* probes = nullptr;              // provider health probes (null: none run)
    std::size_t ws_max_message_bytes = 8u << 20;      // largest WebSocket message accepted
    std::chrono::milliseconds ws_idle_timeout{60'000}; // a session silent this long is closed (server.idle_timeout)
    // Who may call. Without a key ring, or with auth off, the gateway is open (local use): the
    // tenant is X-Tenant-Id as given. With auth on, every route but the open ones needs a key of
    // the ring (or the admin key for admin routes), and the tenant comes from the key.
    key_directory* keys = nullptr;   // the config's keys and the store's (shared by every core)
    key_store* stored_keys = nullptr; // this core's way to the key store (the admin API writes there)
    bool auth_required = false;
    jwt_verifier* jwt = nullptr;         // bearer JWTs of trusted issuers (null: none configured)
    token_issuer const* tokens = nullptr; // /api/auth/login and /refresh (null: auth off or no secret)
    refresh_store* refresh_tokens = nullptr; // this core's way to the refresh token families
    net::ssl::context* tls = nullptr;    // for JWKS fetches
    response_cache* cache = nullptr;     // exact answers (null: no cache)
    cache_store* shared_cache = nullptr; // this core's way to the cache every instance shares (null: none)
    webhook_store* webhooks = nullptr;   // this core's way to the delivery records (null: webhooks off)
    webhook_sender const* sender = nullptr; // this instance's sender (its counts)
};

// One request as the router sees it: who calls, which route matched, and what serving it did.
struct request_scope {
    caller_identity caller;
    std::string_view route = "unmatched";
    std::string key_hint; // the caller's API key: its public id, or masked
    // Auth on: what the caller's key may do, sharing the ownership of what keeps it alive (a key
    // snapshot, a token's grant): one shared pointer, not a pointer and its owner.
    std::shared_ptr<domain::caller_grant const> grant;
    request_record record;
    // What the call called, for the usage ledger (set once it is known; empty: not a call): a
    // model or group, a service endpoint, "proxy/<provider>"; the body's end-user id; X-Budget-Id.
    std::string model_group;
    std::string end_user;
    std::string budget_id;
    bool call = false; // the route calls providers: the request is a call, refused or not (a ledger row)
    response_stream* stream = nullptr; // for streamed answers
    pending_admission* admission = nullptr; // the inbound limit check, running alongside (calls)
};

// The path of a request target, without its query.
std::string_view path_of(std::string_view target);
// The request hints of a call from its headers (X-Preferred-Provider, X-Priority, X-Tier,
// X-Budget-Id, X-Request-Timeout, traceparent); errors name the header.
domain::result<request_hints> hints_of(http_request const& req, std::string const& request_id, request_scope& scope);

class api_router final : public request_handler {
  public:
    explicit api_router(dispatcher& dispatch, router_services services = {})
        : dispatch_(dispatch), services_(std::move(services)) {}
    net::awaitable<void> handle(http_request& request, request_context const& context, http_response& res) override;
    void decorate(http_response& response) const override;
    bool serves_upgrade(http_request const& request) const override;
    net::awaitable<void> serve_upgrade(http_request request, request_context const& context,
                                       beast::tcp_stream stream) override; // ws_endpoint.cpp

    // Whether a built-in route serves `path` (a named AI route may not take it).
    static bool serves_path(std::string_view path);

    // The route the failed authentications of a client address count against (its limit rule
    // is added by the composition root when auth is on).
    static constexpr std::string_view auth_failures_route = "(auth failures)";

    // The stages of a provider call (call_stages.hpp): nullopt to go on, else the error that ends
    // the call. A stage that never waits is a plain function (no coroutine frame per call);
    // one that may wait (a store, a provider) is a coroutine. Public so that the stage lists can
    // name them.
    struct call_exchange;
    using stage_verdict = std::optional<domain::gateway_error>;
    struct call_stage {
        using now_fn = stage_verdict (api_router::*)(call_exchange&);
        using waits_fn = net::awaitable<stage_verdict> (api_router::*)(call_exchange&);
        constexpr call_stage(now_fn f) : now(f) {}   // NOLINT: a stage list names functions
        constexpr call_stage(waits_fn f) : waits(f) {} // NOLINT
        now_fn now = nullptr;
        waits_fn waits = nullptr;
    };
    stage_verdict decode_chat(call_exchange& x);                     // HTTP: recalled (known_bodies), or decode + parse
    stage_verdict decode_body(call_exchange& x);                     // HTTP: JSON, no key given twice
    stage_verdict parse_chat(call_exchange& x);                      // a valid chat completion request
    stage_verdict parse_embedding(call_exchange& x);                 // a valid embeddings request
    stage_verdict read_hints(call_exchange& x);                      // X-Priority, X-Tier, … (hints_of)
    net::awaitable<stage_verdict> admit_call(call_exchange& x);      // the inbound limit of x.limit_route
    stage_verdict allow_model(call_exchange& x);                     // the caller's key may use this model
    stage_verdict fill_named_route(call_exchange& x);                // a named route's body → its chat request
    net::awaitable<stage_verdict> look_up_cache(call_exchange& x);   // the cache's plan, and its answer if any
    net::awaitable<stage_verdict> look_up_similar(call_exchange& x); // a paraphrase's answer (semantic cache)

  private:
    // The scope's parts a chat request gives (its model group, its end user).
    void note_chat(call_exchange& x);
    // Runs `stages` in order until one ends the call: its error (null: every stage let it on). On
    // the heap: the door's frame, which a stream keeps for as long as it streams, holds a pointer,
    // not an optional error of ~100 bytes.
    net::awaitable<std::unique_ptr<domain::gateway_error>> run_stages(std::span<call_stage const> stages,
                                                                     call_exchange& x);
    // A streamed call through the cache, if there is one (api_router.cpp). The door hands its
    // outcome to streamed() once it is in.
    net::awaitable<void> dispatch_stream(call_exchange& x, stream_client& client, dispatch_slot<stream_result>& out);
    void streamed(call_exchange& x, dispatch_result<stream_result>& outcome);
    net::awaitable<void> replay_stream(call_exchange& x, stream_client& client, dispatch_slot<stream_result>& out);
    net::awaitable<void> follow_stream_or_call(call_exchange& x, stream_client& client,
                                               dispatch_slot<stream_result>& out);
    // When a call must have its answer: now + its timeout (X-Request-Timeout, at most the gateway's).
    std::chrono::steady_clock::time_point deadline_of(request_hints const& hints) const;
    // The embedding of a prompt by the semantic cache's model (nullopt: it could not be had).
    net::awaitable<std::optional<std::vector<float>>> embed_prompt(std::string const& prompt, call_exchange const& x);
    // What a route's handler is given: the request, and the path parameter of its pattern
    // (percent-decoded), e.g. the model id of /v1/models/{id*}.
    struct route_call {
        http_request& req;
        std::string const& request_id;
        request_scope& scope;
        std::string param;
    };
    using route_handler = net::awaitable<http_response> (api_router::*)(route_call&);
    // A route whose answer may stream fills its caller's response instead: a stream keeps every
    // frame on its path for as long as it streams, and a returned response (144 bytes) is held in
    // the handler's promise and again in its caller's awaited temporary.
    using route_filler = net::awaitable<void> (api_router::*)(route_call&, http_response&);
    struct route; // api_routes.cpp: pattern, method, handler (or filler), policy
    // The route whose pattern matches `path`, preferring one that allows `method`; the path parameter.
    static std::pair<route const*, std::string_view> find_route(std::string_view path, http::verb method);
    static std::span<route const> routes(); // the table, in matching order
    static std::string allowed_methods(std::string_view path); // for Allow: every method of the path

    // The inbound limit of a request on `route`, decided the same way for every door (admission.hpp).
    net::awaitable<admission> admit(std::string_view route, request_scope const& scope, bool calls_provider,
                                    bool rate_limited = true);
    // Who calls (client IP, key, tenant) into `scope`, for a route that needs `needs` (auth.cpp):
    // with auth on, a missing or bad key is unauthorized, a scope or tenant not allowed forbidden;
    // with auth off, X-Tenant-Id is taken as given (an invalid one is refused).
    net::awaitable<std::optional<domain::gateway_error>> identify(http_request const& request,
                                                                  request_context const& context, request_scope& scope,
                                                                  route const& r);
    net::awaitable<std::optional<domain::gateway_error>> identify_by_credential(http_request const& request,
                                                                                request_scope& scope, route const& r);
    net::awaitable<std::optional<domain::gateway_error>> authenticate(std::string_view token,
                                                                      std::shared_ptr<key_ring const>& ring,
                                                                      request_scope& scope);
    // A failed authentication counts against the client address (auth.failures_per_minute):
    // past the limit it is answered 429 instead of 401.
    net::awaitable<domain::gateway_error> count_failure(domain::gateway_error failure, request_scope const& scope);
    net::awaitable<void> answer(http_request& request, request_context const& context, request_scope& scope,
                                http_response& res);
    bool route_of(http_request const& req, request_context const& context, request_scope& scope, route const*& match,
                  std::string& param, http_response& refusal) const;
    std::optional<domain::gateway_error> adopt_browser_token(http_request& request) const; // ws_endpoint.cpp
    // Auth on and no credential with the WebSocket upgrade: the session's first message must
    // bring an access token (auth.cpp).
    bool awaits_credential_message(http_request const& request) const;
    void note_address(http_request const& request, request_context const& context, request_scope& scope) const;
    // `identified`: false when the credential comes with the first message (only the address,
    // the Origin and the limits are checked now).
    net::awaitable<std::optional<domain::gateway_error>> upgrade_refusal(http_request const& request,
                                                                         request_context const& context,
                                                                         request_scope& scope,
                                                                         bool identified); // ws_endpoint.cpp
    // A session's first message {"type":"auth","token":…} as its credential (ws_endpoint.cpp).
    net::awaitable<std::optional<domain::gateway_error>>
    adopt_credential_message(std::string const& text, http_request& upgrade, request_context const& context,
                             request_scope& scope);
    // One chat.stream.start message through the call stages (ws_endpoint.cpp): the error that
    // refused it before any dispatch, or what the dispatch did.
    net::awaitable<std::variant<domain::gateway_error, dispatch_result<stream_result>>>
    serve_start(std::string text, boost::json::value& id, http_request const& upgrade, std::string const& request_id,
                request_scope& scope, stream_client& client);
    void observe(http_request const& request, http_response const& response, request_context const& context,
                 request_scope const& scope, std::chrono::steady_clock::time_point started) const;
    // Runs the route's handler into `res`. Not a coroutine itself: the chat route, the hot one, is
    // awaited without a frame of its own.
    net::awaitable<void> serve(route const& r, route_call& call, http_response& res);
    net::awaitable<void> returned_into(route_handler handler, route_call& call, http_response& res);
    net::awaitable<void> admin_only(route const& r, route_call& call, http_response& res); // behind admin_refusal
    // The handlers of the route table (api_routes.cpp), one signature; the chat route fills.
    net::awaitable<void> chat_route(route_call& c, http_response& res);
    net::awaitable<http_response> embeddings_route(route_call& c);
    net::awaitable<http_response> models_route(route_call& c);
    net::awaitable<http_response> model_route(route_call& c);
    net::awaitable<http_response> stats_route(route_call& c);
    net::awaitable<http_response> usage_route(route_call& c); // usage_endpoint.cpp
    net::awaitable<http_response> usage_errors_route(route_call& c);
    net::awaitable<http_response> webhook_deliveries_route(route_call& c); // webhook_endpoint.cpp
    // The ledger is on and the caller may read the query's tenant (a tenant's key: its own, set here).
    std::optional<domain::gateway_error> usage_access(domain::ledger::usage_query& q, request_scope const& scope) const;
    net::awaitable<http_response> openapi_route(route_call& c);
    net::awaitable<http_response> dashboard_route(route_call& c); // dashboard_endpoint.cpp
    net::awaitable<http_response> providers_route(route_call& c);
    // The admin API of keys and tenants (key_endpoints.cpp).
    net::awaitable<http_response> keys_route(route_call& c);
    net::awaitable<http_response> key_create_route(route_call& c);
    net::awaitable<http_response> key_route(route_call& c);
    net::awaitable<http_response> key_update_route(route_call& c);
    net::awaitable<http_response> key_revoke_route(route_call& c);
    net::awaitable<http_response> key_rotate_route(route_call& c);
    net::awaitable<http_response> tenants_route(route_call& c);
    net::awaitable<http_response> tenant_route(route_call& c);
    net::awaitable<http_response> cache_clear_route(route_call& c); // cache_endpoints.cpp
    // REST services and the passthrough (rest_endpoints.cpp).
    net::awaitable<http_response> services_route(route_call& c);
    net::awaitable<http_response> proxy_route(route_call& c);
    // Named AI routes (ai_route_endpoint.cpp): the config's route for `path` and its {tenant}.
    domain::ai::ai_route const* named_route(std::string_view path, std::string& tenant) const;
    std::optional<domain::gateway_error> adopt_path_tenant(std::string const& tenant, request_scope& scope) const;
    net::awaitable<http_response> named_route_handler(route_call& c);
    net::awaitable<http_response> answer_named_route(domain::ai::ai_route const& route, call_exchange& x);
    static route const& named_route_entry(); // the policy every named route has (api_routes.cpp)
    // A GET of a cached service endpoint: a fresh answer from the cache, a stale one revalidated
    // with the provider that gave it, or a call whose answer is kept.
    net::awaitable<http_response> service_through_cache(domain::rest::endpoint const& endpoint,
                                                        boost::json::object const& params, request_hints const& hints,
                                                        route_call& c);
    // Tokens for browsers (token_endpoints.cpp).
    net::awaitable<http_response> login_route(route_call& c);
    net::awaitable<http_response> refresh_route(route_call& c);
    net::awaitable<http_response> token_failure(domain::gateway_error failure, route_call& c);
    std::optional<domain::gateway_error> keys_unavailable() const;
    std::shared_ptr<key_ring const> known_keys() const;
    template <class Operation> auto key_operation(Operation run) -> decltype(run());
    net::awaitable<http_response> config_route(route_call& c);
    net::awaitable<http_response> health_route(route_call& c);
    net::awaitable<http_response> detailed_health_route(route_call& c);
    net::awaitable<http_response> ready_route(route_call& c);
    net::awaitable<http_response> quotas_route(route_call& c);
    net::awaitable<http_response> metrics_route(route_call& c);
    net::awaitable<http_response> stream_without_upgrade_route(route_call& c);
    net::awaitable<void> chat_completions(http_request& request, std::string const& request_id, request_scope& scope,
                                          http_response& res);
    // The answer's two shapes, each into `res` (chat_completions'). A stream's request is x.head
    // (stream_chat's frame lasts as long as the stream: not one parameter more than it needs).
    net::awaitable<void> stream_chat(call_exchange& x, http_response& res);
    net::awaitable<void> whole_chat(http_request& request, call_exchange& x, http_response& res);
    net::awaitable<void> end_stream(call_exchange& x, sse_client& client, dispatch_result<stream_result>& outcome,
                                    http_response& res);
    net::awaitable<http_response> embeddings(http_request& request, std::string const& request_id,
                                             request_scope& scope);
    http_response models(http_request const& request, std::string const& request_id) const;
    // GET /v1/models/{id}: one model in the OpenAI shape, or 404 model_not_found.
    http_response model(http_request const& request, std::string const& request_id, std::string_view id) const;
    http_response health(http_request const& request, std::string const& request_id) const;
    http_response readiness(http_request const& request, std::string const& request_id) const;
    net::awaitable<http_response> detailed_health(http_request const& request, std::string const& request_id);
    boost::json::object store_status() const;
    boost::json::array deployment_states(bool& any_available) const;
    // The admin endpoints' gate: nullopt when the caller may pass, else the error to send.
    std::optional<domain::gateway_error> admin_refusal(http_request const& request, request_scope const& scope) const;
    // `by_provider`: the routing totals per provider (from the usage ledger: every instance, since
    // its retention; else this instance's since it started).
    http_response stats(http_request const& request, std::string const& request_id,
                        std::vector<usage_totals> const& by_provider, std::string_view source) const;
    http_response providers(http_request const& request, std::string const& request_id) const;
    net::awaitable<http_response> quotas(http_request const& request, std::string const& request_id,
                                         request_scope const& scope);
    net::awaitable<http_response> metrics(http_request const& request, std::string const& request_id);

    dispatcher& dispatch_;
    router_services services_;
};

} // namespace switchboard::adapters
