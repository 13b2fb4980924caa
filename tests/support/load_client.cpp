// Concurrent test client on Asio coroutines.
#include "tests/support/load_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>

namespace switchboard::testing {
namespace net = boost::asio;
namespace http = boost::beast::http;
namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

net::awaitable<void> one(call_spec const& spec, timed_response& out, std::chrono::steady_clock::time_point deadline) {
    auto const start = std::chrono::steady_clock::now();
    boost::beast::tcp_stream stream(co_await net::this_coro::executor);
    stream.expires_at(deadline);
    net::ip::tcp::endpoint const ep(net::ip::make_address("127.0.0.1"), spec.port);
    // A call that fails leaves status 0, its time and, as its body, the step that failed.
    auto const failed = [&](char const* step, boost::system::error_code const& ec) {
        out.response.body = std::string(step) + ": " + ec.message();
        out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    };
    auto [cec] = co_await stream.async_connect(ep, use_tuple);
    if (cec) co_return failed("connect", cec);
    http::request<http::string_body> req{http::string_to_verb(spec.method), spec.target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    for (auto const& [k, v] : spec.headers) req.set(k, v);
    req.body() = spec.body;
    req.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
    if (wec) co_return failed("write", wec);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    auto [rec, rn] = co_await http::async_read(stream, buffer, res, use_tuple);
    if (rec) co_return failed("read", rec);
    out.response.status = static_cast<int>(res.result_int());
    for (auto const& f : res) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.response.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    out.response.body = std::move(res.body());
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}
} // namespace

std::vector<timed_response> concurrent_calls(std::vector<call_spec> const& calls, std::chrono::milliseconds limit) {
    net::io_context ctx;
    std::vector<timed_response> out(calls.size());
    auto const deadline = std::chrono::steady_clock::now() + limit;
    for (std::size_t i = 0; i < calls.size(); ++i) net::co_spawn(ctx, one(calls[i], out[i], deadline), net::detached);
    ctx.run();
    return out;
}

} // namespace switchboard::testing
