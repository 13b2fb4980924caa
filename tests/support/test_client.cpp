// Test HTTP client.
#include "tests/support/test_client.hpp"

#include "adapters/net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>

namespace switchboard::testing {
namespace {
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
tcp::endpoint local(unsigned short port) {
    return {net::ip::make_address("127.0.0.1"), port};
}
} // namespace

std::string client_response::header(std::string const& lower_name) const {
    for (auto const& [k, v] : headers)
        if (k == lower_name) return v;
    return {};
}

client_response http_call(unsigned short port, std::string const& method, std::string const& target,
                          std::string const& body,
                          std::vector<std::pair<std::string, std::string>> const& headers,
                          std::chrono::milliseconds limit) {
    net::io_context ctx;
    client_response out;
    net::co_spawn(
        ctx,
        [&]() -> net::awaitable<void> {
            beast::tcp_stream stream(ctx);
            auto [cec] = co_await stream.async_connect(local(port), use_tuple);
            if (cec) co_return;
            http::request<http::string_body> req;
            req.method_string(method);
            req.target(target);
            req.version(11);
            req.set(http::field::host, "127.0.0.1");
            if (!body.empty()) req.set(http::field::content_type, "application/json");
            for (auto const& [k, v] : headers) req.set(k, v);
            req.body() = body;
            req.prepare_payload();
            auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
            if (wec) co_return;
            beast::flat_buffer buffer;
            http::response_parser<http::string_body> parser;
            parser.body_limit(64u << 20);
            auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            if (rec) co_return;
            auto& res = parser.get();
            out.status = static_cast<int>(res.result_int());
            for (auto const& f : res) {
                std::string name(f.name_string());
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return std::tolower(c); });
                out.headers.emplace_back(name, std::string(f.value()));
            }
            out.body = res.body();
        },
        net::detached);
    ctx.run_for(limit);
    return out;
}

std::string raw_exchange(unsigned short port, std::string const& bytes, std::chrono::milliseconds limit) {
    return raw_exchange_in_pieces(port, {bytes}, std::chrono::milliseconds(0), limit);
}

std::string raw_exchange_in_pieces(unsigned short port, std::vector<std::string> const& pieces,
                                   std::chrono::milliseconds pause, std::chrono::milliseconds limit) {
    net::io_context ctx;
    std::string received;
    net::co_spawn(
        ctx,
        [&]() -> net::awaitable<void> {
            tcp::socket socket(ctx);
            auto [cec] = co_await socket.async_connect(local(port), use_tuple);
            if (cec) co_return;
            socket.set_option(tcp::no_delay(true));
            for (std::size_t i = 0; i < pieces.size(); ++i) {
                if (i > 0) {
                    net::steady_timer gap(ctx, pause);
                    co_await gap.async_wait(use_tuple);
                }
                auto [wec, wn] = co_await net::async_write(socket, net::buffer(pieces[i]), use_tuple);
                if (wec) co_return;
            }
            char chunk[4096];
            for (;;) {
                auto [rec, n] = co_await socket.async_read_some(net::buffer(chunk), use_tuple);
                received.append(chunk, n);
                if (rec) co_return;
            }
        },
        net::detached);
    ctx.run_for(limit);
    return received;
}

unsigned short free_port() {
    boost::asio::io_context ctx;
    boost::asio::ip::tcp::acceptor a(ctx, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

} // namespace switchboard::testing
