#pragma once
// The inbound HTTP/1.1 server of one core: an SO_REUSEPORT acceptor on that core's io_context
// and one coroutine per connection (keep-alive, pipelined requests served in order).
//
// Limits: header block over `max_header_bytes` → 431, body over `max_body_bytes` → 413, a
// malformed request → 400; each closes the connection. Timeouts: the first request's header
// must arrive within `header_timeout`, later ones may idle for `idle_timeout` before their first
// byte; a body must arrive within `body_timeout`; a response must be written within
// `write_timeout`. Timed-out connections are closed without a response. A connection the
// `connection_gate` refuses (too many open, in total or from its address) is closed at once.
//
// Thread safety: every member function must run on the server's io_context thread (post to it).
// `in_flight` counts requests being served across all cores (read by the shutdown logic).

#include "adapters/http/connection_gate.hpp"
#include "adapters/http/request_handler.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "adapters/http/compression.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace switchboard::adapters {

struct http_server_options {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 8u << 20;
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{30'000};
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds write_timeout{30'000};
    compression_options compression; // gzip for whole responses the client takes it for
    // A call still running after this long (up to twice this) gets its disconnect watch: a
    // client that leaves it cancels the upstream call. Shorter calls are never watched (a system
    // call per request saved; watch_board.hpp).
    std::chrono::milliseconds watch_after{50};
};

class http_server {
  public:
    // `gate`: connection caps shared by every core (null: none).
    http_server(net::io_context& context, request_handler& handler, http_server_options options,
                std::atomic<int>& in_flight, connection_gate* gate = nullptr);
    ~http_server();

    // Binds (SO_REUSEPORT, so every core binds the same port) and starts accepting.
    // Throws boost::system::system_error when the address cannot be bound.
    void start(net::ip::tcp::endpoint const& endpoint);
    unsigned short port() const;

    // Stops accepting and closes idle keep-alive connections; busy connections finish their
    // current response (sent with Connection: close) and then close.
    void begin_drain();
    // Cancels every remaining connection (grace period over).
    void close_all();
    // Disconnect watches armed since start (calls that outlasted watch_after).
    std::uint64_t disconnect_watches_armed() const;

  private:
    struct state;
    std::shared_ptr<state> state_;
};

} // namespace switchboard::adapters
