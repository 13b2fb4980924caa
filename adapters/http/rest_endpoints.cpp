// The REST doors: GET|POST /api/v1/services/{service}/{endpoint} (a declared endpoint, its
// parameters validated, served by its providers in order) and /api/v1/proxy/{provider}/{path…}
// (a provider's allow-listed paths, relayed). Both run the call machine like a model call.
#include "adapters/http/api_route.hpp"
#include "adapters/http/call_responses.hpp"

#include "adapters/cache/response_cache.hpp"
#include "adapters/http/cached_answers.hpp"
#include "adapters/hex.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/sha256.hpp"
#include "domain/ascii.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/rest/freshness.hpp"
#include "domain/rest/passthrough.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

namespace {
constexpr std::string_view proxy_prefix = "/api/v1/proxy/";

domain::result<json::object> query_params(domain::rest::endpoint const& e, http_request const& req) {
    auto url = boost::urls::parse_origin_form(std::string_view(req.target()));
    if (!url) return domain::make_error(errc::invalid_request, "The URL's query cannot be read");
    std::vector<std::pair<std::string, std::string>> query;
    for (auto const& p : url->params()) query.emplace_back(p.key, p.value);
    return domain::rest::read_query_params(e, query);
}

domain::result<json::object> body_params(domain::rest::endpoint const& e, http_request const& req) {
    if (req.body().empty()) return domain::rest::read_body_params(e, {});
    auto parsed = domain::parse_json_checked(req.body());
    if (parsed.problem == domain::checked_json::flaw::not_json)
        return domain::make_error(errc::invalid_request, "The request body is not valid JSON");
    if (parsed.problem == domain::checked_json::flaw::duplicate_key)
        return domain::make_error(errc::invalid_request, "The body gives '" + parsed.duplicate_key + "' more than once",
                                  parsed.duplicate_key);
    if (!parsed.value.is_object()) return domain::make_error(errc::invalid_request, "The body must be a JSON object");
    return domain::rest::read_body_params(e, parsed.value.as_object());
}

// The answer of a served REST call: its status, body and relayed headers, and what served it.
http_response rest_response(dispatch_result<rest_answer>& outcome, http_request const& req,
                            std::string const& request_id) {
    if (!outcome) return failure_response(outcome.error(), req, request_id);
    auto& ok = *outcome;
    auto res = json_response(static_cast<http::status>(ok.value.status), std::move(ok.value.payload), req, request_id);
    for (auto const& [name, value] : ok.value.headers) res.set(name, value);
    res.insert("x-switchboard-provider", ok.served.provider);
    res.insert("x-switchboard-attempts", std::to_string(ok.attempts));
    res.insert("x-switchboard-cost-usd", format_cost(ok.cost_usd));
    return res;
}

// A service answer's entity tag: a hash of the body the client gets (not the provider's tag,
// which names another representation).
std::string etag_of(std::string_view body) {
    auto const digest = sha256(body);
    return "\"" + hex_encode(digest.data(), 16) + "\"";
}

// The answer to a GET the cache or a call gave: 304 when the client's If-None-Match names it.
http_response with_etag(http_response res, http_request const& req, std::string const& request_id) {
    if (res.result() != http::status::ok) return res;
    auto const etag = etag_of(res.body());
    if (domain::rest::etag_matches(req[http::field::if_none_match], etag)) {
        auto not_modified = json_response(http::status::not_modified, {}, req, request_id);
        for (auto const& field : res)
            if (field.name() != http::field::content_type && field.name() != http::field::content_length)
                not_modified.set(field.name_string(), field.value());
        res = std::move(not_modified);
    }
    res.set(http::field::etag, etag);
    return res;
}

// What decides a service answer: the endpoint, the namespace and the parameters in their
// declared order (the query's order does not matter).
std::string rest_identity(domain::rest::endpoint const& e, std::string const& cache_namespace, json::object const& params) {
    std::string identity = "rest\n" + cache_namespace + "\n" + e.route();
    for (auto const& p : e.params) {
        identity += '\n';
        if (auto const* v = params.if_contains(p.name)) identity += p.name + "=" + json::serialize(*v);
    }
    return identity;
}

http_response cached_service_response(cached_answer const& kept, std::string_view status, std::int64_t now_ms,
                                      http_request const& req, std::string const& request_id) {
    auto res = json_response(http::status::ok, kept.body, req, request_id);
    res.insert("x-switchboard-cache", status);
    res.insert("x-switchboard-provider", kept.served_by);
    res.insert("x-switchboard-cost-usd", format_cost(0)); // a call that pays sets its own
    res.set(http::field::age, std::to_string(std::max<std::int64_t>(0, now_ms - kept.stored_ms) / 1000));
    return res;
}

// What the cache keeps of a served GET: the answer and its validator, or — when the provider
// answered 304 to a revalidation — the stale answer, with the validator the 304 gave if any.
cached_answer kept_entry(dispatched<rest_answer>& served, std::shared_ptr<cached_answer const> const& stale,
                         std::string const& route) {
    auto& answer = served.value;
    if (answer.status == 304 && stale) {
        cached_answer entry = *stale;
        if (!answer.validator.empty()) entry.validator = answer.validator;
        return entry;
    }
    cached_answer entry;
    entry.body = std::move(answer.payload);
    entry.validator = answer.validator;
    entry.served_by = served.served.provider;
    entry.model = route;
    entry.cost_usd = served.cost_usd;
    return entry;
}

// The client's headers a passthrough may relay (content negotiation, conditional requests).
std::vector<std::pair<std::string, std::string>> relayed_headers(http_request const& req) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto const& field : req) {
        auto name = domain::ascii_lowered(field.name_string());
        if (domain::rest::relayed_request_header(name)) out.emplace_back(std::move(name), std::string(field.value()));
    }
    return out;
}
} // namespace

