#pragma once
// CORS for browser frontends: an allow-list of origins (exact "https://app.example.com", or
// "*"). A preflight (OPTIONS with Origin and Access-Control-Request-Method) from an allowed
// origin for GET/POST answers 204 with the allowed method and the requested headers, cached for
// `max_age`; from any other origin, or for another method, 403 `forbidden` without CORS
// headers. Actual requests from an allowed origin get Access-Control-Allow-Origin and the
// response headers a client may read (x-request-id, x-switchboard-*, rate-limit headers);
// others are served without them, so the browser withholds the answer. No credentials
// (cookies) are involved: callers send Authorization, which the preflight allows.
#include "adapters/http/request_handler.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace switchboard::adapters {

struct cors_policy {
    std::vector<std::string> allow_origins; // empty: no cross-origin access
    std::chrono::seconds max_age{600};

    bool allows(std::string_view origin) const;
};

bool is_preflight(http_request const& request);
// 204 or 403 for a preflight.
http_response preflight_response(http_request const& request, cors_policy const& policy,
                                 std::string const& request_id);
// On an actual request's response.
void add_cors_headers(http_response& response, http_request const& request, cors_policy const& policy);

} // namespace switchboard::adapters
