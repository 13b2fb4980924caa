// Upstream HTTP/1.1 client: pooled keep-alive connections, TLS, deadlines on every step.
#include "adapters/upstream/http_client.hpp"

#include "adapters/buffered_parse.hpp"
#include "adapters/upstream/address_policy.hpp"
#include "adapters/upstream/upstream_parser.hpp"
#include "adapters/write_now.hpp"
#include "domain/ascii.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <boost/asio/bind_cancellation_slot.hpp>

#include <limits>
#include <optional>
#include <variant>

namespace switchboard::adapters {
namespace {
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// The caller's cancellation slot bound to one operation (Asio per-operation cancellation): a
// terminal cancellation aborts it with operation_aborted.
auto cancellable(net::cancellation_slot cancel) {
    return net::bind_cancellation_slot(cancel, use_tuple);
}

clock::duration remaining(clock::time_point deadline) {
    return std::max(clock::duration::zero(), deadline - clock::now());
}

// Whether an idle connection received anything (bytes or a close) while it sat in the pool: a
// non-blocking peek that finds nothing to read is the only state in which it may be reused.
bool quiet_while_idle(tcp::socket& socket) {
    char c;
    auto const n = ::recv(socket.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// A streamed body is handed on as it arrives, never held whole: its length is bounded by the
// caller's deadlines (and each event by the SSE reader), not by max_response_bytes.
constexpr std::size_t unbounded_stream_body = std::numeric_limits<std::size_t>::max();

// A response read that failed: a cut (the peer closed or reset mid-message) is a `reset`; a
// message HTTP cannot frame, or one over the configured limits, is a `bad_response`; a read the
// caller's cancellation aborted is `cancelled`.
transport_failure read_failure(boost::system::error_code ec) {
    if (ec == net::error::operation_aborted) return transport_failure::cancelled;
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return transport_failure::reset;
    if (ec.category() == http::make_error_code(http::error::body_limit).category())
        return transport_failure::bad_response;
    return transport_failure::reset;
}
} // namespace

std::string_view upstream_response::header(std::string_view lower_name) const {
    for (auto const& [k, v] : headers)
        if (k == lower_name) return v;
    return {};
}

struct http_client::connection {
    std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    clock::time_point idle_since{};

    beast::tcp_stream& tcp() {
        return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream);
    }
};

struct http_client::shared {
    net::any_io_executor executor;
    net::ssl::context& tls; // the runtime's: outlives the cores' io_contexts and what they hold
    origin where;
    http_client_options options;
    std::vector<std::unique_ptr<connection>> idle;
    std::size_t connecting = 0;    // background connects under way
    clock::time_point last_exchange{}; // when the latest exchange began

