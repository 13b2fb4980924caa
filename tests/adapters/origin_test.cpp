// Base URL parsing for providers.
#include "adapters/upstream/origin.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::adapters;

BOOST_AUTO_TEST_SUITE(origin_parsing)

BOOST_AUTO_TEST_CASE(https_defaults_and_paths) {
    auto o = parse_origin("https://api.groq.com/openai/v1/");
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST(o->tls);
    BOOST_TEST(o->host == "api.groq.com");
    BOOST_TEST(o->port == "443");
    BOOST_TEST(o->base_path == "/openai/v1");
}

BOOST_AUTO_TEST_CASE(plain_http_with_port_and_ipv6) {
    auto o = parse_origin("http://127.0.0.1:11434");
    BOOST_TEST_REQUIRE(o.has_value());
    BOOST_TEST(!o->tls);
    BOOST_TEST(o->port == "11434");
    BOOST_TEST(o->base_path.empty());
    BOOST_TEST(is_loopback_host(o->host));
    auto v6 = parse_origin("http://[::1]:8000/v1");
    BOOST_TEST_REQUIRE(v6.has_value());
    BOOST_TEST(v6->host == "::1");
    BOOST_TEST(!is_loopback_host("api.openai.com"));
}

BOOST_AUTO_TEST_CASE(rejects_other_schemes_and_junk) {
    BOOST_TEST(parse_origin("ftp://x").has_error());
    BOOST_TEST(parse_origin("not a url").has_error());
    BOOST_TEST(parse_origin("https://").has_error());
}

BOOST_AUTO_TEST_SUITE_END()
