// OpenAI-compatible upstream format: pass-through bodies, defensive parsing, error extraction.
#include "domain/openai_wire.hpp"
#include "domain/json_duplicates.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(openai_wire)

BOOST_AUTO_TEST_CASE(request_body_keeps_client_fields_and_swaps_the_model) {
    auto r = parse_chat_request(
        json::parse(R"({"model":"chat-default","messages":[{"role":"user","content":"x"}],"seed":3})"));
    auto body = json::parse(openai_chat_body_text(*r, "llama-3.1-8b-instant"));
    BOOST_TEST(body.at("model").as_string() == "llama-3.1-8b-instant");
    BOOST_TEST(body.at("seed").as_int64() == 3);
}

BOOST_AUTO_TEST_CASE(request_body_text_swaps_the_model_leaves_out_keys_and_keeps_every_other_value) {
    auto const client = json::parse(R"({"messages":[{"role":"user","content":"line\n\"quoted\" \u00e9\u0000"}],
        "model":"chat-default","seed":3,"stream":true,"stream_options":{"include_usage":true},
        "temperature":0.25,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
        "weird \"key\"":[1,2.5,null,false,{}]})");
    auto r = parse_chat_request(client);
    BOOST_TEST_REQUIRE(r.has_value());
    auto const text = openai_chat_body_text(*r, "model \"x\"", {"stream", "stream_options"});
    BOOST_TEST(text.starts_with(R"({"model":"model \"x\"",)"));
    json::object expected = client.as_object();
    expected["model"] = "model \"x\"";
    expected.erase("stream");
    expected.erase("stream_options");
    BOOST_TEST(json::parse(text) == json::value(expected));
    BOOST_TEST(r->body.at("model").as_string() == "chat-default"); // the client's tree unchanged
    BOOST_TEST(json::parse(openai_chat_body_text(*r, "m")).as_object().contains("stream"));
    auto const streamed = json::parse(openai_chat_body_text(*r, "m", {"stream"}, R"("stream":false,"n":2)"));
    BOOST_TEST(streamed.at("stream") == json::value(false));
    BOOST_TEST(streamed.at("n") == json::value(2));
}

BOOST_AUTO_TEST_CASE(parses_usage_from_a_completion) {
    auto c =
        parse_openai_chat_response(R"({"id":"x","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",
        "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}})");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->model == "gpt-4o-mini-2024-07-18");
    BOOST_TEST(c->usage.prompt_tokens == 9);
    BOOST_TEST(c->usage.completion_tokens == 2);
}

BOOST_AUTO_TEST_CASE(estimates_usage_when_a_server_omits_it) {
    auto c = parse_openai_chat_response(
        R"({"choices":[{"message":{"role":"assistant","content":"twelve chars"}}]})");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->usage.completion_tokens == 3);
    BOOST_TEST(c->body.at("usage").as_object().at("total_tokens").as_int64() == 3);
}

BOOST_AUTO_TEST_CASE(garbage_is_an_upstream_bad_response) {
    for (char const* body :
         {"", "not json", "[]", "{}", R"({"choices":[]})", R"({"choices":[1]})",
          R"({"choices":[{"index":0}]})", "{\"choices\":[{\"message\":{\"content\":\"x\"}}"}) {
        auto c = parse_openai_chat_response(body);
        BOOST_TEST_CONTEXT(body) {
            BOOST_TEST_REQUIRE(c.has_error());
            BOOST_TEST(c.error().code == errc::upstream_bad_response);
        }
    }
    BOOST_TEST(parse_openai_embedding_response(R"({"data":[{"index":0}]})").has_error());
}

BOOST_AUTO_TEST_CASE(extracts_the_providers_error) {
    auto e =
        parse_openai_error(400, R"({"error":{"message":"This model's maximum context length is 8192 tokens",
        "type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
    BOOST_TEST(e.status == 400);
    BOOST_TEST(e.provider_code == "context_length_exceeded");
    BOOST_TEST(e.provider_param == "messages");
    BOOST_TEST(e.provider_message.find("maximum context length") != std::string::npos);
    BOOST_TEST(parse_openai_error(500, "<html>oops</html>").provider_message.empty());
}

// Trees of every size around the arena's inline block (json_arena: ~930 bytes, for texts up to
// ~470 bytes) come out whole: one that outgrows the block goes on in blocks of its own.
BOOST_AUTO_TEST_CASE(trees_of_any_size_survive_their_arena) {
    for (std::size_t members : {0u, 1u, 8u, 20u, 30u, 40u, 60u, 200u, 2000u}) {
        std::string text = "{";
        for (std::size_t i = 0; i < members; ++i) {
            if (i) text += ',';
            text += "\"k" + std::to_string(i) + "\":[" + std::to_string(i) + ",{\"v\":\"x\"}]";
        }
        text += '}';
        BOOST_TEST_CONTEXT(text.size() << " bytes") {
            auto const parsed = parse_json(text);
            BOOST_TEST_REQUIRE(parsed.has_value());
            BOOST_TEST(*parsed == boost::json::parse(text));
            auto const checked = parse_json_checked(text);
            BOOST_TEST_REQUIRE(static_cast<bool>(checked));
            BOOST_TEST(checked.value == boost::json::parse(text));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
