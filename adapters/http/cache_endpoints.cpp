// POST /api/v1/cache/clear (admin; /api/cache/clear for seed 001's frontends): drops the cached
// answers of a namespace (a tenant's, with the namespaces its clients named under it), of a tag,
// of both, or every one. Body {"namespace"?, "tag"?} → {"object":"cache.clear","cleared":N}.
#include "adapters/http/api_route.hpp"

#include "adapters/cache/response_cache.hpp"
#include "adapters/http/router_responses.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
// An optional string field of at most 130 characters (a tenant and a namespace under it).
std::optional<domain::gateway_error> read_label(json::object const& body, std::string_view name, std::string& out) {
    auto const* v = body.if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > 130)
        return domain::make_error(domain::errc::invalid_request,
                                  std::string(name) + " must be a non-empty string of at most 130 characters",
                                  std::string(name));
    out = std::string(v->as_string());
    return std::nullopt;
}
} // namespace

net::awaitable<http_response> api_router::cache_clear_route(route_call& c) {
    auto body = admin_body(c.req);
    if (!body) co_return answer_error(body.error(), c.req, c.request_id);
    if (!body->is_object())
        co_return answer_error(domain::make_error(domain::errc::invalid_request, "The body must be a JSON object"),
                               c.req, c.request_id);
    auto const& fields = body->as_object();
    for (auto const& kv : fields)
        if (kv.key() != "namespace" && kv.key() != "tag")
            co_return answer_error(domain::make_error(domain::errc::invalid_request,
                                                      "Only namespace and tag may be given", std::string(kv.key())),
                                   c.req, c.request_id);
    std::string cache_namespace, tag;
    if (auto bad = read_label(fields, "namespace", cache_namespace)) co_return answer_error(*bad, c.req, c.request_id);
    if (auto bad = read_label(fields, "tag", tag)) co_return answer_error(*bad, c.req, c.request_id);
    std::size_t const cleared = services_.cache ? services_.cache->clear(cache_namespace, tag) : 0;
    json::object out{{"object", "cache.clear"}, {"cleared", cleared}};
    if (!cache_namespace.empty()) out["namespace"] = cache_namespace;
    if (!tag.empty()) out["tag"] = tag;
    co_return json_response(http::status::ok, json::serialize(out), c.req, c.request_id);
}

} // namespace switchboard::adapters
