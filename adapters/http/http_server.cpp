// Accept loop and per-connection coroutine.
#include "adapters/http/http_server.hpp"

#include "adapters/buffered_parse.hpp"
#include "adapters/http/framing.hpp"
#include "adapters/http/request_id.hpp"
#include "adapters/http/request_parser.hpp"
#include "adapters/http/response_head.hpp"
#include "adapters/http/watch_board.hpp"
#include "adapters/http/write_whole.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/write_now.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>
#include <optional>
#include <set>

namespace switchboard::adapters {
namespace {
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

struct connection_entry {
    beast::tcp_stream* stream = nullptr;
    bool busy = false;
};

// Decrements the shared in-flight count when a request's handling ends, however it ends.
struct in_flight_guard {
    std::atomic<int>& count;
    explicit in_flight_guard(std::atomic<int>& c) : count(c) {
        count.fetch_add(1, std::memory_order_relaxed);
    }
    ~in_flight_guard() { count.fetch_sub(1, std::memory_order_relaxed); }
};
} // namespace

// Shared with every connection coroutine, so a coroutine frame destroyed after the server
// object (at io_context teardown) still finds valid state.
struct http_server::state : std::enable_shared_from_this<state> {
    net::io_context& context;
    request_handler& handler;
    http_server_options options;
    std::atomic<int>& in_flight;
    connection_gate* gate;
    tcp::acceptor acceptor;
    std::set<connection_entry*> connections;
    bool draining = false;
    watch_board watches; // disconnect watches, armed only for calls that last

    state(net::io_context& c, request_handler& h, http_server_options o, std::atomic<int>& f, connection_gate* g)
        : context(c), handler(h), options(o), in_flight(f), gate(g), acceptor(c), watches(c, o.watch_after) {}

    net::awaitable<void> accept_loop();
    net::awaitable<void> serve(tcp::socket socket, std::string peer);
    net::awaitable<bool> serve_one(beast::tcp_stream& stream, beast::flat_buffer& buffer, std::string const& peer);
    // A WebSocket upgrade: the handler owns the connection until the session ends.
    net::awaitable<void> serve_upgrade(beast::tcp_stream& stream, http_request& request, std::string const& peer);
    // Whether a request was read into `request` (false: the connection ends, answered or not).
    net::awaitable<bool> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer, http_request& request);
};

namespace {
void log_failure(std::exception_ptr e, char const* what) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (std::exception const& ex) {
        log_error(what, ex.what());
    } catch (...) {
        log_error(what, "unknown exception");
    }
}

domain::gateway_error parse_error_for(boost::system::error_code ec) {
    using domain::errc;
    if (ec == http::error::header_limit)
        return domain::make_error(errc::headers_too_large, "The request header block is too large");
    if (ec == http::error::body_limit)
        return domain::make_error(errc::payload_too_large, "The request body is too large");
    return domain::make_error(errc::invalid_request, "The HTTP request is malformed");
}

bool is_quiet_close(boost::system::error_code ec) {
    return ec == beast::error::timeout || ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::operation_aborted || ec == net::error::connection_reset ||
           ec == http::error::partial_message;
}
} // namespace

http_server::http_server(net::io_context& context, request_handler& handler, http_server_options options,
                         std::atomic<int>& in_flight, connection_gate* gate)
    : state_(std::make_shared<state>(context, handler, options, in_flight, gate)) {}

http_server::~http_server() {
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
}

void http_server::start(tcp::endpoint const& endpoint) {
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.set_option(reuse_port(true));
    acceptor.bind(endpoint);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::co_spawn(state_->context, state_->accept_loop(),
                  [keep = state_](std::exception_ptr e) { log_failure(e, "accept_loop_failed"); });
}

unsigned short http_server::port() const {
    return state_->acceptor.local_endpoint().port();
}

void http_server::begin_drain() {
    state_->draining = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    for (auto* c : state_->connections)
        if (!c->busy) c->stream->cancel();
}

