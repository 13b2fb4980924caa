// Idle and slow clients cannot starve others: hundreds of connections that never finish their
// header, from one address, while a fresh request from another address is answered at once.
#include "tests/adapters/gateway_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/socket.h>
#include <thread>

using namespace switchboard::testing;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// A request from source address `from` (any 127.x.y.z is loopback); "" when refused or silent.
std::string get_from(std::string const& from, unsigned short port, std::chrono::milliseconds& took) {
    auto const start = std::chrono::steady_clock::now();
    net::io_context ctx;
    tcp::socket s(ctx);
    s.open(tcp::v4());
    s.bind({net::ip::make_address(from), 0});
    timeval tv{2, 0};
    setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::system::error_code ec;
    s.connect({net::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return {};
    std::string const req = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    net::write(s, net::buffer(req), ec);
    std::string reply;
    char buf[4096];
    for (;;) {
        auto n = s.read_some(net::buffer(buf), ec);
        if (ec) break;
        reply.append(buf, n);
    }
    took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return reply;
}
} // namespace

BOOST_AUTO_TEST_SUITE(slowloris)

BOOST_AUTO_TEST_CASE(idle_connections_from_one_address_cannot_starve_the_others) {
    gateway_fixture gw("server: {max_connections_per_ip: 64, header_timeout: 5s}\n", {}, 2);
    net::io_context ctx;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 300; ++i) {
        tcp::socket s(ctx);
        s.connect({net::ip::make_address("127.0.0.1"), gw.port()});
        net::write(s, net::buffer(std::string("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")));
        idle.push_back(std::move(s));
    }
    std::chrono::milliseconds took{0};
    auto const fresh = get_from("127.0.0.2", gw.port(), took);
    BOOST_TEST(fresh.rfind("HTTP/1.1 200", 0) == 0u);
    BOOST_TEST_MESSAGE("fresh request during 300 idle connections answered in " << took.count() << " ms");
    BOOST_TEST((took < std::chrono::milliseconds(500)));
    // The holder's own address is at its cap: a further connection is closed unanswered.
    BOOST_TEST(get_from("127.0.0.1", gw.port(), took).empty());

    for (auto& s : idle) s.close();
    idle.clear();
    // Freed as the server sees them close.
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        served = get_from("127.0.0.1", gw.port(), took).rfind("HTTP/1.1 200", 0) == 0u;
        if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST(served);
}

BOOST_AUTO_TEST_SUITE_END()
