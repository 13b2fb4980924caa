// Round trip through a mock speaking the Anthropic Messages wire format.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string config_for(mock_upstream const& up) {
    return "providers:\n  claude: {kind: anthropic, base_url: \"" + up.base_url("/v1") +
           "\", api_key: sk-ant-test-000111222}\n";
}
} // namespace

BOOST_AUTO_TEST_SUITE(anthropic_upstream)

BOOST_AUTO_TEST_CASE(chat_is_translated_both_ways) {
    mock_upstream up;
    up.always(canned_reply::json(200, R"({"id":"msg_1","type":"message","role":"assistant",
        "model":"claude-3-5-haiku-20241022","content":[{"type":"text","text":"Bonjour!"}],
        "stop_reason":"end_turn","usage":{"input_tokens":12,"output_tokens":4}})"));
    gateway_fixture gw(config_for(up));
    auto res =
        gw.chat(R"({"model":"claude-3-5-haiku-latest","messages":[{"role":"system","content":"Be French."},
                          {"role":"user","content":"Hello"}]})");
    BOOST_TEST_REQUIRE(res.status == 200);
    auto body = json::parse(res.body);
    BOOST_TEST(body.at("object").as_string() == "chat.completion");
    BOOST_TEST(body.at("model").as_string() == "claude-3-5-haiku-20241022");
    BOOST_TEST(body.at("choices").as_array()[0].at("message").at("content").as_string() == "Bonjour!");
    BOOST_TEST(body.at("choices").as_array()[0].at("finish_reason").as_string() == "stop");
    BOOST_TEST(body.at("usage").at("prompt_tokens").as_int64() == 12);
    BOOST_TEST(res.header("x-switchboard-provider") == "claude");

    auto seen = up.requests().at(0);
    BOOST_TEST(seen.target == "/v1/messages");
    BOOST_TEST(seen.header("x-api-key") == "sk-ant-test-000111222");
    BOOST_TEST(seen.header("anthropic-version") == "2023-06-01");
    BOOST_TEST(seen.header("authorization").empty());
    auto sent = json::parse(seen.body);
    BOOST_TEST(sent.at("system").as_string() == "Be French.");
    BOOST_TEST(sent.at("max_tokens").as_int64() == 4096);
    BOOST_TEST(sent.at("messages").as_array().size() == 1u);
}

// Prompt caching through the gateway: the client's cache_control marks reach Anthropic, and the
// tokens it read from its cache are reported in OpenAI's shape and billed at the cache-read rate.
BOOST_AUTO_TEST_CASE(prompt_cache_marks_reach_anthropic_and_cached_tokens_are_billed_at_their_rate) {
    mock_upstream up;
    up.always(canned_reply::json(200, R"({"id":"msg_2","type":"message","role":"assistant",
        "model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
        "usage":{"input_tokens":1000,"cache_creation_input_tokens":0,"cache_read_input_tokens":9000,"output_tokens":100}})"));
    gateway_fixture gw(config_for(up));
    auto res = gw.chat(R"({"model":"claude-sonnet-4","messages":[
        {"role":"system","content":[{"type":"text","text":"A long manual.","cache_control":{"type":"ephemeral"}}]},
        {"role":"user","content":"Question?"}]})");
    BOOST_TEST_REQUIRE(res.status == 200);
    auto sent = json::parse(up.requests().at(0).body);
    BOOST_TEST(sent.at("system").as_array().at(0).at("cache_control").at("type").as_string() == "ephemeral");
    auto const usage = json::parse(res.body).at("usage");
    BOOST_TEST(usage.at("prompt_tokens").as_int64() == 10000);
    BOOST_TEST(usage.at("prompt_tokens_details").at("cached_tokens").as_int64() == 9000);
    // 1000 × $3 + 9000 × $0.30 + 100 × $15, per million tokens: $0.0072 (not $0.0315 at the input price).
    BOOST_TEST(std::stod(res.header("x-switchboard-cost-usd")) == 0.0072, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(an_anthropic_refusal_reaches_the_client_in_openai_shape) {
    mock_upstream up;
    up.always(canned_reply::json(400, R"({"type":"error","error":{"type":"invalid_request_error",
        "message":"messages: roles must alternate"}})"));
    gateway_fixture gw(config_for(up));
    auto res = gw.chat(chat_body("claude-3-5-haiku-latest"));
    BOOST_TEST(res.status == 400);
    auto err = json::parse(res.body).at("error");
    BOOST_TEST(err.at("message").as_string() == "messages: roles must alternate");
    BOOST_TEST(err.at("code").as_string() == "invalid_request");
    BOOST_TEST(up.hits() == 1u);
}

BOOST_AUTO_TEST_CASE(embeddings_are_unsupported) {
    mock_upstream up;
    gateway_fixture gw(config_for(up));
    auto res = gw.post("/v1/embeddings", R"({"model":"claude/claude-3-5-haiku-latest","input":"x"})");
    BOOST_TEST(res.status == 400);
    BOOST_TEST(up.hits() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
