// Named AI routes (config `ai_routes`): a path of the config → the body checked against its
// schema and turned into a chat call by the route's templates → the chat stages (model check,
// hints, cache) → dispatch → with a response schema, the answer checked and repaired once → the
// route's answer shape. Matched only when no built-in path is.
#include "adapters/http/api_route.hpp"
#include "adapters/http/call_responses.hpp"
#include "adapters/http/call_stages.hpp"

#include "adapters/http/router_responses.hpp"
#include "domain/auth/key_record.hpp"
#include "domain/json_checks.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;
namespace ai = domain::ai;
using domain::errc;

namespace {
// The body a named route's call goes through its stages with: the route's chat request.
constexpr api_router::call_stage named_route_stages[] = {
    &api_router::decode_body,   &api_router::fill_named_route, &api_router::parse_chat,
    &api_router::allow_model,   &api_router::read_hints,       &api_router::look_up_cache,
    &api_router::look_up_similar};

// The assistant's text of a whole answer (relayed as received, or built).
std::string completion_text(domain::chat_completion const& c) {
    json::object const* body = &c.body;
    json::value parsed;
    if (!c.relayed.empty()) {
        boost::system::error_code ec;
        parsed = json::parse(c.relayed, ec);
        if (ec || !parsed.is_object()) return {};
        body = &parsed.as_object();
    }
    auto const* choices = body->if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty()) return {};
    auto const& first = choices->as_array().front();
    auto const* message = first.is_object() ? first.as_object().if_contains("message") : nullptr;
    auto const* content = message && message->is_object() ? message->as_object().if_contains("content") : nullptr;
    return content && content->is_string() ? std::string(content->as_string()) : std::string();
}

http_response route_response(ai::ai_route const& route, json::value answer, ai::served_facts const& facts,
                             int attempts, http_request const& req, std::string const& request_id) {
    auto res = json_response(http::status::ok, json::serialize(ai::route_answer(route, std::move(answer), facts)),
                             req, request_id);
    res.insert("x-switchboard-provider", facts.llm_used);
    res.insert("x-switchboard-model", facts.model);
    res.insert("x-switchboard-attempts", std::to_string(attempts));
    res.insert("x-switchboard-cost-usd", format_cost(facts.cost_usd));
    return res;
}

domain::gateway_error schema_refused(std::vector<std::string> const& violations) {
    auto e = domain::make_error(errc::upstream_bad_response,
                                "The model's answer did not match the route's response schema, even after one repair: " +
                                    domain::truncate_for_message(violations.front(), 200));
    return e;
}
} // namespace

ai::ai_route const* api_router::named_route(std::string_view path, std::string& tenant) const {
    for (auto const& r : dispatch_.catalog().ai_routes)
        if (auto t = ai::match_path(r, path)) {
            tenant = std::move(*t);
            return &r;
        }
    return nullptr;
}

api_router::stage_verdict api_router::fill_named_route(call_exchange& x) {
    auto chat = ai::chat_body_of(*x.named, x.body);
    if (!chat) return chat.error();
    x.named_chat = std::make_unique<json::object const>(*chat); // kept for a repair: parse_chat takes the body
    x.body = json::value(std::move(*chat));
    return std::nullopt;
}

// A {tenant} path acts for that tenant: the caller's own, or one its key may act for.
std::optional<domain::gateway_error> api_router::adopt_path_tenant(std::string const& tenant, request_scope& scope) const {
    if (tenant.empty()) return std::nullopt;
    if (!scope.grant) { // auth off: the path names the tenant, as X-Tenant-Id would
        scope.caller.tenant = tenant;
        return std::nullopt;
    }
    auto acting = domain::acting_tenant(*scope.grant, tenant, known_keys()->tenants());
    if (!acting) return acting.error();
    scope.caller.tenant = std::move(*acting);
    return std::nullopt;
}

net::awaitable<http_response> api_router::named_route_handler(route_call& c) {
    std::string tenant;
    auto const* route = named_route(path_of(c.req.target()), tenant);
    if (!route) co_return answer_error(domain::make_error(errc::not_found, "Unknown request URL"), c.req, c.request_id);
    if (auto refused = adopt_path_tenant(tenant, c.scope)) co_return answer_error(*refused, c.req, c.request_id);
    call_exchange x{c.req, c.request_id, c.scope, {}};
    x.named = route;
    if (auto ended = co_await run_stages(named_route_stages, x)) co_return answer_error(*ended, c.req, c.request_id);
    if (x.cache && x.cache->hit) { // kept only once it passed the response schema
        auto const& hit = *x.cache->hit;
        auto read = ai::read_model_answer(*route, completion_text(whole_from_cache(hit)->value));
        c.scope.record.cache = cache_status_name(x.cache->status);
        ai::served_facts facts{"cache", hit.deployment_model, true, 0, hit.usage};
        auto res = route_response(*route, std::move(read.value), facts, 0, c.req, c.request_id);
        mark_cache(res, *x.cache, services_.cache->now_ms());
        co_return res;
    }
    co_return co_await answer_named_route(*route, x);
}

net::awaitable<http_response> api_router::answer_named_route(ai::ai_route const& route, call_exchange& x) {
    auto& scope = x.scope;
    auto outcome = co_await dispatch_.chat(*x.chat, x.hints, call_context_of(scope));
    scope.record = record_of(outcome);
    if (!outcome) co_return failure_response(outcome.error(), x.head, x.request_id);
    auto served = std::move(*outcome);
    auto text = completion_text(served.value);
    auto read = ai::read_model_answer(route, text);
    double cost = served.cost_usd;
    auto usage = served.value.usage;
    int attempts = served.attempts;
    if (!read.ok()) { // one repair: the model sees its answer and what was wrong with it
        auto repair = ai::repair_body(*x.named_chat, text, read.violations);
        auto parsed = domain::parse_chat_request(json::value(std::move(repair)));
        if (!parsed) co_return answer_error(schema_refused(read.violations), x.head, x.request_id);
        auto again = co_await dispatch_.chat(*parsed, x.hints, call_context_of(scope));
        if (!again) co_return failure_response(again.error(), x.head, x.request_id);
        cost += again->cost_usd;
        usage.prompt_tokens += again->value.usage.prompt_tokens;
        usage.completion_tokens += again->value.usage.completion_tokens;
        attempts += again->attempts;
        text = completion_text(again->value);
        read = ai::read_model_answer(route, text);
        if (!read.ok()) co_return answer_error(schema_refused(read.violations), x.head, x.request_id);
        served = std::move(*again);
    }
    scope.record.cost_usd = cost;
    scope.record.usage = usage;
    ai::served_facts const facts{served.served.provider, served.value.model.empty() ? served.served.model : served.value.model,
                                 false, cost, usage};
    auto res = route_response(route, std::move(read.value), facts, attempts, x.head, x.request_id);
    if (x.cache) {
        auto const body = served.value.relayed.empty() ? json::serialize(served.value.body) : served.value.relayed;
        keep_whole(*services_.cache, *x.cache, served, body);
        mark_cache(res, *x.cache, services_.cache->now_ms());
        scope.record.cache = cache_status_name(x.cache->status);
    }
    co_return res;
}

} // namespace switchboard::adapters
