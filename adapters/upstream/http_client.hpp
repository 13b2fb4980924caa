#pragma once
// An HTTP/1.1 client for one upstream origin, owned by one core.
//
// Keeps a pool of idle keep-alive connections (plain TCP or TLS with certificate verification
// against the system store and SNI), optionally topped up ahead of demand (`preconnect`).
// Resolution is asynchronous. Every step — resolve, connect,
// handshake, write, read — is bounded by the caller's deadline.
//
// Errors: transport failures are values (`transport_failure`); an HTTP error status is a normal
// response. A request that fails on a reused connection before any response byte arrived is
// retried once on a fresh connection (the server closed an idle connection we were about to use),
// which cannot duplicate work the server did. Not thread-safe: one instance per core.
//
// A connection goes back to the pool only when its response ended exactly where HTTP framed it
// with nothing more already read, and is taken from the pool only if nothing (bytes or a close)
// arrived while it was idle: a connection one response ahead would hand the next caller —
// possibly another tenant — the previous caller's answer.

#include "adapters/net.hpp"
#include "adapters/upstream/origin.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace switchboard::adapters {

struct upstream_request {
    std::string method = "POST";
    std::string target; // path and query, e.g. "/v1/chat/completions"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct upstream_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers; // lower-case names
    std::string body;
    std::string_view header(std::string_view lower_name) const;
};

// bad_response: the response could not be read as one HTTP message within the limits (larger
// than max_response_bytes, malformed framing, interim responses without end).
// cancelled: the caller's cancellation slot (Asio per-operation cancellation) aborted the pending
// operation; the connection is dropped, never pooled, and the exchange is not retried.
enum class transport_failure { connect_failed, reset, timeout, bad_response, cancelled };

// Receives a streamed response (send_streaming): the header block once, then the body bytes as
// they arrive (chunked encoding removed; `bytes` is valid until on_body completes). Either callback may stop the exchange by returning
// false; the connection is then closed, never reused.
class upstream_stream_reader {
  public:
    virtual ~upstream_stream_reader() = default;
    virtual bool on_head(int status, std::vector<std::pair<std::string, std::string>> const& headers) = 0;
    virtual net::awaitable<bool> on_body(std::string_view bytes) = 0;
    // The deadline of the next body read, asked before each one (time to first token, then the
    // idle gap between chunks). Its expiry is a `timeout`.
    virtual std::chrono::steady_clock::time_point next_read_deadline() = 0;
};

enum class stream_end {
    complete, // the response ended as HTTP frames it (last chunk, length reached, or close)
    stopped   // a reader callback returned false
};

struct http_client_options {
    std::chrono::milliseconds connect_timeout{5000};
    // Time from sending the request to the response's header block; 0: bounded only by the
    // caller's deadline.
    std::chrono::milliseconds response_headers_timeout{0};
    // Per origin and core. Above the concurrency a core sees, every extra request would pay a
    // connect and a close (measured: at 64 concurrent requests a pool of 32 cost ~15 % of the CPU).
    std::size_t max_idle_connections = 256;
    std::chrono::seconds idle_ttl{30}; // idle connections older than this are not reused
    // Spare connections kept connected ahead of demand (Envoy's preconnect): each time a response
    // head comes in, connects start in the background until this many are idle or under way, so
    // the next request finds one ready instead of paying the connect (and TLS handshake) on its
    // path — the time to first token of a burst, or of an upstream that closes after each answer.
    // An idle connection counts as a spare until a request finds it closed (the check costs a
    // system call, made only when one is taken). No spares are made for an exchange that began
    // more than `idle_ttl` after the one before: they would expire unused. 0: connect only on demand.
    std::size_t preconnect = 0;
    std::size_t max_response_bytes = 16u << 20; // upstream.max_response_bytes in the config
    // A host name is connected to only at the public addresses it resolves to (address_policy.hpp):
    // REST providers declared by name. An address literal is taken as declared.
    bool public_addresses_only = false;
};

class http_client {
  public:
    http_client(net::any_io_executor executor, net::ssl::context& tls, origin where,
                http_client_options options);
    ~http_client();
    http_client(http_client const&) = delete;
    http_client& operator=(http_client const&) = delete;

    // `cancel`: the caller's cancellation slot, bound to each operation of the exchange in turn
    // (connect, handshake, write, reads); a terminal cancellation ends it as `cancelled`.
    net::awaitable<boost::system::result<upstream_response, transport_failure>>
    send(upstream_request const& request, std::chrono::steady_clock::time_point deadline,
         net::cancellation_slot cancel = {});

    // The same exchange with the body handed to `reader` as it arrives. `deadline` bounds the
    // connect, the write and the header block; each body read is bounded by the reader's
    // next_read_deadline(). A body cut before its end is a `reset`. The request is taken, and let
    // go once the response head is in: a stream does not keep it for its whole life.
    net::awaitable<boost::system::result<stream_end, transport_failure>>
    send_streaming(std::unique_ptr<upstream_request> request, std::chrono::steady_clock::time_point deadline,
                   upstream_stream_reader& reader, net::cancellation_slot cancel = {});

    origin const& where() const;
    std::size_t idle_connections() const;

  private:
    struct connection;
    // What a connect needs and the idle connections, shared with the connects started ahead of
    // demand: one that ends after its client is gone leaves its connection to be freed with it.
    struct shared;
    struct wire_request; // the serialised request (kept out of this header)
    wire_request build(upstream_request const& request) const;
    // A pooled connection (or a new one) with `request` written on it; `reused` tells which.
    net::awaitable<boost::system::result<std::unique_ptr<connection>, transport_failure>>
    open_exchange(wire_request& request, std::chrono::steady_clock::time_point deadline, bool& reused,
                  net::cancellation_slot cancel);
    // Notes that an exchange begins; true when the one before began within `idle_ttl`, that is
    // when a spare made now would be taken before it expires.
    bool begin_exchange();
    // Starts background connects until `preconnect` connections are idle or under way — unless
    // spares would expire unused (a provider called less often than `idle_ttl`).
    void top_up(bool spares_get_used);

    std::shared_ptr<shared> shared_;
};

} // namespace switchboard::adapters