net::awaitable<http_response> api_router::services_route(route_call& c) {
    auto const& endpoints = dispatch_.catalog().rest.endpoints;
    auto const it = endpoints.find(c.param);
    if (it == endpoints.end())
        co_return answer_error(domain::make_error(errc::not_found, "No service endpoint is named '" +
                                                                       domain::truncate_for_message(c.param, 128) + "'"),
                               c.req, c.request_id);
    auto const& endpoint = it->second;
    c.scope.model_group = endpoint.route();
    bool const by_get = endpoint.method == domain::rest::inbound_method::get;
    bool const sent_get = c.req.method() == http::verb::get || c.req.method() == http::verb::head;
    if (by_get != sent_get) {
        auto res = answer_error(domain::make_error(errc::method_not_allowed, "The endpoint " + endpoint.route() +
                                                                                 " is called with " +
                                                                                 (by_get ? "GET" : "POST")),
                                c.req, c.request_id);
        res.set(http::field::allow, by_get ? "GET, HEAD" : "POST");
        co_return res;
    }
    auto params = by_get ? query_params(endpoint, c.req) : body_params(endpoint, c.req);
    if (!params) co_return answer_error(params.error(), c.req, c.request_id);
    auto hints = hints_of(c.req, c.request_id, c.scope);
    if (!hints) co_return answer_error(hints.error(), c.req, c.request_id);
    if (by_get && endpoint.cache_ttl > std::chrono::seconds::zero() && services_.cache)
        co_return with_etag(co_await service_through_cache(endpoint, *params, *hints, c), c.req, c.request_id);
    rest_call const call{.params = &*params};
    auto const route = endpoint.route();
    auto outcome = co_await dispatch_.rest(route, call, *hints, call_context_of(c.scope));
    c.scope.record = record_of(outcome);
    auto res = rest_response(outcome, c.req, c.request_id);
    co_return by_get ? with_etag(std::move(res), c.req, c.request_id) : res;
}

