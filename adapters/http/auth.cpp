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

#include <openssl/crypto.h>

namespace switchboard::adapters {
using domain::errc;

namespace {
// The credential of a request: Authorization: Bearer, or x-api-key (Anthropic-style clients).
std::string_view credential_of(http_request const& req) {
    if (auto token = bearer_token(req); !token.empty()) return token;
    return req["x-api-key"];
}
} // namespace

net::awaitable<std::optional<domain::gateway_error>> api_router::identify(http_request const& req,
                                                                          request_context const& context,
                                                                          request_scope& scope, route const& r) {
    auto& caller = scope.caller;
    static trusted_proxies const none;
    caller.ip = client_ip(context.peer, req["x-forwarded-for"], services_.proxies ? *services_.proxies : none);
    if (services_.keys && services_.auth_required) {
        auto refusal = identify_by_key(req, scope, r);
        if (refusal && refusal->code == errc::unauthorized) co_return co_await count_failure(std::move(*refusal), scope);
        co_return refusal;
    }
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

std::optional<domain::gateway_error> api_router::identify_by_key(http_request const& req, request_scope& scope,
                                                                 route const& r) const {
    auto& caller = scope.caller;
    caller.tenant = "default";
    if (!r.needs) return std::nullopt; // open to anyone, anonymous
    auto const token = credential_of(req);
    if (r.admin() && !admin_refusal(req, scope)) return std::nullopt; // the admin key
    if (token.empty())
        return domain::make_error(errc::unauthorized,
                                  "This gateway needs an API key: send it as Authorization: Bearer <key>");
    auto ring = services_.keys->current();
    auto const* grant = ring->authenticate(token, unix_now());
    if (!grant) return domain::make_error(errc::unauthorized, "The API key is not valid");
    scope.grant = grant;
    scope.keys = ring; // keeps the grant alive as long as the request
    caller.key_id = grant->key_id;
    scope.key_hint = grant->key_id;
    if (auto refused = domain::check_access(*grant, *r.needs, unix_now())) return refused;
    auto tenant = domain::acting_tenant(*grant, req["x-tenant-id"], ring->tenants());
    if (!tenant) return tenant.error();
    caller.tenant = std::move(*tenant);
    return std::nullopt;
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

net::awaitable<api_router::stage_verdict> api_router::allow_model(call_exchange& x) {
    if (!x.scope.grant) co_return std::nullopt;
    std::string_view const model = x.chat ? std::string_view(x.chat->model) : std::string_view(x.embedding->model);
    co_return domain::check_model(*x.scope.grant, model);
}

} // namespace switchboard::adapters
