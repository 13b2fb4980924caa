#pragma once
// Writes a whole (not streamed) response: its hand-written head (response_head.hpp) and its
// body, two buffers in one write, taken by the socket at once when it can (write_now.hpp).
#include "adapters/http/error_response.hpp"
#include "adapters/net.hpp"

#include <boost/beast/core/tcp_stream.hpp>

namespace switchboard::adapters {

// Whether the response was written; `head_only` leaves the body out (an answer to HEAD).
net::awaitable<bool> write_whole(beast::tcp_stream& stream, http_response& response, bool head_only = false);

} // namespace switchboard::adapters
