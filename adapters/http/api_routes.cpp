// The route table: every public path with its method, handler and policy, in one list.
#include "adapters/http/api_route.hpp"

#include "adapters/http/path_pattern.hpp"
#include "adapters/http/openapi_document.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/ledger/usage_reader.hpp"
#include "adapters/wall_clock.hpp"

#include <boost/json/serialize.hpp>

#include <array>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

namespace {
using verb = http::verb;
} // namespace

std::span<api_router::route const> api_router::routes() {
    using scope = domain::access_scope;
    constexpr std::optional<scope> open = std::nullopt;
    static std::array<route, 43> const table{{
        {.pattern = "/v1/chat/completions", .method = verb::post, .fills = &api_router::chat_route,
         .needs = scope::chat, .calls_provider = true},
        {.pattern = "/v1/embeddings", .method = verb::post, .handler = &api_router::embeddings_route,
         .needs = scope::embeddings, .calls_provider = true},
        {.pattern = "/api/v1/services/{endpoint*}", .method = verb::get, .handler = &api_router::services_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/api/v1/services/{endpoint*}", .method = verb::post, .handler = &api_router::services_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/api/v1/proxy/{path*}", .method = verb::get, .handler = &api_router::proxy_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/api/v1/proxy/{path*}", .method = verb::post, .handler = &api_router::proxy_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/api/v1/proxy/{path*}", .method = verb::put, .handler = &api_router::proxy_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/api/v1/proxy/{path*}", .method = verb::patch, .handler = &api_router::proxy_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/api/v1/proxy/{path*}", .method = verb::delete_, .handler = &api_router::proxy_route,
         .needs = scope::services, .calls_provider = true},
        {.pattern = "/v1/models", .method = verb::get, .handler = &api_router::models_route, .needs = scope::models},
        {.pattern = "/v1/models/{id*}", .method = verb::get, .handler = &api_router::model_route, .needs = scope::models},
        {.pattern = "/api/v1/stats", .method = verb::get, .handler = &api_router::stats_route},
        {.pattern = "/api/v1/providers", .method = verb::get, .handler = &api_router::providers_route},
        {.pattern = "/api/v1/config", .method = verb::get, .handler = &api_router::config_route},
        {.pattern = "/api/v1/keys", .method = verb::get, .handler = &api_router::keys_route},
        {.pattern = "/api/v1/keys", .method = verb::post, .handler = &api_router::key_create_route},
        {.pattern = "/api/v1/keys/{id}", .method = verb::get, .handler = &api_router::key_route},
        {.pattern = "/api/v1/keys/{id}", .method = verb::patch, .handler = &api_router::key_update_route},
        {.pattern = "/api/v1/keys/{id}", .method = verb::delete_, .handler = &api_router::key_revoke_route},
        {.pattern = "/api/v1/keys/{id}/rotate", .method = verb::post, .handler = &api_router::key_rotate_route},
        {.pattern = "/api/v1/tenants", .method = verb::get, .handler = &api_router::tenants_route},
        {.pattern = "/api/v1/cache/clear", .method = verb::post, .handler = &api_router::cache_clear_route},
        {.pattern = "/api/v1/webhooks/deliveries", .method = verb::get, .handler = &api_router::webhook_deliveries_route},
        // Open: each checks its own credential (a key; a refresh token).
        {.pattern = "/api/auth/login", .method = verb::post, .handler = &api_router::login_route, .needs = open},
        {.pattern = "/api/auth/refresh", .method = verb::post, .handler = &api_router::refresh_route, .needs = open},
        {.pattern = "/api/v1/tenants/{tenant}", .method = verb::get, .handler = &api_router::tenant_route},
        {.pattern = "/api/v1/health", .method = verb::get, .handler = &api_router::health_route, .needs = open,
         .rate_limited = false},
        {.pattern = "/api/health/detailed", .method = verb::get, .handler = &api_router::detailed_health_route,
         .needs = open, .rate_limited = false},
        {.pattern = "/api/ready", .method = verb::get, .handler = &api_router::ready_route, .needs = open,
         .rate_limited = false},
        {.pattern = "/api/v1/quotas", .method = verb::get, .handler = &api_router::quotas_route, .needs = scope::usage},
        {.pattern = "/api/v1/usage", .method = verb::get, .handler = &api_router::usage_route, .needs = scope::usage},
        {.pattern = "/api/v1/usage/errors", .method = verb::get, .handler = &api_router::usage_errors_route,
         .needs = scope::usage},
        {.pattern = "/api/v1/openapi.json", .method = verb::get, .handler = &api_router::openapi_route, .needs = open},
        // The dashboard's files hold no figure: it reads them from the APIs with the admin key.
        {.pattern = "/dashboard", .method = verb::get, .handler = &api_router::dashboard_route, .needs = open},
        {.pattern = "/dashboard/{file}", .method = verb::get, .handler = &api_router::dashboard_route, .needs = open},
        {.pattern = "/metrics", .method = verb::get, .handler = &api_router::metrics_route, .needs = open,
         .rate_limited = false},
        {.pattern = "/api/metrics", .method = verb::get, .handler = &api_router::metrics_route, .needs = open,
         .rate_limited = false},
        // WebSocket (serve_upgrade); without an upgrade, a 400 saying so.
        {.pattern = "/api/v1/ai/stream", .method = verb::get, .handler = &api_router::stream_without_upgrade_route,
         .needs = scope::chat},
        // Unversioned paths frontends already call: served, and marked deprecated.
        {.pattern = "/api/stats", .method = verb::get, .handler = &api_router::stats_route, .serves_as = "/api/v1/stats"},
        {.pattern = "/api/health", .method = verb::get, .handler = &api_router::health_route, .needs = open,
         .rate_limited = false, .serves_as = "/api/v1/health"},
        {.pattern = "/api/chat", .method = verb::post, .fills = &api_router::chat_route, .needs = scope::chat,
         .calls_provider = true, .serves_as = "/v1/chat/completions"},
        {.pattern = "/api/cache/clear", .method = verb::post, .handler = &api_router::cache_clear_route,
         .serves_as = "/api/v1/cache/clear"},
        {.pattern = "/api/embeddings", .method = verb::post, .handler = &api_router::embeddings_route,
         .needs = scope::embeddings, .calls_provider = true, .serves_as = "/v1/embeddings"},
    }};
    return table;
}

