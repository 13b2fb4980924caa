// Gemini generateContent translation, both ways.
#include "domain/gemini_wire.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

namespace {
chat_request request(char const* text) {
    return *parse_chat_request(json::parse(text));
}
} // namespace

BOOST_AUTO_TEST_SUITE(gemini_wire)

BOOST_AUTO_TEST_CASE(contents_roles_system_and_generation_config) {
    auto out = gemini_request(request(R"({"model":"g","messages":[
        {"role":"system","content":"Be terse."},{"role":"user","content":"Hi"},
        {"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"}],
        "temperature":0.2,"top_p":0.9,"max_tokens":64,"stop":["X"]})"));
    BOOST_TEST(out.at("systemInstruction").at("parts").as_array()[0].at("text").as_string() == "Be terse.");
    auto const& contents = out.at("contents").as_array();
    BOOST_TEST_REQUIRE(contents.size() == 3u);
    BOOST_TEST(contents[0].at("role").as_string() == "user");
    BOOST_TEST(contents[1].at("role").as_string() == "model");
    BOOST_TEST(contents[1].at("parts").as_array()[0].at("text").as_string() == "Hello");
    auto const& cfg = out.at("generationConfig");
    BOOST_TEST(cfg.at("maxOutputTokens").as_int64() == 64);
    BOOST_TEST(cfg.at("topP").as_double() == 0.9);
    BOOST_TEST(cfg.at("stopSequences").as_array()[0].as_string() == "X");
}

BOOST_AUTO_TEST_CASE(tool_calls_and_results_are_named) {
    auto out = gemini_request(request(R"({"model":"g","messages":[
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
            "function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
        {"role":"tool","tool_call_id":"c1","content":"sunny"}],
        "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]})"));
    auto const& contents = out.at("contents").as_array();
    BOOST_TEST(contents[1].at("parts").as_array()[0].at("functionCall").at("args").at("city").as_string() ==
               "Rome");
    BOOST_TEST(contents[2].at("parts").as_array()[0].at("functionResponse").at("name").as_string() ==
               "get_weather");
    BOOST_TEST(
        out.at("tools").as_array()[0].at("functionDeclarations").as_array()[0].at("name").as_string() ==
        "get_weather");
}

BOOST_AUTO_TEST_CASE(response_to_openai_shape) {
    auto c = parse_gemini_response(R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Bonjour"}]},
        "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6},
        "modelVersion":"gemini-2.0-flash-001","responseId":"abc"})",
                                   "gemini-2.0-flash", "req1", 1700000000);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->model == "gemini-2.0-flash-001");
    BOOST_TEST(c->usage.prompt_tokens == 4);
    BOOST_TEST(c->usage.completion_tokens == 2);
    auto const& choice = c->body.at("choices").as_array()[0];
    BOOST_TEST(choice.at("message").at("content").as_string() == "Bonjour");
    BOOST_TEST(choice.at("finish_reason").as_string() == "stop");
    BOOST_TEST(c->body.at("id").as_string() == "chatcmpl-abc");
}

BOOST_AUTO_TEST_CASE(finish_reasons_and_blocked_prompts) {
    BOOST_TEST(gemini_finish_reason("MAX_TOKENS") == "length");
    BOOST_TEST(gemini_finish_reason("SAFETY") == "content_filter");
    BOOST_TEST(gemini_finish_reason("STOP") == "stop");
    auto blocked = parse_gemini_response(R"({"promptFeedback":{"blockReason":"SAFETY"}})", "g", "r", 0);
    BOOST_TEST_REQUIRE(blocked.has_value());
    BOOST_TEST(blocked->body.at("choices").as_array()[0].at("finish_reason").as_string() == "content_filter");
}

BOOST_AUTO_TEST_CASE(errors_and_garbage) {
    auto e = parse_gemini_error(
        400, R"({"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}})");
    BOOST_TEST(e.provider_code == "INVALID_ARGUMENT");
    BOOST_TEST(e.provider_message == "API key not valid");
    auto wrapped =
        parse_gemini_error(503, R"([{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}])");
    BOOST_TEST(wrapped.provider_message == "overloaded");
    BOOST_TEST(parse_gemini_response("{}", "g", "r", 0).has_error());
    BOOST_TEST(parse_gemini_response(R"({"candidates":"x"})", "g", "r", 0).has_error());
}

BOOST_AUTO_TEST_CASE(embeddings_round_trip) {
    auto r = *parse_embedding_request(json::parse(R"({"model":"text-embedding-004","input":["a","b"]})"));
    auto body = gemini_embedding_request(r, "text-embedding-004");
    BOOST_TEST(body.at("requests").as_array().size() == 2u);
    BOOST_TEST(body.at("requests").as_array()[0].at("model").as_string() == "models/text-embedding-004");
    auto parsed = parse_gemini_embedding_response(
        R"({"embeddings":[{"values":[0.1,0.2]},{"values":[0.3,0.4]}]})", "text-embedding-004", r);
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->body.at("data").as_array()[1].at("embedding").as_array()[0].as_double() == 0.3);
    BOOST_TEST(parse_gemini_embedding_response(R"({"embeddings":[]})", "m", r).has_error());
}

BOOST_AUTO_TEST_SUITE_END()