net::awaitable<http_response> api_router::service_through_cache(domain::rest::endpoint const& endpoint,
                                                                json::object const& params, request_hints const& hints,
                                                                route_call& c) {
    auto control = domain::parse_cache_control(c.req[http::field::cache_control], c.req["x-switchboard-cache-ttl"],
                                               c.req["x-switchboard-cache-namespace"], c.req["x-switchboard-cache-tags"]);
    if (!control) co_return answer_error(control.error(), c.req, c.request_id);
    auto& cache = *services_.cache;
    cache_use use;
    use.plan = domain::rest::plan_rest_cache(endpoint.cache_ttl, *control, c.scope.caller.tenant, cache.shared_namespace());
    use.key = response_cache::key_of(rest_identity(endpoint, use.plan.cache_namespace, params));
    use.shared = services_.shared_cache;
    use.lease_id = c.request_id;
    if (use.plan.any()) co_await look_up(cache, use, deadline_of(hints));
    else cache.note_bypass();
    auto const status = cache_status_name(use.status);
    c.scope.record.cache = status;
    if (use.hit) {
        c.scope.record.provider = "cache";
        c.scope.record.served = true;
        c.scope.record.saved_usd = use.hit->cost_usd;
        co_return cached_service_response(*use.hit, status, cache.now_ms(), c.req, c.request_id);
    }

    rest_call call{.params = &params};
    if (use.stale && !use.stale->validator.empty()) {
        call.revalidate_provider = use.stale->served_by;
        call.etag = use.stale->validator;
    }
    auto const route = endpoint.route();
    auto outcome = co_await dispatch_.rest(route, call, hints, call_context_of(c.scope));
    c.scope.record = record_of(outcome);
    c.scope.record.cache = status;
    bool const revalidated = outcome && outcome->value.status == 304 && use.stale;
    if (!outcome || !use.plan.write || (outcome->value.status != 200 && !revalidated)) {
        auto res = rest_response(outcome, c.req, c.request_id);
        res.set("x-switchboard-cache", status);
        co_return res; // nothing kept: the calls that waited for this one lead their own
    }
    auto entry = kept_entry(*outcome, use.stale, route);
    auto const fresh = domain::rest::freshness_of(use.plan.ttl, outcome->value.cache_control, !entry.validator.empty());
    auto const now = cache.now_ms();
    std::shared_ptr<cached_answer const> stored;
    if (fresh.store) {
        entry.fresh_until_ms = now + std::chrono::duration_cast<std::chrono::milliseconds>(fresh.fresh_for).count();
        use.plan.ttl = fresh.keep_for;
        stored = keep_answer(cache, use, std::move(entry));
    }
    if (revalidated) c.scope.record.cache = "revalidated";
    auto res = cached_service_response(stored ? *stored : entry, c.scope.record.cache, now, c.req, c.request_id);
    res.set("x-switchboard-attempts", std::to_string(outcome->attempts));
    res.set("x-switchboard-cost-usd", format_cost(outcome->cost_usd));
    res.set(http::field::age, "0");
    co_return res;
}

net::awaitable<http_response> api_router::proxy_route(route_call& c) {
    // The raw path, as the client wrote it: decoding it first would hide an encoded separator.
    std::string_view const target = c.req.target();
    auto const path = path_of(target).substr(proxy_prefix.size());
    auto const query = path_of(target).size() < target.size() ? target.substr(path_of(target).size() + 1)
                                                               : std::string_view{};
    auto const slash = path.find('/');
    std::string const provider(path.substr(0, slash));
    auto const& catalog = dispatch_.catalog().rest;
    auto const allowed = catalog.passthrough.find(provider);
    if (allowed == catalog.passthrough.end())
        co_return answer_error(domain::make_error(errc::not_found, "No provider relays calls as '" +
                                                                       domain::truncate_for_message(provider, 64) + "'"),
                               c.req, c.request_id);
    c.scope.model_group = rest_catalog::passthrough_route(provider);
    std::string_view const upstream_path = slash == std::string_view::npos ? "/" : path.substr(slash);
    if (auto checked = domain::rest::check_passthrough(upstream_path, query, allowed->second); !checked)
        co_return answer_error(checked.error(), c.req, c.request_id);
    auto hints = hints_of(c.req, c.request_id, c.scope);
    if (!hints) co_return answer_error(hints.error(), c.req, c.request_id);
    std::string path_and_query(upstream_path);
    if (!query.empty()) path_and_query += "?" + std::string(query);
    auto const headers = relayed_headers(c.req);
    std::string_view const method = c.req.method() == http::verb::head ? "GET" : c.req.method_string();
    rest_call const call{.method = method, .path_and_query = path_and_query, .body = c.req.body(), .headers = &headers};
    auto const route = rest_catalog::passthrough_route(provider);
    auto outcome = co_await dispatch_.rest(route, call, *hints, call_context_of(c.scope));
    c.scope.record = record_of(outcome);
    co_return rest_response(outcome, c.req, c.request_id);
}

} // namespace switchboard::adapters
