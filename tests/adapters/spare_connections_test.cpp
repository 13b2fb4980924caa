// Spare upstream connections (http_client_options::preconnect): made once an answer's head is
// in, taken by the next exchange, and not made when they would expire before one takes them.
#include "adapters/upstream/http_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace net = boost::asio;
using switchboard::adapters::http_client;
using switchboard::adapters::http_client_options;
using switchboard::adapters::upstream_request;
using namespace switchboard::testing;

namespace {
struct call_log {
    std::vector<int> statuses;
    std::vector<std::chrono::steady_clock::time_point> begun; // when each call was made
};

// Waits (1 ms at a time, at most 2 s) until `client` holds `n` idle connections: the spares its
// last answer asked for, connected in the background.
net::awaitable<void> spares_ready(http_client& client, std::size_t n) {
    net::steady_timer tick(co_await net::this_coro::executor);
    for (int i = 0; i < 2000 && client.idle_connections() < n; ++i) {
        tick.expires_after(std::chrono::milliseconds(1));
        co_await tick.async_wait(net::use_awaitable);
    }
}

// A client of the mock upstream, on `io`.
std::unique_ptr<http_client> client_of(mock_upstream const& up, net::io_context& io, net::ssl::context& tls,
                                       http_client_options options) {
    return std::make_unique<http_client>(
        io.get_executor(), tls, switchboard::adapters::origin{false, "127.0.0.1", std::to_string(up.port()), ""}, options);
}

// One GET: its status, or -1 for a transport failure.
net::awaitable<int> get(http_client& client) {
    upstream_request req;
    req.method = "GET";
    req.target = "/";
    auto r = co_await client.send(req, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    co_return r ? r->status : -1;
}

// `calls` GETs one after another through one client, each answered with `Connection: close` (so
// no connection serves twice and the idle ones are spares), from the third on after `spares` are
// ready; returns once every background connect has ended (the io_context runs out of work).
call_log calls_in_a_row(mock_upstream& up, http_client_options options, int calls, std::size_t spares) {
    auto reply = canned_reply::json(200, "{}");
    reply.headers.emplace_back("Connection", "close");
    up.always(reply);
    net::io_context io;
    net::ssl::context tls(net::ssl::context::tls_client);
    auto client = client_of(up, io, tls, options);
    call_log log;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            for (int i = 0; i < calls; ++i) {
                if (i > 1) co_await spares_ready(*client, spares);
                log.begun.push_back(std::chrono::steady_clock::now());
                log.statuses.push_back(co_await get(*client));
            }
        },
        net::detached);
    io.run();
    return log;
}
} // namespace

BOOST_AUTO_TEST_SUITE(spare_connections)

BOOST_AUTO_TEST_CASE(spares_are_made_once_calls_come_close_together_and_each_call_takes_one) {
    mock_upstream up;
    http_client_options options;
    options.preconnect = 2;
    auto const log = calls_in_a_row(up, options, 4, 2);
    BOOST_TEST(log.statuses == (std::vector<int>{200, 200, 200, 200}), boost::test_tools::per_element());
    // Call 1 connects (no call before it: a spare might never be used); call 2 connects and its
    // answer starts two spares; calls 3 and 4 each take one and start its replacement.
    BOOST_TEST(eventually([&] { return up.connections() == 6u; })); // the upstream's accepts lag the connects
    auto const requests = up.requests();
    BOOST_TEST_REQUIRE(requests.size() == 4u);
    for (std::size_t i = 0; i < 4; ++i) // 1 and 2 on a connection made for them, 3 and 4 on a spare
        BOOST_TEST((requests[i].connection_accepted < log.begun[i]) == (i >= 2), i);
}

BOOST_AUTO_TEST_CASE(no_spares_are_made_when_they_would_expire_before_the_next_call) {
    mock_upstream up;
    http_client_options options;
    options.preconnect = 2;
    options.idle_ttl = std::chrono::seconds(0); // every call comes later than a spare lasts
    auto const log = calls_in_a_row(up, options, 3, 0);
    BOOST_TEST(log.statuses == (std::vector<int>{200, 200, 200}), boost::test_tools::per_element());
    BOOST_TEST(up.connections() == 3u); // one per call, none ahead
}

BOOST_AUTO_TEST_CASE(a_spare_connecting_when_its_client_is_gone_is_freed_with_the_pool) {
    mock_upstream up;
    http_client_options options;
    options.preconnect = 4;
    net::io_context io;
    net::ssl::context tls(net::ssl::context::tls_client);
    auto client = client_of(up, io, tls, options);
    up.always(canned_reply::json(200, "{}"));
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            for (int i = 0; i < 2; ++i)
                co_await get(*client);
            client.reset(); // the second answer's spares are queued, not yet connected
        },
        net::detached);
    io.run(); // they connect into the pool's state, which goes with the last of them
    BOOST_TEST(client == nullptr);
    // Call 1's connection served call 2 (kept alive); call 2's answer asked for three more.
    BOOST_TEST(eventually([&] { return up.connections() == 4u; }));
}

BOOST_AUTO_TEST_SUITE_END()