void http_server::close_all() {
    state_->watches.close();
    for (auto* c : state_->connections) c->stream->cancel();
}

std::uint64_t http_server::disconnect_watches_armed() const {
    return state_->watches.armed();
}

net::awaitable<void> http_server::state::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) continue; // e.g. EMFILE: keep serving the connections we have
        boost::system::error_code peer_ec;
        auto const remote = socket.remote_endpoint(peer_ec);
        std::string peer = peer_ec ? std::string() : remote.address().to_string();
        if (gate && !gate->try_admit(peer)) {
            socket.close(peer_ec); // over a connection cap: no request from it is read
            continue;
        }
        net::co_spawn(context, serve(std::move(socket), std::move(peer)), [keep = shared_from_this()](std::exception_ptr e) {
            log_failure(e, "connection_failed");
        });
    }
}

namespace {
// (Plain functions: their error codes stay off the frame of `serve`, which every open connection
// keeps.)
void set_no_delay(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
}
void shut_down_sending(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
}
} // namespace

net::awaitable<void> http_server::state::serve(tcp::socket socket, std::string peer) {
    struct gate_release {
        connection_gate* gate;
        std::string const& peer;
        ~gate_release() {
            if (gate) gate->release(peer);
        }
    } released{gate, peer};
    set_no_delay(socket);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    connection_entry entry{&stream, false};
    connections.insert(&entry);
    struct unregister {
        std::shared_ptr<state> self;
        connection_entry* entry;
        ~unregister() { self->connections.erase(entry); }
    } guard{shared_from_this(), &entry};

    bool first = true;
    while (!draining) {
        entry.busy = false;
        if (buffer.size() == 0) {
            // Waiting for the next request: the idle timeout applies (header timeout for the first).
            stream.expires_after(first ? options.header_timeout : options.idle_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
            if (ec) break;
            buffer.commit(n);
        }
        first = false;
        entry.busy = true;
        if (!co_await serve_one(stream, buffer, peer)) break;
    }
    shut_down_sending(stream.socket());
}

namespace {
// Lingering close after an error response: stop sending, then read and discard what the client
// is still sending (bounded in bytes and time). Closing with unread input would make the kernel
// send a reset, which can destroy the error response before the client reads it.
net::awaitable<void> linger(beast::tcp_stream& stream) {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.expires_after(std::chrono::seconds(2));
    char scratch[16 * 1024];
    std::size_t discarded = 0;
    while (discarded < (64u << 20)) {
        auto [ec, n] = co_await stream.async_read_some(net::buffer(scratch), use_tuple);
        if (ec) break;
        discarded += n;
    }
}
} // namespace

namespace {
// What the header block says about the request's framing that Beast accepts but this server must
// not: Transfer-Encoding other than exactly "chunked" (400, or 501 for a coding it does not
// implement) and, on HTTP/1.1, a Host header missing or repeated (RFC 9112 §3.2: 400).
std::optional<domain::gateway_error> framing_refusal(http_request const& h) {
    using domain::errc;
    std::string codings;
    for (auto const& field : h) {
        if (field.name() != http::field::transfer_encoding) continue;
        if (!codings.empty()) codings += ',';
        codings += field.value();
    }
    if (!codings.empty() || h.count(http::field::transfer_encoding) > 0) {
        switch (check_transfer_codings(codings)) {
        case transfer_codings::chunked:
            break;
        case transfer_codings::malformed:
            return domain::make_error(errc::invalid_request, "The request's Transfer-Encoding must be exactly chunked");
        case transfer_codings::unsupported:
            return domain::make_error(errc::not_implemented,
                                      "The request's Transfer-Encoding names a coding this server does not implement");
        }
    }
    auto const hosts = h.count(http::field::host);
    if (hosts > 1 || (hosts == 0 && h.version() >= 11))
        return domain::make_error(errc::invalid_request, "The request must carry exactly one Host header");
    return std::nullopt;
}

// Reads until the raw header block is whole, for what the parser would accept silently (an
// obs-fold: bad_value). Returns at once on a block too large or ended by bare LFs: the parser
// refuses those itself.
net::awaitable<boost::system::error_code> pre_scan_header(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                          std::size_t max_header_bytes) {
    for (;;) {
        std::string_view const data(static_cast<char const*>(buffer.data().data()), buffer.size());
        auto const end = data.find("\r\n\r\n");
        if (end != std::string_view::npos)
            co_return has_obs_fold(data.substr(0, end + 2)) ? boost::system::error_code(http::error::bad_value)
                                                            : boost::system::error_code{};
        if (data.size() > max_header_bytes || data.find("\n\n") != std::string_view::npos)
            co_return boost::system::error_code{};
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
        if (ec) co_return ec;
        buffer.commit(n);
    }
}

// Reads a chunked body, its framing checked byte by byte as it arrives (chunked_body_scan) so a
// malformed size or trailer line is refused at once instead of waiting for the body timeout.
net::awaitable<boost::system::error_code> read_chunked_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                            request_parser& parser) {
    chunked_body_scan scan;
    auto bytes = [&](std::size_t from) {
        return std::string_view(static_cast<char const*>(buffer.data().data()) + from, buffer.size() - from);
    };
    auto verdict = scan.feed(bytes(0));
    for (;;) {
        if (verdict == chunked_body_scan::verdict::bad) co_return http::error::bad_chunk;
        while (buffer.size() > 0 && !parser.is_done()) {
            boost::system::error_code ec;
            auto const used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec == http::error::need_more) break;
            if (ec) co_return ec;
            if (used == 0) break;
        }
        if (parser.is_done()) co_return boost::system::error_code{};
        auto const before = buffer.size();
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(16 * 1024), use_tuple);
        if (ec) co_return ec == net::error::eof ? boost::system::error_code(http::error::partial_message) : ec;
        buffer.commit(n);
        if (verdict == chunked_body_scan::verdict::more) verdict = scan.feed(bytes(before));
    }
}

