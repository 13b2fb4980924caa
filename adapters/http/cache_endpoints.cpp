// POST /api/v1/cache/clear (admin; /api/cache/clear for seed 001's frontends): drops the cached
// answers of a namespace (a tenant's, with the namespaces its clients named under it), of a tag,
// of both, or every one. Body {"namespace"?, "tag"?} → {"object":"cache.clear","cleared":N}.
#include "adapters/http/api_route.hpp"

#include "adapters/cache/cache_store.hpp"
#include "adapters/cache/response_cache.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/store/store_error.hpp"
#include "domain/auth/key_record.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
// An optional name: a tag, or a namespace (a tenant's, or a namespace under it: "acme/step_1").
std::optional<domain::gateway_error> read_label(json::object const& body, std::string_view name, std::string& out) {
    auto const* v = body.if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    bool valid = v->is_string() && !v->as_string().empty() && v->as_string().size() <= 130;
    if (valid) {
        std::string_view const text = v->as_string();
        auto const slash = name == "namespace" ? text.find('/') : std::string_view::npos;
        valid = domain::valid_tenant_name(text.substr(0, slash)) &&
                (slash == std::string_view::npos || domain::valid_tenant_name(text.substr(slash + 1)));
    }
    if (!valid)
        return domain::make_error(domain::errc::invalid_request,
                                  std::string(name) + " must be a name of 1 to 64 letters, digits, '-', '_', '.' or ':'" +
                                      (name == "namespace" ? " (or two, joined by '/')" : ""),
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
    std::size_t cleared = services_.cache ? services_.cache->clear(cache_namespace, tag) : 0;
    if (services_.shared_cache) {
        // The other instances clear their memory from the shared store's log of clears.
        cache_clearing what{cache_namespace, tag};
        try {
            cleared += co_await services_.shared_cache->clear(what);
        } catch (store_unavailable const&) {
            co_return answer_error(domain::make_error(domain::errc::store_unavailable,
                                                      "This instance's cache was cleared, but the shared cache "
                                                      "could not be reached: try again"),
                                   c.req, c.request_id);
        }
    }
    json::object out{{"object", "cache.clear"}, {"cleared", cleared}};
    if (!cache_namespace.empty()) out["namespace"] = cache_namespace;
    if (!tag.empty()) out["tag"] = tag;
    co_return json_response(http::status::ok, json::serialize(out), c.req, c.request_id);
}

} // namespace switchboard::adapters