api_router::route const& api_router::named_route_entry() {
    // A chat call in every respect: the chat scope, the overlap of its inbound check.
    static route const entry{.pattern = "(named AI route)", .method = verb::post,
                             .handler = &api_router::named_route_handler, .needs = domain::access_scope::chat,
                             .calls_provider = true};
    return entry;
}

bool api_router::serves_path(std::string_view path) {
    return find_route(path, verb::get).first != nullptr;
}

std::pair<api_router::route const*, std::string_view> api_router::find_route(std::string_view path,
                                                                             http::verb method) {
    std::pair<route const*, std::string_view> found{nullptr, {}};
    for (auto const& r : routes()) {
        auto const m = match_path(r.pattern, path);
        if (!m.matched) continue;
        if (!found.first || r.method == method) found = {&r, m.param};
        if (r.method == method) break;
    }
    return found;
}

std::string api_router::allowed_methods(std::string_view path) {
    std::string out;
    for (auto const& r : routes()) {
        if (!match_path(r.pattern, path).matched) continue;
        if (!out.empty()) out += ", ";
        out += http::to_string(r.method);
    }
    return out;
}

net::awaitable<void> api_router::serve(route const& r, route_call& call, http_response& res) {
    // The caller awaits the result at once, so the references stay valid.
    if (r.admin()) return admin_only(r, call, res);
    if (r.fills) return (this->*r.fills)(call, res);
    return returned_into(r.handler, call, res);
}