// The chunked body writer behind request_context::stream; its disconnect watch is armed by the
// board once the call has lasted (watch_board.hpp).
class chunked_writer final : public response_stream, public deferred_watch {
  public:
    chunked_writer(beast::tcp_stream& stream, request_handler& handler, watch_board& watches,
                   std::chrono::milliseconds write_timeout, unsigned version, bool keep_alive)
        : stream_(stream), handler_(handler), watches_(watches), write_timeout_(write_timeout), version_(version),
          keep_alive_(keep_alive) {}

    net::awaitable<bool> open(http_response head) override {
        if (opened_) co_return !failed_;
        opened_ = true;
        handler_.decorate(head);
        head.version(version_);
        head.body().clear();
        head.keep_alive(keep_alive_);
        head.chunked(true);
        held_ = response_head(head);
        co_return true;
    }

    void hold(std::string data) override {
        if (failed_ || !opened_ || finished_ || data.empty()) return; // an empty chunk would end the body
        append_chunk(data);
    }

    net::awaitable<bool> send(std::string data) override {
        if (failed_ || !opened_ || finished_) co_return false;
        if (!data.empty()) append_chunk(data); // an empty chunk would end the body
        co_return co_await write_held();
    }

    net::awaitable<bool> finish() override {
        if (failed_ || !opened_ || finished_) co_return false;
        finished_ = true;
        held_ += "0\r\n\r\n";
        co_return co_await write_held();
    }

    bool opened() const override { return opened_; }

    // The slot a disconnect is emitted on. The watch behind it is enlisted, not armed: the board
    // arms it if the call is still running a moment later.
    net::cancellation_slot client_gone() override {
        if (!alive_ && !watch_ended_) watches_.enlist(*this);
        return gone_.slot();
    }