    net::awaitable<boost::system::result<std::unique_ptr<connection>, transport_failure>>
    connect(clock::time_point deadline, net::cancellation_slot cancel);
    void keep_idle(std::unique_ptr<connection> conn);
    // One background connect; its frame holds `self`, so it may outlive the client.
    static net::awaitable<void> preconnect(std::shared_ptr<shared> self);
};

http_client::http_client(net::any_io_executor executor, net::ssl::context& tls, origin where,
                         http_client_options options)
    : shared_(std::make_shared<shared>(shared{std::move(executor), tls, std::move(where), options, {}, 0})) {}

http_client::~http_client() = default;

origin const& http_client::where() const {
    return shared_->where;
}

std::size_t http_client::idle_connections() const {
    return shared_->idle.size();
}

net::awaitable<void> http_client::shared::preconnect(std::shared_ptr<shared> self) {
    co_await net::post(self->executor, net::use_awaitable); // after the exchange that asked moved on
    auto connected = co_await self->connect(clock::now() + self->options.connect_timeout, {});
    --self->connecting;
    if (connected) self->keep_idle(std::move(*connected));
}

bool http_client::begin_exchange() {
    auto const now = clock::now();
    auto const previous = std::exchange(shared_->last_exchange, now);
    return previous != clock::time_point{} && now - previous <= shared_->options.idle_ttl;
}

// Called once an exchange's response head is in: the connects it starts keep off the request's
// path at both ends (measured: started with the request, the upstream accepted the spare while
// it should have been reading the request, and the time to first token did not move).
void http_client::top_up(bool spares_get_used) {
    auto& s = *shared_;
    if (!spares_get_used) return;
    while (s.idle.size() + s.connecting < s.options.preconnect) {
        ++s.connecting;
        net::co_spawn(s.executor, shared::preconnect(shared_), net::detached);
    }
}

net::awaitable<boost::system::result<std::unique_ptr<http_client::connection>, transport_failure>>
http_client::shared::connect(clock::time_point deadline, net::cancellation_slot cancel) {
    using namespace net::experimental::awaitable_operators;
    auto const connect_deadline = std::min(deadline, clock::now() + options.connect_timeout);
    bool const deadline_is_request = connect_deadline == deadline;
    auto const expired = deadline_is_request ? transport_failure::timeout : transport_failure::connect_failed;

    // An address literal needs no resolver (a thread hop per connection); a name is resolved
    // asynchronously, raced against a timer (the resolver has no expiry of its own).
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code literal_ec;
    auto const literal = net::ip::make_address(where.host, literal_ec);
    if (!literal_ec) {
        endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoi(where.port)));
    } else {
        tcp::resolver resolver(executor);
        net::steady_timer timer(executor, remaining(connect_deadline));
        auto raced = co_await (resolver.async_resolve(where.host, where.port, use_tuple) ||
                               timer.async_wait(use_tuple));
        if (raced.index() == 1) co_return expired;
        auto [resolve_ec, resolved] = std::get<0>(raced);
        if (resolve_ec) co_return transport_failure::connect_failed;
        for (auto const& entry : resolved)
            if (!options.public_addresses_only || is_public_address(entry.endpoint().address()))
                endpoints.push_back(entry.endpoint());
        if (endpoints.empty()) co_return transport_failure::connect_failed; // only private addresses
    }

    auto conn = std::make_unique<connection>(
        connection{where.tls ? decltype(connection::stream){std::in_place_index<1>, executor, tls}
                             : decltype(connection::stream){std::in_place_index<0>, executor},
                   {},
                   {}});
    auto& tcp_stream = conn->tcp();
    tcp_stream.expires_after(remaining(connect_deadline));
    auto [connect_ec, ep] = co_await tcp_stream.async_connect(endpoints, cancellable(cancel));
    if (connect_ec == beast::error::timeout) co_return expired;
    if (connect_ec) co_return transport_failure::connect_failed;
    tcp_stream.socket().set_option(tcp::no_delay(true));

    if (where.tls) {
        auto& tls_stream = std::get<1>(conn->stream);
        if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), where.host.c_str()))
            co_return transport_failure::connect_failed;
        tls_stream.set_verify_mode(net::ssl::verify_peer);
        tls_stream.set_verify_callback(net::ssl::host_name_verification(where.host));
        tcp_stream.expires_after(remaining(connect_deadline));
        auto [hs_ec] = co_await tls_stream.async_handshake(net::ssl::stream_base::client, cancellable(cancel));
        if (hs_ec == beast::error::timeout) co_return expired;
        if (hs_ec) co_return transport_failure::connect_failed;
    }
    co_return conn;
}

// The request as it goes on the wire: its head serialised here into one string rather than by
// Beast's serializer, which walks its field list as a chain of buffer views (measured, that cost
// more than the whole JSON translation of a chat request), and the body written from where it
// lies (the upstream_request outlives the exchange) — one gathered write, no copy.
struct http_client::wire_request {
    std::string head;
    std::string_view body;
    std::array<net::const_buffer, 2> buffers() const { return {net::buffer(head), net::buffer(body)}; }
};