net::awaitable<void> api_router::returned_into(route_handler handler, route_call& call, http_response& res) {
    res = co_await (this->*handler)(call);
}

net::awaitable<void> api_router::admin_only(route const& r, route_call& call, http_response& res) {
    if (auto refusal = admin_refusal(call.req, call.scope)) {
        res = answer_error(*refusal, call.req, call.request_id);
        co_return;
    }
    if (r.fills)
        co_await (this->*r.fills)(call, res);
    else
        res = co_await (this->*r.handler)(call);
}

net::awaitable<void> api_router::chat_route(route_call& c, http_response& res) {
    return chat_completions(c.req, c.request_id, c.scope, res);
}
net::awaitable<http_response> api_router::embeddings_route(route_call& c) {
    return embeddings(c.req, c.request_id, c.scope);
}
net::awaitable<http_response> api_router::models_route(route_call& c) {
    co_return models(c.req, c.request_id);
}
net::awaitable<http_response> api_router::model_route(route_call& c) {
    co_return model(c.req, c.request_id, c.param);
}
net::awaitable<http_response> api_router::stats_route(route_call& c) {
    if (!services_.usage)
        co_return stats(c.req, c.request_id, services_.ledger ? services_.ledger->snapshot() : std::vector<usage_totals>{},
                        "instance");
    // The served calls of every instance, as far back as the ledger keeps them.
    domain::ledger::usage_query q;
    q.to_unix_ms = unix_now_ms() + 1;
    q.from_unix_ms = q.to_unix_ms - domain::ledger::max_query_span_ms;
    q.group_by = domain::ledger::usage_grouping::provider;
    q.served_only = true;
    std::optional<std::vector<domain::ledger::usage_sums>> sums;
    try {
        sums = co_await services_.usage->sum(q);
    } catch (std::exception const&) {
    }
    if (!sums) {
        auto e = domain::make_error(errc::store_unavailable, "The usage ledger cannot be read right now; try again shortly");
        e.retry_after = std::chrono::seconds(1);
        co_return answer_error(e, c.req, c.request_id);
    }
    std::vector<usage_totals> by_provider;
    for (auto const& s : *sums)
        by_provider.push_back({s.group, "", s.requests, s.tokens_in, s.tokens_out, s.cost_usd});
    co_return stats(c.req, c.request_id, by_provider, "ledger");
}
net::awaitable<http_response> api_router::providers_route(route_call& c) {
    co_return providers(c.req, c.request_id);
}
net::awaitable<http_response> api_router::config_route(route_call& c) {
    co_return json_response(http::status::ok, services_.config_view ? json::serialize(*services_.config_view) : "{}",
                            c.req, c.request_id);
}
net::awaitable<http_response> api_router::health_route(route_call& c) {
    co_return health(c.req, c.request_id);
}
net::awaitable<http_response> api_router::detailed_health_route(route_call& c) {
    return detailed_health(c.req, c.request_id);
}
net::awaitable<http_response> api_router::ready_route(route_call& c) {
    co_return readiness(c.req, c.request_id);
}
net::awaitable<http_response> api_router::quotas_route(route_call& c) {
    return quotas(c.req, c.request_id, c.scope);
}
net::awaitable<http_response> api_router::openapi_route(route_call& c) {
    co_return json_response(http::status::ok, std::string(openapi_document()), c.req, c.request_id);
}
net::awaitable<http_response> api_router::metrics_route(route_call& c) {
    if (!services_.registry)
        co_return answer_error(domain::make_error(errc::not_found, "Metrics are disabled (metrics.enabled: false)"),
                               c.req, c.request_id);
    co_return co_await metrics(c.req, c.request_id);
}
net::awaitable<http_response> api_router::stream_without_upgrade_route(route_call& c) {
    co_return answer_error(domain::make_error(errc::invalid_request,
                                              "This endpoint speaks WebSocket: open it with Upgrade: websocket"),
                           c.req, c.request_id);
}

} // namespace switchboard::adapters