    void arm() override { watch_disconnect(); }

    ~chunked_writer() override { stop_watching(); }

    // Ends the disconnect watch, enlisted or running: called as soon as the handler returns,
    // before the response is written — a client that reads the answer and sends its next request
    // at once would otherwise wake the watch (a peek per request) while the answer is on its way.
    void stop_watching() {
        watch_ended_ = true;
        watches_.withdraw(*this);
        if (!alive_ || !*alive_) return;
        *alive_ = false;
        boost::system::error_code ignored;
        stream_.socket().cancel(ignored); // only the disconnect wait is pending at this point
    }

    // Whether the connection may serve another request after this stream.
    bool reusable() const { return opened_ && finished_ && !failed_ && keep_alive_; }

  private:
    // Waits for the socket to become readable while the handler runs: either the peer closed
    // (a zero-byte peek) or it sent more (a pipelined request: it is still there). Nothing is
    // consumed. The completion may run after this writer is gone: it checks `alive` first.
    void watch_disconnect() {
        alive_ = std::make_shared<bool>(true);
        auto& socket = stream_.socket();
        socket.async_wait(tcp::socket::wait_read, [alive = alive_, &socket, this](boost::system::error_code ec) {
            if (!*alive || ec) return; // the request ended first (the wait was cancelled)
            char c;
            auto const n = ::recv(socket.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) gone_.emit(net::cancellation_type::terminal);
        });
    }

    void append_chunk(std::string_view data) {
        char size[20];
        auto const end = std::to_chars(size, size + sizeof size, data.size(), 16).ptr;
        held_.append(size, end);
        held_ += "\r\n";
        held_ += data;
        held_ += "\r\n";
    }

    net::awaitable<bool> write_held() {
        if (held_.empty()) co_return true;
        std::string bytes;
        bytes.swap(held_);
        auto const sent = write_now(stream_.socket(), std::array{net::const_buffer(bytes.data(), bytes.size())});
        if (sent == bytes.size()) co_return true; // no scheduler turn for an event the socket took
        stream_.expires_after(write_timeout_);
        auto [ec, n] = co_await net::async_write(stream_, net::buffer(bytes.data() + sent, bytes.size() - sent), use_tuple);
        failed_ = static_cast<bool>(ec);
        co_return !failed_;
    }

    beast::tcp_stream& stream_;
    request_handler& handler_;
    watch_board& watches_;
    std::chrono::milliseconds write_timeout_;
    unsigned version_;
    // (The flags together: a stream keeps its writer for as long as it streams.)
    bool watch_ended_ = false; // the request ended: no watch is started any more
    bool keep_alive_;
    bool opened_ = false;
    bool finished_ = false;
    bool failed_ = false;
    std::string held_; // written with the next send() or finish(): the head, held chunks
    net::cancellation_signal gone_; // emitted when the client closes its side
    std::shared_ptr<bool> alive_;   // set once the disconnect is watched; false once this writer is gone
};
} // namespace

