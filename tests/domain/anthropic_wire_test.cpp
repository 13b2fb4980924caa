// Anthropic Messages translation, both ways.
#include "domain/anthropic_wire.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

namespace {
chat_request request(char const* text) {
    return *parse_chat_request(json::parse(text));
}
} // namespace

BOOST_AUTO_TEST_SUITE(anthropic_wire)

BOOST_AUTO_TEST_CASE(system_prompt_roles_and_defaults) {
    auto out = anthropic_request(request(R"({"model":"claude","messages":[
        {"role":"system","content":"Be terse."},{"role":"developer","content":"No emojis."},
        {"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"}],
        "temperature":1.7,"stop":"END"})"),
                                 "claude-3-5-haiku-latest");
    BOOST_TEST(out.at("model").as_string() == "claude-3-5-haiku-latest");
    BOOST_TEST(out.at("system").as_string() == "Be terse.\n\nNo emojis.");
    BOOST_TEST(out.at("max_tokens").as_int64() == anthropic_default_max_tokens);
    BOOST_TEST(out.at("temperature").as_double() == 1.0); // clamped to Anthropic's range
    BOOST_TEST(out.at("stop_sequences").as_array().at(0).as_string() == "END");
    auto const& msgs = out.at("messages").as_array();
    BOOST_TEST(msgs.size() == 3u);
    BOOST_TEST(msgs[0].at("role").as_string() == "user");
    BOOST_TEST(msgs[1].at("role").as_string() == "assistant");
    BOOST_TEST(msgs[0].at("content").as_array()[0].at("text").as_string() == "Hi");
}

BOOST_AUTO_TEST_CASE(consecutive_user_turns_are_merged_and_images_translated) {
    auto out = anthropic_request(request(R"({"model":"c","max_tokens":50,"messages":[
        {"role":"user","content":"one"},
        {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,QUJD"}}]}]})"),
                                 "c");
    BOOST_TEST(out.at("max_tokens").as_int64() == 50);
    auto const& msgs = out.at("messages").as_array();
    BOOST_TEST_REQUIRE(msgs.size() == 1u);
    auto const& blocks = msgs[0].at("content").as_array();
    BOOST_TEST_REQUIRE(blocks.size() == 2u);
    BOOST_TEST(blocks[1].at("source").at("media_type").as_string() == "image/png");
    BOOST_TEST(blocks[1].at("source").at("data").as_string() == "QUJD");
}

BOOST_AUTO_TEST_CASE(tools_and_tool_results) {
    auto out = anthropic_request(request(R"({"model":"c","messages":[
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function",
            "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
        {"role":"tool","tool_call_id":"toolu_1","content":"sunny"}],
        "tools":[{"type":"function","function":{"name":"get_weather","description":"d",
            "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
        "tool_choice":"required"})"),
                                 "c");
    BOOST_TEST(out.at("tools").as_array()[0].at("input_schema").at("type").as_string() == "object");
    BOOST_TEST(out.at("tool_choice").at("type").as_string() == "any");
    auto const& msgs = out.at("messages").as_array();
    auto const& use = msgs[1].at("content").as_array()[0];
    BOOST_TEST(use.at("type").as_string() == "tool_use");
    BOOST_TEST(use.at("input").at("city").as_string() == "Paris");
    auto const& result = msgs[2].at("content").as_array()[0];
    BOOST_TEST(result.at("type").as_string() == "tool_result");
    BOOST_TEST(result.at("tool_use_id").as_string() == "toolu_1");
}

BOOST_AUTO_TEST_CASE(response_to_openai_shape) {
    auto c = parse_anthropic_response(R"({"id":"msg_01","type":"message","role":"assistant",
        "model":"claude-3-5-haiku-20241022","content":[{"type":"text","text":"Hello"},{"type":"text","text":" world"}],
        "stop_reason":"max_tokens","usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":3}})",
                                      1700000000);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->model == "claude-3-5-haiku-20241022");
    BOOST_TEST(c->usage.prompt_tokens == 13);
    BOOST_TEST(c->usage.completion_tokens == 5);
    auto const& choice = c->body.at("choices").as_array()[0];
    BOOST_TEST(choice.at("message").at("content").as_string() == "Hello world");
    BOOST_TEST(choice.at("finish_reason").as_string() == "length");
    BOOST_TEST(c->body.at("object").as_string() == "chat.completion");
    BOOST_TEST(c->body.at("created").as_int64() == 1700000000);
}