http_client::wire_request http_client::build(upstream_request const& request) const {
    auto const& where = shared_->where;
    wire_request out;
    auto& w = out.head;
    w.reserve(256 + where.base_path.size() + request.target.size());
    w += request.method;
    w += ' ';
    w += where.base_path;
    w += request.target;
    w += " HTTP/1.1\r\nHost: ";
    w += where.host;
    if (where.port != (where.tls ? "443" : "80")) {
        w += ':';
        w += where.port;
    }
    w += "\r\nUser-Agent: switchboard\r\n";
    for (auto const& [name, value] : request.headers) {
        // A line break would end the header early and let the rest be read as another header
        // (header injection); no header of ours has one, so such a header is dropped.
        if (domain::breaks_header_line(name) || domain::breaks_header_line(value)) continue;
        w += name;
        w += ": ";
        w += value;
        w += "\r\n";
    }
    bool const bodiless = request.body.empty() && (request.method == "GET" || request.method == "HEAD" ||
                                                   request.method == "DELETE");
    if (!bodiless) {
        w += "Content-Length: ";
        w += std::to_string(request.body.size());
        w += "\r\n";
    }
    w += "\r\n";
    out.body = request.body;
    return out;
}

net::awaitable<boost::system::result<std::unique_ptr<http_client::connection>, transport_failure>>
http_client::open_exchange(wire_request& request, clock::time_point deadline, bool& reused,
                           net::cancellation_slot cancel) {
    auto& s = *shared_;
    for (int round = 0; round < 2; ++round) {
        std::unique_ptr<connection> conn;
        while (!s.idle.empty() && !conn) {
            conn = std::move(s.idle.back());
            s.idle.pop_back();
            if (clock::now() - conn->idle_since > s.options.idle_ttl || !quiet_while_idle(conn->tcp().socket()))
                conn.reset();
        }
        reused = conn != nullptr;
        if (!conn) {
            auto connected = co_await s.connect(deadline, cancel);
            if (!connected) co_return connected.error();
            conn = std::move(*connected);
        }
        // A plain connection most often takes the whole request at once (write_now.hpp); what it
        // does not take, and every TLS write, goes through the asynchronous write.
        auto const wire = request.buffers();
        std::size_t sent = 0;
        if (auto* plain = std::get_if<0>(&conn->stream)) sent = write_now(plain->socket(), wire);
        if (sent == request.head.size() + request.body.size()) co_return conn;
        beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(wire);
        rest.consume(sent);
        conn->tcp().expires_after(remaining(deadline));
        auto write_ec = co_await std::visit(
            [&](auto& s) { return net::async_write(s, rest, cancellable(cancel)); }, conn->stream);
        if (auto ec = std::get<0>(write_ec)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (ec == net::error::operation_aborted) co_return transport_failure::cancelled;
            if (reused) continue; // stale pooled connection: nothing reached the server
            co_return transport_failure::reset;
        }
        co_return conn;
    }
    co_return transport_failure::reset;
}

void http_client::shared::keep_idle(std::unique_ptr<connection> conn) {
    if (idle.size() >= options.max_idle_connections) return;
    conn->tcp().expires_never();
    conn->idle_since = clock::now();
    idle.push_back(std::move(conn));
}

