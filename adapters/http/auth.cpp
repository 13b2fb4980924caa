// Who calls: the identify stage of every door, and the model check of a call.
//
// Auth off (no key configured, or auth.mode: off): the gateway is open for local use; the tenant
// is X-Tenant-Id as given ("default" without one) and a bearer token only counts for per-key
// limits (by its fingerprint). Auth on: every route but the open ones (health, readiness,
// metrics) needs a key of the ring — the admin key also opens the admin routes —, the tenant is
// the key's (X-Tenant-Id only for a key that may act for it), and the key's public id names the
// caller in logs, metrics and per-key limits.
#include "adapters/http/api_route.hpp"
#include "adapters/http/call_stages.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/wall_clock.hpp"

#include <boost/asio/this_coro.hpp>

#include <openssl/crypto.h>

namespace switchboard::adapters {
using domain::errc;

namespace {
// The credential of a request: Authorization: Bearer, or x-api-key (Anthropic-style clients).
std::string_view credential_of(http_request const& req) {
    if (auto token = bearer_token(req); !token.empty()) return token;
    return req["x-api-key"];
}

// An instance that has not yet read the keys made at run time (just started, the store not
// answering) cannot tell an unknown key from a stored one: it says so, rather than a false 401.
domain::gateway_error keys_not_read_yet() {
    auto error = domain::make_error(errc::store_unavailable,
                                    "The API keys kept in the shared store could not be read yet; try again shortly");
    error.retry_after = std::chrono::seconds(1);
    return error;
}
} // namespace

bool api_router::awaits_credential_message(http_request const& req) const {
    return services_.keys && services_.auth_required && credential_of(req).empty();
}

void api_router::note_address(http_request const& req, request_context const& context, request_scope& scope) const {
    static trusted_proxies const none;
    scope.caller.ip = client_ip(context.peer, req["x-forwarded-for"], services_.proxies ? *services_.proxies : none);
}

net::awaitable<std::optional<domain::gateway_error>> api_router::identify(http_request const& req,
                                                                          request_context const& context,
                                                                          request_scope& scope, route const& r) {
    auto& caller = scope.caller;
    note_address(req, context, scope);
    if (services_.keys && services_.auth_required) {
        auto refusal = co_await identify_by_credential(req, scope, r);
        if (refusal && refusal->code == errc::unauthorized) co_return co_await count_failure(std::move(*refusal), scope);
        co_return refusal;
    }
    // Auth off, an admin key set: every tenant's usage and quotas are the operator's to read (no
    // caller has a tenant of its own to be limited to).
    if (r.needs == domain::access_scope::usage && !services_.admin_key.empty())
        if (auto refusal = admin_refusal(req, scope)) co_return co_await count_failure(std::move(*refusal), scope);
    if (auto key = bearer_token(req); !key.empty()) {
        caller.key_id = key_fingerprint(key);
        scope.key_hint = loggable_credential(key);
    }
    caller.tenant = "default";
    if (auto tenant = req["x-tenant-id"]; !tenant.empty()) {
        if (auto invalid = invalid_identifier(tenant, 64, "X-Tenant-Id")) co_return invalid;
        caller.tenant = std::string(tenant);
    }
    co_return std::nullopt;
}

net::awaitable<std::optional<domain::gateway_error>> api_router::identify_by_credential(http_request const& req,
                                                                                       request_scope& scope,
                                                                                       route const& r) {
    auto& caller = scope.caller;
    caller.tenant = "default";
    if (!r.needs) co_return std::nullopt; // open to anyone, anonymous
    auto const token = credential_of(req);
    // The admin key opens the admin routes, and reads every tenant's usage and quotas.
    bool const admin_may = r.admin() || r.needs == domain::access_scope::usage;
    if (admin_may && !token.empty() && !admin_refusal(req, scope)) co_return std::nullopt;
    if (token.empty())
        co_return domain::make_error(errc::unauthorized,
                                     "This gateway needs an API key: send it as Authorization: Bearer <key>");
    auto ring = services_.keys->current();
    if (auto refused = co_await authenticate(token, ring, scope)) co_return refused;
    auto const& grant = *scope.grant;
    caller.key_id = grant.key_id;
    caller.own_requests_per_minute = grant.limits.requests_per_minute;
    scope.key_hint = grant.key_id;
    if (auto refused = domain::check_access(grant, *r.needs, unix_now())) co_return refused;
    auto tenant = domain::acting_tenant(grant, req["x-tenant-id"], ring->tenants());
    if (!tenant) co_return tenant.error();
    caller.tenant = std::move(*tenant);
    co_return std::nullopt;
}

// The grant of a bearer credential into scope.grant (with what keeps it alive): a switchboard
// key of the ring, or a JWT of a trusted issuer. An unknown kid fetches the issuer's JWKS again,
// once, and the token is tried again. `ring` is the snapshot the caller's tenant is checked
// against: read again here when the store had to be.
net::awaitable<std::optional<domain::gateway_error>> api_router::authenticate(std::string_view token,
                                                                              std::shared_ptr<key_ring const>& ring,
                                                                              request_scope& scope) {
    if (services_.jwt && domain::looks_like_jws(token)) {
        auto verdict = services_.jwt->verify(token, unix_now());
        if (verdict.refetch && services_.tls) {
            auto executor = co_await net::this_coro::executor;
            co_await services_.jwt->refetch(*verdict.refetch, executor, *services_.tls, false);
            verdict = services_.jwt->verify(token, unix_now());
        }
        if (!verdict.grant) co_return verdict.grant.error();
        if (verdict.issuer->switchboard_tokens && services_.tokens) // our own: the key's grant, narrowed
            verdict.grant = services_.tokens->grant_of(verdict.claims, *ring);
        if (!verdict.grant) co_return verdict.grant.error();
        scope.grant = std::make_shared<domain::caller_grant const>(std::move(*verdict.grant));
        co_return std::nullopt;
    }
    auto const* grant = ring->authenticate(token, unix_now());
    bool unknown_store = false; // the stored keys never read: an unknown key may be one of them
    if (!grant && !services_.keys->loaded() && services_.stored_keys) {
        try {
            co_await services_.keys->refresh(*services_.stored_keys);
        } catch (std::exception const&) {
            unknown_store = true;
        }
        ring = services_.keys->current();
        grant = ring->authenticate(token, unix_now());
    }
    if (!grant && unknown_store) co_return keys_not_read_yet();
    if (!grant) co_return domain::make_error(errc::unauthorized, "The API key is not valid");
    scope.grant = std::shared_ptr<domain::caller_grant const>(ring, grant); // the ring keeps it alive
    co_return std::nullopt;
}

net::awaitable<domain::gateway_error> api_router::count_failure(domain::gateway_error failure,
                                                                request_scope const& scope) {
    if (!services_.limiter) co_return failure;
    auto limits = co_await services_.limiter->check(auth_failures_route, scope.caller);
    if (limits.refusal && limits.refusal->code == errc::rate_limit_exceeded) {
        auto refused = domain::make_error(errc::rate_limit_exceeded,
                                          "Too many failed authentications from this address; try again later");
        refused.retry_after = limits.refusal->retry_after;
        co_return refused;
    }
    co_return failure;
}

std::optional<domain::gateway_error> api_router::admin_refusal(http_request const& req,
                                                               request_scope const& scope) const {
    if (scope.grant && scope.grant->holds(domain::access_scope::admin)) return std::nullopt;
    if (services_.admin_key.empty() && !(services_.keys && services_.auth_required))
        return domain::make_error(errc::forbidden,
                                  "Admin endpoints are disabled; set admin.api_key (or SWITCHBOARD_ADMIN_KEY)");
    auto const key = bearer_token(req);
    bool const match = !services_.admin_key.empty() && key.size() == services_.admin_key.size() &&
                       CRYPTO_memcmp(key.data(), services_.admin_key.data(), key.size()) == 0;
    if (!match) return domain::make_error(errc::unauthorized, "This endpoint needs the admin API key");
    return std::nullopt;
}

api_router::stage_verdict api_router::allow_model(call_exchange& x) {
    if (!x.scope.grant) return std::nullopt;
    std::string_view const model = x.chat ? std::string_view(x.chat->model) : std::string_view(x.embedding->model);
    return domain::check_model(*x.scope.grant, model);
}

} // namespace switchboard::adapters
