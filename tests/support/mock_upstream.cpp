// Mock upstream server for integration tests.
#include "tests/support/mock_upstream.hpp"

#include "adapters/net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <sstream>
#include <tuple>
#include <thread>

namespace switchboard::testing {
namespace {
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
} // namespace

std::string recorded_request::header(std::string const& lower_name) const {
    for (auto const& [k, v] : headers)
        if (k == lower_name) return v;
    return {};
}

std::string completion_body(std::string const& model, std::string const& text) {
    return R"({"id":"chatcmpl-test","object":"chat.completion","created":1,"model":")" + model +
           R"(","choices":[{"index":0,"message":{"role":"assistant","content":")" + text +
           R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})";
}

canned_reply canned_reply::json(int status, std::string body) {
    canned_reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}
canned_reply canned_reply::reset_connection() {
    canned_reply r;
    r.misbehave = fault::reset;
    return r;
}
canned_reply canned_reply::stay_silent() {
    canned_reply r;
    r.misbehave = fault::silence;
    return r;
}

canned_reply canned_reply::sse(std::vector<piece> pieces, stream_end end) {
    canned_reply r;
    r.stream = std::move(pieces);
    r.stream_ends = end;
    return r;
}

struct mock_upstream::impl {
    net::io_context context;
    std::unique_ptr<net::ssl::context> tls;
    tcp::acceptor acceptor{context, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
    mutable std::mutex mutex;
    std::function<canned_reply(recorded_request const&)> script = [](recorded_request const&) {
        return canned_reply::json(500, R"({"error":{"message":"no script"}})");
    };
    std::vector<recorded_request> received;
    std::size_t accepted = 0;
    std::size_t active = 0;
    std::size_t peak = 0;
    std::vector<std::chrono::steady_clock::time_point> closures; // silent exchanges the client closed
    std::atomic<std::size_t> streamed{0};
    std::string sni;
    std::thread thread;

    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec) co_return;
            {
                std::lock_guard lock(mutex);
                ++accepted;
            }
            net::co_spawn(context, serve(std::move(socket), std::chrono::steady_clock::now()), net::detached);
        }
    }

    net::awaitable<void> serve(tcp::socket socket, std::chrono::steady_clock::time_point accepted_at) {
        if (!tls) {
            beast::tcp_stream stream(std::move(socket));
            co_await serve_http(stream, accepted_at);
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
        if (ec) co_return; // the client refused our certificate
        beast::get_lowest_layer(stream).expires_never();
        if (char const* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name)) {
            std::lock_guard lock(mutex);
            sni = name;
        }
        co_await serve_http(stream, accepted_at);
    }

    // Silent until the client closes the connection, which is recorded.
    template <class Stream> net::awaitable<void> wait_for_close(Stream& stream) {
        char scratch[512];
        for (;;) {
            auto [ec, n] = co_await stream.async_read_some(net::buffer(scratch), use_tuple);
            if (ec) break;
        }
        std::lock_guard lock(mutex);
        closures.push_back(std::chrono::steady_clock::now());
    }

    template <class Stream>
    net::awaitable<void> serve_http(Stream& stream, std::chrono::steady_clock::time_point accepted_at) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
            if (ec) co_return;
            recorded_request rec{std::string(req.method_string()),
                                 std::string(req.target()),
                                 {},
                                 req.body(),
                                 std::chrono::steady_clock::now(),
                                 accepted_at};
            for (auto const& f : req) {
                std::string name(f.name_string());
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return std::tolower(c); });
                rec.headers.emplace_back(name, std::string(f.value()));
            }
            canned_reply reply;
            {
                std::lock_guard lock(mutex);
                received.push_back(rec);
                reply = script(rec);
                peak = std::max(peak, ++active);
            }
            // A reply with `Connection: close` ends its connection, as a server that serves one
            // request per connection does.
            bool const closes = std::any_of(reply.headers.begin(), reply.headers.end(), [](auto const& h) {
                return beast::iequals(h.first, "connection") && beast::iequals(h.second, "close");
            });
            // Counts this request as active until its reply ends, however it ends.
            struct active_guard {
                impl* self;
                ~active_guard() {
                    std::lock_guard lock(self->mutex);
                    --self->active;
                }
            } guard{this};
            if (reply.delay.count() > 0) {
                net::steady_timer t(context, reply.delay);
                co_await t.async_wait(use_tuple);
            }
            auto& socket = beast::get_lowest_layer(stream).socket();
            if (reply.misbehave == canned_reply::fault::reset) {
                boost::system::error_code ignored;
                socket.set_option(net::socket_base::linger(true, 0), ignored); // RST on close
                socket.close(ignored);
                co_return;
            }
            if (reply.misbehave == canned_reply::fault::silence) {
                co_await wait_for_close(stream); // no answer at all
                co_return;
            }
            if (!reply.raw_before.empty()) {
                auto [bec, bn] = co_await net::async_write(stream, net::buffer(reply.raw_before), use_tuple);
                if (bec) co_return;
            }
            if (!reply.stream.empty()) {
                if (!reply.stream_unframed) {
                    http::response<http::empty_body> head{static_cast<http::status>(reply.status), req.version()};
                    head.set(http::field::content_type, "text/event-stream");
                    for (auto const& [k, v] : reply.headers) head.set(k, v);
                    head.keep_alive(req.keep_alive() && !closes);
                    head.chunked(true);
                    http::response_serializer<http::empty_body> serializer(head);
                    auto [hec, hn] = co_await http::async_write_header(stream, serializer, use_tuple);
                    if (hec) co_return;
                }
                for (auto const& p : reply.stream) {
                    if (p.delay.count() > 0) {
                        net::steady_timer t(context, p.delay);
                        co_await t.async_wait(use_tuple);
                    }
                    for (std::size_t k = 0; k < p.times; ++k) {
                        boost::system::error_code cec;
                        if (reply.stream_unframed)
                            std::tie(cec, std::ignore) = co_await net::async_write(stream, net::buffer(p.data), use_tuple);
                        else
                            std::tie(cec, std::ignore) =
                                co_await net::async_write(stream, http::make_chunk(net::buffer(p.data)), use_tuple);
                        if (cec) co_return;
                        streamed += p.data.size();
                    }
                }
                if (reply.stream_ends == canned_reply::stream_end::cut) {
                    // The body stops before its last chunk: the connection closes mid-body. A FIN,
                    // not an RST: an RST may arrive before the client read the chunks already
                    // sent and make the kernel drop them, which no real cut guarantees either way.
                    boost::system::error_code ignored;
                    socket.shutdown(net::socket_base::shutdown_send, ignored);
                    char scratch[512];
                    for (;;) {
                        auto [rec_ec, rn] = co_await stream.async_read_some(net::buffer(scratch), use_tuple);
                        if (rec_ec) break;
                    }
                    co_return;
                }
                if (reply.stream_ends == canned_reply::stream_end::stall) {
                    co_await wait_for_close(stream);
                    co_return;
                }
                if (reply.stream_unframed) {
                    if (!req.keep_alive()) co_return;
                    continue;
                }
                auto [lec, ln] = co_await net::async_write(stream, http::make_chunk_last(), use_tuple);
                if (lec || !req.keep_alive() || closes) co_return;
                continue;
            }
            http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
            res.set(http::field::content_type, "application/json");
            for (auto const& [k, v] : reply.headers) res.set(k, v);
            res.body() = reply.body;
            res.keep_alive(req.keep_alive() && !closes);
            res.prepare_payload();
            boost::system::error_code wec;
            if (reply.raw_after.empty()) {
                std::tie(wec, std::ignore) = co_await http::async_write(stream, res, use_tuple);
            } else {
                std::ostringstream wire;
                wire << res;
                std::string bytes = wire.str();
                if (reply.raw_after_delay.count() == 0) bytes += reply.raw_after;
                std::tie(wec, std::ignore) = co_await net::async_write(stream, net::buffer(bytes), use_tuple);
                if (!wec && reply.raw_after_delay.count() > 0) {
                    net::steady_timer t(context, reply.raw_after_delay);
                    co_await t.async_wait(use_tuple);
                    std::tie(wec, std::ignore) = co_await net::async_write(stream, net::buffer(reply.raw_after), use_tuple);
                }
            }
            if (reply.misbehave == canned_reply::fault::close_after_reply) {
                boost::system::error_code ignored;
                socket.close(ignored);
                co_return;
            }
            if (wec || !req.keep_alive() || closes) co_return;
        }
    }
};