BOOST_AUTO_TEST_CASE(tool_use_response_becomes_tool_calls) {
    auto c = parse_anthropic_response(R"({"id":"m","model":"c","content":[{"type":"tool_use","id":"toolu_9",
        "name":"get_weather","input":{"city":"Oslo"}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}})",
                                      0);
    BOOST_TEST_REQUIRE(c.has_value());
    auto const& msg = c->body.at("choices").as_array()[0].at("message");
    BOOST_TEST(msg.at("content").is_null());
    BOOST_TEST(msg.at("tool_calls").as_array()[0].at("function").at("name").as_string() == "get_weather");
    BOOST_TEST(json::parse(msg.at("tool_calls").as_array()[0].at("function").at("arguments").as_string())
                   .at("city")
                   .as_string() == "Oslo");
    BOOST_TEST(c->body.at("choices").as_array()[0].at("finish_reason").as_string() == "tool_calls");
}

BOOST_AUTO_TEST_CASE(stop_reasons) {
    BOOST_TEST(anthropic_finish_reason("end_turn") == "stop");
    BOOST_TEST(anthropic_finish_reason("stop_sequence") == "stop");
    BOOST_TEST(anthropic_finish_reason("max_tokens") == "length");
    BOOST_TEST(anthropic_finish_reason("tool_use") == "tool_calls");
    BOOST_TEST(anthropic_finish_reason("refusal") == "content_filter");
}

BOOST_AUTO_TEST_CASE(errors_and_garbage) {
    auto e = parse_anthropic_error(
        429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})");
    BOOST_TEST(e.provider_code == "rate_limit_error");
    BOOST_TEST(e.provider_message == "slow down");
    BOOST_TEST(parse_anthropic_response("{\"content\":\"oops\"}", 0).has_error());
    BOOST_TEST(parse_anthropic_response("<html>", 0).error().code == errc::upstream_bad_response);
}

// Prompt caching: cache_control marks on OpenAI-shape parts and tools reach the blocks they mark
// (a marked system prompt goes as blocks); the answer's cache reads and writes are counted apart.
BOOST_AUTO_TEST_CASE(prompt_cache_marks_are_kept_and_cached_tokens_counted) {
    auto out = anthropic_request(request(R"({"model":"c","messages":[
        {"role":"system","content":[{"type":"text","text":"A long manual.","cache_control":{"type":"ephemeral"}}]},
        {"role":"system","content":"Be brief."},
        {"role":"user","content":[{"type":"text","text":"Context","cache_control":{"type":"ephemeral","ttl":"1h"}},
                                  {"type":"text","text":"Question?"}]}],
        "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}},"cache_control":{"type":"ephemeral"}}]})"),
                                 "claude-sonnet-4");
    auto const& system = out.at("system").as_array();
    BOOST_TEST(system.size() == 2u);
    BOOST_TEST(system[0].at("cache_control").at("type").as_string() == "ephemeral");
    BOOST_TEST(system[1].at("text").as_string() == "Be brief.");
    BOOST_TEST(!system[1].as_object().contains("cache_control"));
    auto const& parts = out.at("messages").as_array()[0].at("content").as_array();
    BOOST_TEST(parts[0].at("cache_control").at("ttl").as_string() == "1h");
    BOOST_TEST(!parts[1].as_object().contains("cache_control"));
    BOOST_TEST(out.at("tools").as_array()[0].at("cache_control").at("type").as_string() == "ephemeral");
    // Unmarked, the system prompt stays one text.
    auto plain = anthropic_request(request(R"({"model":"c","messages":[{"role":"system","content":"S"},{"role":"user","content":"U"}]})"),
                                   "claude-sonnet-4");
    BOOST_TEST(plain.at("system").as_string() == "S");

    auto answer = parse_anthropic_response(R"({"id":"msg_1","model":"claude-sonnet-4","content":[{"type":"text","text":"ok"}],
        "stop_reason":"end_turn","usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,
        "output_tokens":5}})",
                                           1);
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(answer->usage.prompt_tokens == 1210);
    BOOST_TEST(answer->usage.cache_read_tokens == 1000);
    BOOST_TEST(answer->usage.cache_write_tokens == 200);
    auto const& usage = answer->body.at("usage");
    BOOST_TEST(usage.at("prompt_tokens_details").at("cached_tokens").as_int64() == 1000);
    BOOST_TEST(usage.at("cache_creation_input_tokens").as_int64() == 200);
}

BOOST_AUTO_TEST_SUITE_END()
