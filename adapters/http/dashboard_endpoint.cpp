// GET /dashboard and /dashboard/{file}: the dashboard's page, script, style and Chart.js, compiled
// in. They hold no figure (the page reads the JSON APIs with the admin key the operator types),
// so they are served to anyone; the page may load its own files and call this origin only.
#include "adapters/http/api_route.hpp"

#include "adapters/http/embedded_file.hpp"
#include "adapters/http/router_responses.hpp"
#include "domain/json_checks.hpp"

namespace switchboard::adapters {
namespace {
constexpr std::string_view page_policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                         "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string_view content_type_of(std::string_view name) {
    if (name.ends_with(".html")) return "text/html; charset=utf-8";
    if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (name.ends_with(".css")) return "text/css; charset=utf-8";
    if (name.ends_with(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}
} // namespace

net::awaitable<http_response> api_router::dashboard_route(route_call& c) {
    std::string_view const name = c.param.empty() ? std::string_view("index.html") : std::string_view(c.param);
    for (auto const& file : dashboard_files()) {
        if (file.name != name) continue;
        http_response res{http::status::ok, c.req.version()};
        res.set(http::field::content_type, content_type_of(name));
        res.set(http::field::cache_control, "no-cache");
        res.set("content-security-policy", page_policy);
        res.set("x-request-id", c.request_id);
        res.body() = std::string(file.bytes);
        res.prepare_payload();
        co_return res;
    }
    co_return answer_error(domain::make_error(domain::errc::not_found, "No dashboard file is named '" +
                                                                          domain::truncate_for_message(name, 64) + "'"),
                           c.req, c.request_id);
}

} // namespace switchboard::adapters