mock_upstream::mock_upstream(std::optional<tls_files> tls) : impl_(std::make_unique<impl>()) {
    if (tls) {
        impl_->tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
        impl_->tls->use_certificate_chain_file(tls->certificate);
        impl_->tls->use_private_key_file(tls->private_key, net::ssl::context::pem);
    }
    net::co_spawn(impl_->context, impl_->accept_loop(), net::detached);
    impl_->thread = std::thread([this] { impl_->context.run(); });
}

mock_upstream::~mock_upstream() {
    impl_->context.stop();
    impl_->thread.join();
}

std::string mock_upstream::base_url(std::string const& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
}

unsigned short mock_upstream::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void mock_upstream::reply_with(std::function<canned_reply(recorded_request const&)> script) {
    std::lock_guard lock(impl_->mutex);
    impl_->script = std::move(script);
}

void mock_upstream::always(canned_reply reply) {
    reply_with([reply](recorded_request const&) { return reply; });
}

std::vector<recorded_request> mock_upstream::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->received;
}

std::size_t mock_upstream::connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->accepted;
}

std::size_t mock_upstream::peak_concurrency() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->peak;
}

std::string mock_upstream::last_sni() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->sni;
}

std::size_t mock_upstream::hits() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->received.size();
}

std::vector<std::chrono::steady_clock::time_point> mock_upstream::client_closures() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->closures;
}

std::size_t mock_upstream::streamed_bytes() const {
    return impl_->streamed.load();
}

} // namespace switchboard::testing
