// Tokens for browser frontends (token_issuer.hpp), open routes that check their own credential:
//
//   POST /api/auth/login    Authorization: Bearer sb-…  [{"scopes":["chat"]}]
//   POST /api/auth/refresh  {"refresh_token":"sbr-…"}
//
// Both answer as an OAuth 2.0 token response (RFC 6749 §5.1): {"access_token","token_type":
// "Bearer","expires_in","refresh_token","refresh_expires_in","scope"}, with Cache-Control:
// no-store. A failure is a 401 counted against the client address like any failed
// authentication; the store down is a 503.
#include "adapters/http/api_route.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/auth/api_key.hpp"
#include "domain/json_checks.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

namespace {
std::string token_body(token_pair const& pair, std::string_view scopes) {
    return json::serialize(json::object{{"access_token", pair.access_token},
                                        {"token_type", "Bearer"},
                                        {"expires_in", pair.access_ttl.count()},
                                        {"refresh_token", pair.refresh_token},
                                        {"refresh_expires_in", pair.refresh_ttl.count()},
                                        {"scope", scopes}});
}

// {"scopes":[…]} of a login body: the key's scopes when absent.
domain::result<unsigned> asked_scopes(std::string const& body, unsigned key_scopes) {
    if (body.empty()) return key_scopes;
    auto v = domain::parse_json(body);
    if (!v || !v->is_object()) return domain::make_error(errc::invalid_request, "The body must be a JSON object");
    auto const* list = v->as_object().if_contains("scopes");
    if (!list) return key_scopes;
    auto changes = domain::parse_key_changes(json::object{{"scopes", *list}}, false);
    if (!changes) return changes.error();
    return *changes->scopes & key_scopes;
}
} // namespace

net::awaitable<http_response> api_router::token_failure(domain::gateway_error failure, route_call& c) {
    auto refused = co_await count_failure(std::move(failure), c.scope);
    auto res = answer_error(refused, c.req, c.request_id);
    if (refused.code == errc::unauthorized) challenge(res, true);
    co_return res;
}

net::awaitable<http_response> api_router::login_route(route_call& c) {
    if (!services_.tokens || !services_.refresh_tokens || !services_.keys)
        co_return answer_error(domain::make_error(errc::not_found, "Login needs auth.secret (auth on)"), c.req,
                               c.request_id);
    auto const key_text = bearer_token(c.req);
    if (!domain::parse_api_key(key_text))
        co_return co_await token_failure(
            domain::make_error(errc::unauthorized, "Log in with an API key: Authorization: Bearer sb-…"), c);
    auto const ring = services_.keys->current();
    auto const now = unix_now();
    auto const* grant = ring->authenticate(key_text, now);
    if (!grant || (grant->expires_unix != 0 && now >= grant->expires_unix))
        co_return co_await token_failure(domain::make_error(errc::unauthorized, "The API key is not valid"), c);
    auto scopes = asked_scopes(c.req.body(), grant->scopes);
    if (!scopes) co_return answer_error(scopes.error(), c.req, c.request_id);
    c.scope.caller.key_id = c.scope.key_hint = grant->key_id;
    try {
        auto const& key = *ring->find(grant->key_id);
        auto pair = co_await services_.tokens->login(*services_.refresh_tokens, key, *scopes, now);
        auto res = json_response(http::status::ok, token_body(pair, ""), c.req, c.request_id);
        res.set(http::field::cache_control, "no-store");
        co_return res;
    } catch (store_unavailable const&) {
        co_return answer_error(domain::make_error(errc::store_unavailable, "The token store cannot be reached"), c.req,
                               c.request_id);
    }
}

net::awaitable<http_response> api_router::refresh_route(route_call& c) {
    if (!services_.tokens || !services_.refresh_tokens || !services_.keys)
        co_return answer_error(domain::make_error(errc::not_found, "Login needs auth.secret (auth on)"), c.req,
                               c.request_id);
    auto body = domain::parse_json(c.req.body());
    auto const* token = body && body->is_object() ? body->as_object().if_contains("refresh_token") : nullptr;
    if (!token || !token->is_string())
        co_return answer_error(*domain::invalid("refresh_token", "is required"), c.req, c.request_id);
    auto const ring = services_.keys->current(); // a named local: it lives across the co_await
    std::string const presented(token->as_string());
    try {
        auto pair = co_await services_.tokens->refresh(*services_.refresh_tokens, presented, *ring, unix_now());
        if (!pair) co_return co_await token_failure(pair.error(), c);
        auto res = json_response(http::status::ok, token_body(*pair, ""), c.req, c.request_id);
        res.set(http::field::cache_control, "no-store");
        co_return res;
    } catch (store_unavailable const&) {
        co_return answer_error(domain::make_error(errc::store_unavailable, "The token store cannot be reached"), c.req,
                               c.request_id);
    }
}

} // namespace switchboard::adapters
