// Upstream HTTP/1.1 client: pooled keep-alive connections, TLS, deadlines on every step.
#include "adapters/upstream/http_client.hpp"

#include "domain/ascii.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <array>
#include <variant>

namespace switchboard::adapters {
namespace {
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

clock::duration remaining(clock::time_point deadline) {
    return std::max(clock::duration::zero(), deadline - clock::now());
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

http_client::http_client(net::any_io_executor executor, net::ssl::context& tls, origin where,
                         http_client_options options)
    : executor_(std::move(executor)), tls_(tls), origin_(std::move(where)), options_(options) {}

http_client::~http_client() = default;

std::size_t http_client::idle_connections() const {
    return idle_.size();
}

net::awaitable<boost::system::result<std::unique_ptr<http_client::connection>, transport_failure>>
http_client::connect(clock::time_point deadline) {
    using namespace net::experimental::awaitable_operators;
    auto const connect_deadline = std::min(deadline, clock::now() + options_.connect_timeout);
    bool const deadline_is_request = connect_deadline == deadline;
    auto const expired = deadline_is_request ? transport_failure::timeout : transport_failure::connect_failed;

    // An address literal needs no resolver (a thread hop per connection); a name is resolved
    // asynchronously, raced against a timer (the resolver has no expiry of its own).
    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code literal_ec;
    auto const literal = net::ip::make_address(origin_.host, literal_ec);
    if (!literal_ec) {
        endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoi(origin_.port)));
    } else {
        tcp::resolver resolver(executor_);
        net::steady_timer timer(executor_, remaining(connect_deadline));
        auto raced = co_await (resolver.async_resolve(origin_.host, origin_.port, use_tuple) ||
                               timer.async_wait(use_tuple));
        if (raced.index() == 1) co_return expired;
        auto [resolve_ec, resolved] = std::get<0>(raced);
        if (resolve_ec) co_return transport_failure::connect_failed;
        for (auto const& entry : resolved) endpoints.push_back(entry.endpoint());
    }

    auto conn = std::make_unique<connection>(
        connection{origin_.tls ? decltype(connection::stream){std::in_place_index<1>, executor_, tls_}
                               : decltype(connection::stream){std::in_place_index<0>, executor_},
                   {},
                   {}});
    auto& tcp_stream = conn->tcp();
    tcp_stream.expires_after(remaining(connect_deadline));
    auto [connect_ec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple);
    if (connect_ec == beast::error::timeout) co_return expired;
    if (connect_ec) co_return transport_failure::connect_failed;
    tcp_stream.socket().set_option(tcp::no_delay(true));

    if (origin_.tls) {
        auto& tls_stream = std::get<1>(conn->stream);
        if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), origin_.host.c_str()))
            co_return transport_failure::connect_failed;
        tls_stream.set_verify_mode(net::ssl::verify_peer);
        tls_stream.set_verify_callback(net::ssl::host_name_verification(origin_.host));
        tcp_stream.expires_after(remaining(connect_deadline));
        auto [hs_ec] = co_await tls_stream.async_handshake(net::ssl::stream_base::client, use_tuple);
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

namespace {
bool has_line_break(std::string_view text) {
    for (char c : text)
        if (c == '\r' || c == '\n') return true;
    return false;
}
} // namespace

