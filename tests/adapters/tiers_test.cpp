// Cost-aware tiers end to end: cheap deployments take simple calls, premium ones the hard cases,
// chosen by X-Tier or by the request's size and tools; a failing tier falls back upward.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
struct three_tiers {
    mock_upstream cheap, mid, premium;
    std::unique_ptr<gateway_fixture> gw;
    three_tiers() {
        cheap.always(canned_reply::json(200, completion_body("cheap-model")));
        mid.always(canned_reply::json(200, completion_body("mid-model")));
        premium.always(canned_reply::json(200, completion_body("premium-model")));
        auto provider = [](std::string name, mock_upstream const& m) {
            return "  " + name + ": {kind: openai, base_url: \"" + m.base_url("/v1") +
                   "\", api_key: k-000000000001}\n";
        };
        gw = std::make_unique<gateway_fixture>("resilience: {retry: {max_attempts: 1}}\nproviders:\n" +
                                               provider("cheap", cheap) + provider("mid", mid) +
                                               provider("premium", premium) +
                                               "models:\n  chat:\n    tiers:\n      simple: [cheap/c]\n      "
                                               "medium: [mid/m]\n      complex: [premium/p]\n");
    }
    client_response chat(std::string const& body,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
        return gw->chat(body, std::move(headers));
    }
};

std::string served(client_response const& r) {
    return std::string(json::parse(r.body).at("model").as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(tiers_e2e)

BOOST_AUTO_TEST_CASE(short_prompts_go_to_the_cheap_tier) {
    three_tiers t;
    auto res = t.chat(chat_body("chat", "hi"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(served(res) == "cheap-model");
    BOOST_TEST(res.header("x-switchboard-tier") == "simple");
}

BOOST_AUTO_TEST_CASE(the_client_can_name_the_tier) {
    three_tiers t;
    auto res = t.chat(chat_body("chat", "hi"), {{"X-Tier", "complex"}});
    BOOST_TEST(served(res) == "premium-model");
    BOOST_TEST(res.header("x-switchboard-tier") == "complex");
    auto bad = t.chat(chat_body("chat", "hi"), {{"X-Tier", "gold"}});
    BOOST_TEST(bad.status == 400);
}

BOOST_AUTO_TEST_CASE(long_prompts_and_tools_need_capable_tiers) {
    three_tiers t;
    BOOST_TEST(served(t.chat(chat_body("chat", std::string(2400, 'a')))) == "mid-model");      // ~600 tokens
    BOOST_TEST(served(t.chat(chat_body("chat", std::string(20000, 'a')))) == "premium-model"); // ~5000 tokens
    auto with_tools = t.chat(R"({"model":"chat","messages":[{"role":"user","content":"weather?"}],
        "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]})");
    BOOST_TEST(served(with_tools) == "mid-model");
}

BOOST_AUTO_TEST_CASE(a_failing_tier_falls_back_to_the_tiers_above) {
    three_tiers t;
    t.cheap.always(canned_reply::json(503, "{}"));
    auto res = t.chat(chat_body("chat", "hi"));
    BOOST_TEST(served(res) == "mid-model");
    BOOST_TEST(res.header("x-switchboard-attempts") == "2");
}

BOOST_AUTO_TEST_SUITE_END()