namespace {
// Reads the header block of the final response within the headers timeout (when set) and the
// deadline. Interim responses (1xx other than 101 Switching Protocols) are read past, each with a
// fresh parser (RFC 9110 §15.2): left unread, the final response would stay in the buffer and the
// pooled connection would answer the next caller with this one's response. A 101 is returned
// like any status; the caller treats it as an upstream fault and does not reuse the connection.
template <class Connection>
net::awaitable<boost::system::error_code> read_head(Connection& conn, std::optional<upstream_parser>& parser,
                                                    upstream_parser::body_mode mode, clock::time_point deadline,
                                                    std::chrono::milliseconds headers_timeout,
                                                    std::size_t body_limit, net::cancellation_slot cancel) {
    auto limit = remaining(deadline);
    if (headers_timeout.count() > 0) limit = std::min<clock::duration>(limit, headers_timeout);
    conn.tcp().expires_after(limit);
    constexpr int max_interim = 8; // more is a server in a loop, not a server with hints
    for (int interim = 0;; ++interim) {
        parser.emplace(mode);
        parser->header_limit(64 * 1024);
        parser->body_limit(body_limit);
        auto result = co_await std::visit(
            [&](auto& s) { return http::async_read_header(s, conn.buffer, *parser, cancellable(cancel)); },
            conn.stream);
        // After an interim response the server has the request: a failure now is a cut response
        // (never retried on a fresh connection, which could do the work twice).
        if (auto ec = std::get<0>(result)) {
            if (interim > 0 && ec != beast::error::timeout) co_return http::error::partial_message;
            co_return ec;
        }
        int const status = parser->status();
        if (status >= 200 || status == 101) co_return boost::system::error_code{};
        if (interim == max_interim) co_return http::error::bad_status;
    }
}

// Whether a connection whose exchange just ended can serve another: its response ended exactly
// where HTTP framed it (no byte of anything else already read) and both sides keep it open. A
// connection with more bytes than the response held is one response ahead of its next caller.
bool ended_cleanly(int status, bool keep_alive, beast::flat_buffer const& buffer) {
    return status >= 200 && keep_alive && buffer.size() == 0;
}

} // namespace

net::awaitable<boost::system::result<upstream_response, transport_failure>>
http_client::send(upstream_request const& request, clock::time_point deadline, net::cancellation_slot cancel) {
    auto req = build(request);
    bool const spares_get_used = begin_exchange();
    for (int round = 0; round < 2; ++round) {
        bool reused = false;
        auto opened = co_await open_exchange(req, deadline, reused, cancel);
        if (!opened) co_return opened.error();
        auto conn = std::move(*opened);

        std::optional<upstream_parser> parser;
        if (auto ec = co_await read_head(*conn, parser, upstream_parser::body_mode::whole, deadline, shared_->options.response_headers_timeout,
                                         shared_->options.max_response_bytes, cancel)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (ec == net::error::operation_aborted) co_return transport_failure::cancelled; // never retried
            if (reused && ec != http::error::partial_message && !parser->got_some() && conn->buffer.size() == 0)
                continue; // closed while idle
            co_return read_failure(ec);
        }
        if (parser->status() != 101) {
            // The body is often buffered whole with the head: parsed here, read only if it is not.
            if (auto ec = parse_buffered(*parser, conn->buffer, parse_goal::message)) co_return read_failure(ec);
            if (!parser->is_done()) {
                conn->tcp().expires_after(remaining(deadline));
                auto read_result = co_await std::visit(
                    [&](auto& s) { return http::async_read(s, conn->buffer, *parser, cancellable(cancel)); },
                    conn->stream);
                if (auto ec = std::get<0>(read_result)) {
                    if (ec == beast::error::timeout) co_return transport_failure::timeout;
                    co_return read_failure(ec);
                }
            }
        }

        upstream_response out;
        out.status = parser->status();
        out.headers = std::move(parser->fields());
        out.body = std::move(parser->body());
        if (ended_cleanly(out.status, parser->keep_alive(), conn->buffer)) shared_->keep_idle(std::move(conn));
        top_up(spares_get_used);
        co_return out;
    }
    co_return transport_failure::reset;
}

