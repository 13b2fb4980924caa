// Degraded mode end to end: a provider answering 429 to most calls drives the gateway to
// critical; P3 and P2 are then shed without a provider call, P1 is capped, P0 still goes through,
// and every response says the mode. Transitions and hysteresis are tested on an injected clock
// in tests/domain/degraded_mode_test.cpp.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
client_response call(gateway_fixture& gw, std::string const& priority, std::string const& body) {
    return gw.chat(body, {{"X-Priority", priority}});
}
} // namespace

BOOST_AUTO_TEST_SUITE(degraded_mode_e2e)

BOOST_AUTO_TEST_CASE(a_429_storm_sheds_low_priorities_and_every_response_names_the_mode) {
    mock_upstream up;
    up.always(canned_reply::json(429, R"({"error":{"message":"slow down"}})"));
    gateway_fixture gw(
        "resilience: {retry: {max_attempts: 1}}\nproviders:\n  p: {kind: openai, base_url: \"" +
        up.base_url("/v1") + "\", api_key: k-000000000001}\nmodels:\n  chat: [p/m]\n");
    BOOST_TEST(gw.get("/api/health").header("x-switchboard-mode") == "normal");

    for (int i = 0; i < 12; ++i) BOOST_TEST(call(gw, "P0", chat_body("chat")).status == 503);
    auto const hits_before = up.hits();

    auto p3 = call(gw, "P3", chat_body("chat"));
    BOOST_TEST(p3.status == 429);
    BOOST_TEST(json::parse(p3.body).at("error").at("code").as_string() == "priority_shed");
    BOOST_TEST(p3.header("x-switchboard-mode") == "critical");
    BOOST_TEST(call(gw, "P2", chat_body("chat")).status == 429);
    BOOST_TEST(up.hits() == hits_before); // shed calls never reach the provider

    // P1 still goes out, with max_tokens halved; P0 goes out untouched.
    up.always(canned_reply::json(200, completion_body()));
    auto p1 =
        call(gw, "P1", R"({"model":"chat","max_tokens":100,"messages":[{"role":"user","content":"x"}]})");
    BOOST_TEST(p1.status == 200);
    BOOST_TEST(json::parse(up.requests().back().body).at("max_tokens").as_int64() == 50);
    auto p0 =
        call(gw, "P0", R"({"model":"chat","max_tokens":100,"messages":[{"role":"user","content":"x"}]})");
    BOOST_TEST(p0.status == 200);
    BOOST_TEST(json::parse(up.requests().back().body).at("max_tokens").as_int64() == 100);

    // Server-made errors carry the mode too.
    BOOST_TEST(gw.get("/nope").header("x-switchboard-mode") == "critical");
    auto garbage = raw_exchange(gw.port(), "NOT HTTP\r\n\r\n");
    BOOST_TEST(garbage.find("x-switchboard-mode: critical") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
