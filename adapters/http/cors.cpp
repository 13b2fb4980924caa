// CORS preflight and response headers.
#include "adapters/http/cors.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>

namespace switchboard::adapters {
namespace {
constexpr char const* exposed =
    "x-request-id, x-switchboard-provider, x-switchboard-model, x-switchboard-attempts, x-switchboard-tier, "
    "x-switchboard-mode, x-switchboard-cost-usd, retry-after, x-ratelimit-limit, x-ratelimit-remaining, "
    "x-ratelimit-reset, ratelimit, ratelimit-policy, deprecation, sunset, link";

void allow_origin(http_response& res, std::string_view origin, cors_policy const& policy) {
    bool const any = std::find(policy.allow_origins.begin(), policy.allow_origins.end(), "*") !=
                     policy.allow_origins.end();
    res.set(http::field::access_control_allow_origin, any ? std::string_view("*") : origin);
    if (!any) res.set(http::field::vary, "Origin");
}
} // namespace

bool cors_policy::allows(std::string_view origin) const {
    if (origin.empty()) return false;
    return std::any_of(allow_origins.begin(), allow_origins.end(),
                       [&](std::string const& o) { return o == "*" || beast::iequals(o, origin); });
}

bool is_preflight(http_request const& req) {
    return req.method() == http::verb::options && !req[http::field::origin].empty() &&
           !req[http::field::access_control_request_method].empty();
}

http_response preflight_response(http_request const& req, cors_policy const& policy, std::string const& request_id) {
    auto const origin = req[http::field::origin];
    auto const method = req[http::field::access_control_request_method];
    bool const method_ok = method == "GET" || method == "POST";
    if (!policy.allows(origin) || !method_ok) {
        auto const why = !policy.allows(origin)
                             ? "Cross-origin requests from this origin are not allowed"
                             : "Cross-origin requests may use GET or POST only";
        return error_response(domain::make_error(domain::errc::forbidden, why), request_id, req.version(),
                              req.keep_alive(), preferred_language(req[http::field::accept_language]));
    }
    http_response res{http::status::no_content, req.version()};
    allow_origin(res, origin, policy);
    res.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
    if (auto headers = req[http::field::access_control_request_headers]; !headers.empty())
        res.set(http::field::access_control_allow_headers, headers);
    res.set(http::field::access_control_max_age, std::to_string(policy.max_age.count()));
    res.set("x-request-id", request_id);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

void add_cors_headers(http_response& res, http_request const& req, cors_policy const& policy) {
    auto const origin = req[http::field::origin];
    if (!policy.allows(origin)) return;
    allow_origin(res, origin, policy);
    res.set(http::field::access_control_expose_headers, exposed);
}

} // namespace switchboard::adapters
