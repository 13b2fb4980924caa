#pragma once
// What the HTTP server calls for each complete request. Implementations return a response for
// every request (errors included) and may throw only on bugs; the server turns an exception
// into a generic 500 and logs it.
#include "adapters/http/error_response.hpp"
#include "adapters/net.hpp"

#include <string>

namespace switchboard::adapters {

using http_request = http::request<http::string_body>;

struct request_context {
    std::string request_id;
    std::string peer; // the socket's remote address ("203.0.113.7", "::1")
};

class request_handler {
  public:
    virtual ~request_handler() = default;
    virtual net::awaitable<http_response> handle(http_request& request, request_context const& context) = 0;
    // Adds headers every response carries, including the server's own error responses.
    virtual void decorate(http_response&) const {}
};

} // namespace switchboard::adapters
