#pragma once
// What the HTTP server calls for each complete request. Implementations return a response for
// every request (errors included) and may throw only on bugs; the server turns an exception
// into a generic 500 and logs it.
#include "adapters/http/error_response.hpp"
#include "adapters/net.hpp"

#include <boost/beast/core/tcp_stream.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <string>
#include <string_view>

namespace switchboard::adapters {

// A client's request: its fields our list (header_fields.hpp), read by request_parser.
using http_request = http::request<http::string_body, header_fields>;

// Lets a handler answer with a streamed body (SSE) instead of a whole response. open() sends
// the status line and headers (chunked; the server adds its own headers as for any response),
// send() writes one chunk and returns once it is on the wire — a slow reader slows the sender,
// nothing piles up — and finish() ends the body. Each returns false once the client is gone
// (or the write timeout passed). When a handler opened the stream, the response it returns is
// only read for its status (logs, metrics), never sent.
class response_stream {
  public:
    virtual ~response_stream() = default;
    // The head is held and written with the first send() or finish(): a stream's head is of
    // no use to its client without an event, and one write wakes the client once, not twice.
    virtual net::awaitable<bool> open(http_response head) = 0;
    // Writes `data` as one chunk, after whatever is held (the head, held chunks), in one write.
    virtual net::awaitable<bool> send(std::string data) = 0;
    // Frames `data` as a chunk and holds it until the next send() or finish().
    virtual void hold(std::string data) = 0;
    virtual net::awaitable<bool> finish() = 0;
    virtual bool opened() const = 0;
    // A slot that is emitted (terminal cancellation, once, on this core) if the client closes its
    // side while the handler runs — bound to the dispatch, it stops a long upstream call at once,
    // not at its next write. The watch starts with the first call (a request that never asks
    // pays nothing); it ends with the request.
    virtual net::cancellation_slot client_gone() = 0;
};

struct request_context {
    std::string request_id;
    std::string_view peer; // the socket's remote address ("203.0.113.7", "::1"): its connection's
    response_stream* stream = nullptr; // null where streaming is not possible
};

class request_handler {
  public:
    virtual ~request_handler() = default;
    // Answers `request` into `response` (the caller's). Not returned: a streamed answer keeps every
    // frame on its path for as long as it streams, and a returned response would be held twice in
    // each (the callee's promise, the caller's temporary).
    virtual net::awaitable<void> handle(http_request& request, request_context const& context,
                                        http_response& response) = 0;
    // A WebSocket upgrade request this handler serves: it takes the connection over (the
    // handshake included) and returns when the session ends. Others get the usual 404/405.
    virtual bool serves_upgrade(http_request const&) const { return false; }
    virtual net::awaitable<void> serve_upgrade(http_request request, request_context const& context,
                                               beast::tcp_stream stream);
    // Adds headers every response carries, including the server's own error responses.
    virtual void decorate(http_response&) const {}
};

inline net::awaitable<void> request_handler::serve_upgrade(http_request, request_context const&, beast::tcp_stream) {
    co_return;
}

} // namespace switchboard::adapters
