// SSRF by DNS: a REST provider declared by host name is never connected to at a private or
// loopback address its name resolves to; the special-purpose ranges are known.
#include "adapters/upstream/address_policy.hpp"
#include "adapters/upstream/http_client.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

namespace net = boost::asio;
using switchboard::adapters::http_client;
using switchboard::adapters::http_client_options;
using switchboard::adapters::is_public_address;
using switchboard::adapters::public_addresses_only;
using switchboard::adapters::transport_failure;
using switchboard::adapters::upstream_request;
using namespace switchboard::testing;

namespace {
bool is_public(char const* text) {
    return is_public_address(net::ip::make_address(text));
}

// One GET through a client for `host`:port, with or without the public-only rule.
boost::system::result<int, transport_failure> get_via(std::string const& host, unsigned short port, bool public_only) {
    net::io_context io;
    net::ssl::context tls(net::ssl::context::tls_client);
    http_client_options options;
    options.public_addresses_only = public_only;
    http_client client(io.get_executor(), tls, {false, host, std::to_string(port), ""}, options);
    upstream_request req;
    req.method = "GET";
    req.target = "/";
    auto done = net::co_spawn(io, client.send(req, std::chrono::steady_clock::now() + std::chrono::seconds(5)),
                              net::use_future);
    io.run();
    auto r = done.get();
    if (!r) return r.error();
    return r->status;
}
} // namespace

BOOST_AUTO_TEST_SUITE(address_policy)

BOOST_AUTO_TEST_CASE(special_purpose_ranges_are_not_public) {
    for (auto const* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                          "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
                          "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "64:ff9b::a00:1"})
        BOOST_TEST(!is_public(a), a);
    for (auto const* a : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"})
        BOOST_TEST(is_public(a), a);
}

BOOST_AUTO_TEST_CASE(a_name_resolving_to_loopback_is_refused_when_only_public_addresses_may_be_reached) {
    mock_upstream upstream;
    upstream.always(canned_reply::json(200, "{}"));
    auto refused = get_via("localhost", upstream.port(), true);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST((refused.error() == transport_failure::connect_failed));
    BOOST_TEST(upstream.hits() == 0u);
    auto allowed = get_via("localhost", upstream.port(), false); // declared there: reached
    BOOST_TEST_REQUIRE(allowed.has_value());
    BOOST_TEST(*allowed == 200);
}

// One rule for REST providers and webhook endpoints: a host name reaches public addresses only,
// unless its owner allows private networks; an address literal or a loopback name is where the
// config declared it.
BOOST_AUTO_TEST_CASE(a_destination_named_by_host_reaches_public_addresses_only_unless_it_allows_private_ones) {
    BOOST_TEST(public_addresses_only("hooks.example.com", false));
    BOOST_TEST(public_addresses_only("metadata.internal", false));
    BOOST_TEST(!public_addresses_only("hooks.example.com", true));
    BOOST_TEST(!public_addresses_only("10.0.0.5", false));
    BOOST_TEST(!public_addresses_only("::1", false));
    BOOST_TEST(!public_addresses_only("localhost", false));
}

BOOST_AUTO_TEST_SUITE_END()