// Reads one request: its head (checked before the parser sees it), then its body. Nothing when
// the connection ends here: the peer left, or an error was answered (then the close lingers).
// A coroutine of its own: the parser and the error paths' locals are gone before the request is
// served, not kept in the frame of a call that may stream for minutes.
net::awaitable<bool> http_server::state::read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                      http_request& request) {
    request_parser parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);

    auto reject_with = [&](domain::gateway_error error) -> net::awaitable<bool> {
        auto res = error_response(error, accept_or_generate_request_id({}), 11, false);
        handler.decorate(res);
        stream.expires_after(options.write_timeout);
        if (co_await write_whole(stream, res, false)) co_await linger(stream);
        co_return false;
    };
    auto reject = [&](boost::system::error_code ec) -> net::awaitable<bool> {
        if (is_quiet_close(ec)) co_return false;
        co_return co_await reject_with(parse_error_for(ec));
    };

    stream.expires_after(options.header_timeout);
    if (auto ec = co_await pre_scan_header(stream, buffer, options.max_header_bytes)) co_return co_await reject(ec);
    // The header is buffered whole after the pre-scan (but for a block it refuses): parsed here,
    // read only if it is not (parse_buffered explains why).
    if (auto ec = parse_buffered(parser, buffer, parse_goal::header)) co_return co_await reject(ec);
    if (!parser.is_header_done()) {
        auto [header_ec, header_n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        if (header_ec) co_return co_await reject(header_ec);
    }
    if (auto refusal = framing_refusal(parser.get())) co_return co_await reject_with(*refusal);

    auto const& header = parser.get();
    if (auto expect = header[http::field::expect]; beast::iequals(expect, "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, header.version()};
        stream.expires_after(options.write_timeout);
        auto [ec, n] = co_await http::async_write(stream, cont, use_tuple);
        if (ec) co_return false;
    }
    stream.expires_after(options.body_timeout);
    if (parser.chunked()) {
        if (auto ec = co_await read_chunked_body(stream, buffer, parser)) co_return co_await reject(ec);
    } else {
        if (auto ec = parse_buffered(parser, buffer, parse_goal::message)) co_return co_await reject(ec);
        if (!parser.is_done()) {
            auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, use_tuple);
            if (body_ec) co_return co_await reject(body_ec);
        }
    }
    request = parser.release();
    co_return true;
}

// A coroutine of its own: its locals are not kept in the frame of every request's serve_one.
net::awaitable<void> http_server::state::serve_upgrade(beast::tcp_stream& stream, http_request& request,
                                                      std::string const& peer) {
    request_context const context{accept_or_generate_request_id(request["x-request-id"]), peer, nullptr};
    stream.expires_never();
    co_await handler.serve_upgrade(std::move(request), context, std::move(stream));
}

// Reads, handles and answers one request. Returns whether the connection stays open. (A stream
// keeps this frame for as long as it streams: the rare paths' locals are in coroutines of their
// own.)
net::awaitable<bool> http_server::state::serve_one(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                   std::string const& peer) {
    in_flight_guard counted(in_flight);
    http_request request;
    if (!co_await read_request(stream, buffer, request)) co_return false;
    // The read buffer is let go while the request is served: a stream holds its connection for
    // seconds or minutes (memory per open stream); the next read takes a new one. Kept when it
    // holds the start of a pipelined request.
    if (buffer.size() == 0) buffer.shrink_to_fit();
    if (handler.serves_upgrade(request)) {
        co_await serve_upgrade(stream, request, peer);
        co_return false;
    }
    chunked_writer streamed(stream, handler, watches, options.write_timeout, request.version(),
                            request.keep_alive() && !draining);
    request_context const context{accept_or_generate_request_id(request["x-request-id"]), peer, &streamed};
    std::string const& request_id = context.request_id;
    http_response response;
    std::exception_ptr failure;
    try {
        co_await handler.handle(request, context, response);
    } catch (...) {
        failure = std::current_exception();
    }
    streamed.stop_watching();
    if (streamed.opened()) {
        if (failure) log_failure(failure, "request_failed"); // mid-stream: the body just ends
        co_return streamed.reusable() && !draining;
    }
    if (failure) {
        log_failure(failure, "request_failed");
        response = error_response(domain::make_error(domain::errc::internal_error, "Internal server error"),
                                  request_id, request.version(), false);
    }
    handler.decorate(response);
    compress_response(request, response, options.compression);
    bool const keep_alive = request.keep_alive() && response.keep_alive() && !draining;
    response.keep_alive(keep_alive);
    stream.expires_after(options.write_timeout);
    // HEAD: the head a GET would have (its Content-Length included), without the body.
    bool const written = co_await write_whole(stream, response, request.method() == http::verb::head);
    co_return written && keep_alive;
}

} // namespace switchboard::adapters
