// The REST doors: GET|POST /api/v1/services/{service}/{endpoint} (a declared endpoint, its
// parameters validated, served by its providers in order) and /api/v1/proxy/{provider}/{path…}
// (a provider's allow-listed paths, relayed). Both run the call machine like a model call.
#include "adapters/http/api_route.hpp"
#include "adapters/http/call_responses.hpp"

#include "adapters/http/router_responses.hpp"
#include "domain/ascii.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/rest/passthrough.hpp"

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
    rest_call const call{.params = &*params};
    auto const route = endpoint.route();
    auto outcome = co_await dispatch_.rest(route, call, *hints, call_context_of(c.scope));
    c.scope.record = record_of(outcome);
    co_return rest_response(outcome, c.req, c.request_id);
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