namespace {
// Frees what `held` owns now, not when it is destroyed. Assigning an empty value would not:
// `= {}` clears a vector and keeps its storage, and an empty string moved over a long one keeps
// the long one's buffer; a move-construction takes the storage with it.
template <class T> void let_go(T& held) {
    T const gone = std::move(held);
}

// The most one read of a stream asks for.
constexpr std::size_t largest_stream_read = 64 * 1024;
// A streamed body's bytes not yet parsed: at most a chunk header (and its extensions) split across
// reads, which no server sends this long (one largest read of them).
constexpr std::size_t max_stream_pending = largest_stream_read;

// How much one read of a stream asks for, as Beast's reads ask: the buffer's free room, at least
// 512 bytes and at most the largest read.
std::size_t read_size(beast::flat_buffer const& buffer) {
    return std::min<std::size_t>(std::max<std::size_t>(512, buffer.capacity() - buffer.size()), largest_stream_read);
}
} // namespace

net::awaitable<boost::system::result<stream_end, transport_failure>>
http_client::send_streaming(std::unique_ptr<upstream_request> request, clock::time_point deadline,
                            upstream_stream_reader& reader, net::cancellation_slot cancel) {
    // On the heap: this frame lives as long as the stream, the serialised request only until the
    // response head is in.
    auto req = std::make_unique<wire_request>(build(*request));
    bool const spares_get_used = begin_exchange();
    for (int round = 0; round < 2; ++round) {
        bool reused = false;
        auto opened = co_await open_exchange(*req, deadline, reused, cancel);
        if (!opened) co_return opened.error();
        auto conn = std::move(*opened);

        std::optional<upstream_parser> parser;
        if (auto ec = co_await read_head(*conn, parser, upstream_parser::body_mode::pieces, deadline, shared_->options.response_headers_timeout,
                                         unbounded_stream_body, cancel)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (ec == net::error::operation_aborted) co_return transport_failure::cancelled; // never retried
            if (reused && ec != http::error::partial_message && !parser->got_some() && conn->buffer.size() == 0)
                continue;
            co_return read_failure(ec);
        }
        top_up(spares_get_used);
        if (!reader.on_head(parser->status(), parser->fields()) || parser->status() == 101)
            co_return stream_end::stopped;
        // Not kept for the stream's life: the request (sent, and no round is left to send it
        // again) and the header list (handed on).
        req.reset();
        request.reset();
        let_go(parser->fields());
        // The body is handed on from the connection's read buffer, a piece at a time, each before
        // its bytes are consumed: no copy, and no buffer of its own in this frame, which lives as
        // long as the stream (memory per stream). The buffer stays ~512 bytes: it is emptied before
        // each read, and an SSE event is a few hundred bytes.
        parser->eager(false); // one piece per put()
        while (!parser->is_done()) {
            if (conn->buffer.size() > 0) {
                boost::system::error_code ec;
                auto const used = parser->put(conn->buffer.data(), ec);
                auto const piece = parser->take_piece();
                if (!piece.empty() && !co_await reader.on_body(piece)) co_return stream_end::stopped;
                conn->buffer.consume(used);
                if (ec && ec != http::error::need_more) co_return read_failure(ec);
                if (used > 0 && !ec) continue; // the rest may hold more
            }
            // A chunk header is the only thing left unparsed: one this long never ends.
            if (conn->buffer.size() >= max_stream_pending) co_return transport_failure::bad_response;
            conn->tcp().expires_at(reader.next_read_deadline());
            auto [ec, n] = co_await std::visit(
                [&](auto& s) { return s.async_read_some(conn->buffer.prepare(read_size(conn->buffer)), cancellable(cancel)); },
                conn->stream);
            conn->buffer.commit(n);
            // What came is parsed before an error is looked at. (A socket's read gives bytes or an
            // error, not both; were it both, a lasting error comes back with the next read.)
            if (n > 0) continue;
            if (ec == net::error::eof) parser->put_eof(ec); // ends a body framed by the close, or cuts one
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (ec) co_return read_failure(ec);
        }
        if (ended_cleanly(parser->status(), parser->keep_alive(), conn->buffer)) shared_->keep_idle(std::move(conn));
        co_return stream_end::complete;
    }
    co_return transport_failure::reset;
}
} // namespace switchboard::adapters