http_client::wire_request http_client::build(upstream_request const& request) const {
    wire_request out;
    auto& w = out.head;
    w.reserve(256 + origin_.base_path.size() + request.target.size());
    w += request.method;
    w += ' ';
    w += origin_.base_path;
    w += request.target;
    w += " HTTP/1.1\r\nHost: ";
    w += origin_.host;
    if (origin_.port != (origin_.tls ? "443" : "80")) {
        w += ':';
        w += origin_.port;
    }
    w += "\r\nUser-Agent: switchboard\r\n";
    for (auto const& [name, value] : request.headers) {
        // A line break would end the header early and let the rest be read as another header
        // (header injection); no header of ours has one, so such a header is dropped.
        if (has_line_break(name) || has_line_break(value)) continue;
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
http_client::open_exchange(wire_request& request, clock::time_point deadline, bool& reused) {
    for (int round = 0; round < 2; ++round) {
        std::unique_ptr<connection> conn;
        while (!idle_.empty() && !conn) {
            conn = std::move(idle_.back());
            idle_.pop_back();
            if (clock::now() - conn->idle_since > options_.idle_ttl) conn.reset();
        }
        reused = conn != nullptr;
        if (!conn) {
            auto connected = co_await connect(deadline);
            if (!connected) co_return connected.error();
            conn = std::move(*connected);
        }
        conn->tcp().expires_after(remaining(deadline));
        auto write_ec = co_await std::visit(
            [&](auto& s) { return net::async_write(s, request.buffers(), use_tuple); }, conn->stream);
        if (auto ec = std::get<0>(write_ec)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (reused) continue; // stale pooled connection: nothing reached the server
            co_return transport_failure::reset;
        }
        co_return conn;
    }
    co_return transport_failure::reset;
}

void http_client::keep_idle(std::unique_ptr<connection> conn) {
    if (idle_.size() >= options_.max_idle_connections) return;
    conn->tcp().expires_never();
    conn->idle_since = clock::now();
    idle_.push_back(std::move(conn));
}

namespace {
// Reads the header block within the headers timeout (when set) and the deadline.
template <class Connection, class Parser>
net::awaitable<boost::system::error_code> read_head(Connection& conn, Parser& parser, clock::time_point deadline,
                                                    std::chrono::milliseconds headers_timeout) {
    parser.header_limit(64 * 1024);
    auto limit = remaining(deadline);
    if (headers_timeout.count() > 0) limit = std::min<clock::duration>(limit, headers_timeout);
    conn.tcp().expires_after(limit);
    auto result = co_await std::visit(
        [&](auto& s) { return http::async_read_header(s, conn.buffer, parser, use_tuple); }, conn.stream);
    co_return std::get<0>(result);
}

template <class Fields>
std::vector<std::pair<std::string, std::string>> header_list(Fields const& fields) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(static_cast<std::size_t>(std::distance(fields.begin(), fields.end())));
    for (auto const& field : fields) out.emplace_back(domain::ascii_lowered(field.name_string()), field.value());
    return out;
}
} // namespace

net::awaitable<boost::system::result<upstream_response, transport_failure>>
http_client::send(upstream_request const& request, clock::time_point deadline) {
    auto req = build(request);
    for (int round = 0; round < 2; ++round) {
        bool reused = false;
        auto opened = co_await open_exchange(req, deadline, reused);
        if (!opened) co_return opened.error();
        auto conn = std::move(*opened);

        http::response_parser<http::string_body> parser;
        parser.body_limit(options_.max_response_bytes);
        if (auto ec = co_await read_head(*conn, parser, deadline, options_.response_headers_timeout)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (reused && !parser.got_some()) continue; // closed by the server while idle
            co_return transport_failure::reset;
        }
        conn->tcp().expires_after(remaining(deadline));
        auto read_result = co_await std::visit(
            [&](auto& s) { return http::async_read(s, conn->buffer, parser, use_tuple); }, conn->stream);
        if (auto ec = std::get<0>(read_result)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            co_return transport_failure::reset;
        }

        auto& res = parser.get();
        upstream_response out;
        out.status = static_cast<int>(res.result_int());
        out.headers = header_list(res);
        out.body = std::move(res.body());
        if (res.keep_alive()) keep_idle(std::move(conn));
        co_return out;
    }
    co_return transport_failure::reset;
}

net::awaitable<boost::system::result<stream_end, transport_failure>>
http_client::send_streaming(upstream_request const& request, clock::time_point deadline,
                            upstream_stream_reader& reader) {
    auto req = build(request);
    for (int round = 0; round < 2; ++round) {
        bool reused = false;
        auto opened = co_await open_exchange(req, deadline, reused);
        if (!opened) co_return opened.error();
        auto conn = std::move(*opened);

        http::response_parser<http::buffer_body> parser;
        parser.body_limit(options_.max_response_bytes);
        reader.set_stop([c = conn.get()] { c->tcp().cancel(); });
        struct clear_stop {
            upstream_stream_reader& reader;
            ~clear_stop() { reader.set_stop({}); }
        } cleared{reader};
        if (auto ec = co_await read_head(*conn, parser, deadline, options_.response_headers_timeout)) {
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (reused && !parser.got_some()) continue;
            co_return transport_failure::reset;
        }
        if (!reader.on_head(static_cast<int>(parser.get().result_int()), header_list(parser.get())))
            co_return stream_end::stopped;
        // Small reads, handed on as they arrive: a stream's latency is the point, and this buffer
        // lives in every open stream's frame (memory per stream).
        char chunk[4 * 1024];
        while (!parser.is_done()) {
            parser.get().body().data = chunk;
            parser.get().body().size = sizeof chunk;
            conn->tcp().expires_at(reader.next_read_deadline());
            auto [ec, n] = co_await std::visit(
                [&](auto& s) { return http::async_read_some(s, conn->buffer, parser, use_tuple); }, conn->stream);
            if (ec == http::error::need_buffer) ec = {};
            auto const got = sizeof chunk - parser.get().body().size;
            if (got > 0 && !co_await reader.on_body(std::string_view(chunk, got))) co_return stream_end::stopped;
            if (ec == beast::error::timeout) co_return transport_failure::timeout;
            if (ec) co_return transport_failure::reset;
        }
        if (parser.get().keep_alive()) keep_idle(std::move(conn));
        co_return stream_end::complete;
    }
    co_return transport_failure::reset;
}

} // namespace switchboard::adapters
