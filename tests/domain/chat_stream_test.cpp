#include "domain/chat_stream.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

namespace {
struct replay {
    std::vector<json::object> chunks;
    bool done = false;
    int malformed = 0;
    std::optional<attempt_error> error;
};
replay run(chat_stream_translator& t, std::string const& stream) {
    sse_parser p;
    replay r;
    auto const events = p.feed(stream).value(); // a copy: a range-for over the temporary would dangle
    for (auto const& e : events) {
        auto step = t.on_event(e);
        for (auto& c : step.chunks) r.chunks.push_back(std::move(c));
        r.done = r.done || step.done;
        r.malformed += step.malformed;
        if (step.error) r.error = step.error;
    }
    return r;
}
std::string content_of(std::vector<json::object> const& chunks) {
    std::string text;
    for (auto const& c : chunks)
        for (auto const& choice : c.at("choices").as_array())
            if (auto const* d = choice.as_object().at("delta").as_object().if_contains("content"); d && d->is_string())
                text += d->as_string();
    return text;
}
} // namespace

BOOST_AUTO_TEST_SUITE(chat_stream)

BOOST_AUTO_TEST_CASE(openai_chunks_pass_through_restamped_and_without_usage) {
    chat_stream_translator t(stream_format::openai, "chatcmpl-gw", "gpt-4o-mini", 1700000000);
    BOOST_TEST(!t.content_started());
    auto r = run(t,
                 "data: {\"id\":\"up-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024\","
                 "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n"
                 "data: {\"id\":\"up-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
                 "data: not json\n\n"
                 "data: {\"id\":\"up-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
                 "data: {\"id\":\"up-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
                 "data: [DONE]\n\n");
    BOOST_TEST(r.chunks.size() == 3u);
    BOOST_TEST(r.malformed == 1);
    BOOST_TEST(r.done);
    BOOST_TEST(t.complete());
    BOOST_TEST(t.text() == "Hello");
    BOOST_TEST(t.content_started());
    BOOST_TEST(t.finish_reason() == "stop");
    BOOST_TEST(t.usage()->prompt_tokens == 9);
    BOOST_TEST(t.usage()->completion_tokens == 2);
    BOOST_TEST(t.model() == "gpt-4o-mini-2024");
    for (auto const& c : r.chunks) {
        BOOST_TEST(c.at("id").as_string() == "chatcmpl-gw");
        BOOST_TEST(!c.contains("usage"));
    }
}

BOOST_AUTO_TEST_CASE(an_openai_error_event_is_an_attempt_error) {
    chat_stream_translator t(stream_format::openai, "id", "m", 0);
    auto r = run(t, "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    BOOST_TEST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->status == 500);
    BOOST_TEST(!t.content_started());
}

BOOST_AUTO_TEST_CASE(anthropic_events_become_openai_chunks) {
    chat_stream_translator t(stream_format::anthropic, "chatcmpl-gw", "claude", 1);
    auto r = run(t,
                 "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-3-5-haiku\","
                 "\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":3,\"output_tokens\":1}}}\n\n"
                 "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                 "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                 "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi \"}}\n\n"
                 "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"there\"}}\n\n"
                 "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                 "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}\n\n"
                 "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}\n\n"
                 "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}\n\n"
                 "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":7}}\n\n"
                 "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    BOOST_TEST(r.done);
    BOOST_TEST(content_of(r.chunks) == "Hi there");
    BOOST_TEST(r.chunks.front().at("choices").at(0).at("delta").at("role").as_string() == "assistant");
    BOOST_TEST(t.finish_reason() == "tool_calls");
    BOOST_TEST(t.usage()->prompt_tokens == 15);
    BOOST_TEST(t.usage()->completion_tokens == 7);
    std::string arguments;
    std::string tool_name;
    for (auto const& c : r.chunks) {
        auto const& d = c.at("choices").at(0).at("delta").as_object();
        if (auto const* calls = d.if_contains("tool_calls")) {
            auto const& call = calls->as_array().at(0).as_object();
            BOOST_TEST(call.at("index").as_int64() == 0);
            auto const& f = call.at("function").as_object();
            if (f.contains("name")) tool_name = f.at("name").as_string();
            arguments += f.at("arguments").as_string();
        }
    }
    BOOST_TEST(tool_name == "get_weather");
    BOOST_TEST(arguments == "{\"city\":\"Paris\"}");
    BOOST_TEST(r.chunks.back().at("choices").at(0).at("finish_reason").as_string() == "tool_calls");
}

BOOST_AUTO_TEST_CASE(an_anthropic_error_event_carries_its_type) {
    chat_stream_translator t(stream_format::anthropic, "id", "m", 0);
    auto r = run(t, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    BOOST_TEST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->status == 529);
    BOOST_TEST(r.error->provider_message == "Overloaded");
}

BOOST_AUTO_TEST_CASE(gemini_responses_become_openai_chunks_and_finish_with_usage) {
    chat_stream_translator t(stream_format::gemini, "chatcmpl-gw", "gemini-2.0-flash", 1);
    auto r = run(t,
                 "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Bon\"}],\"role\":\"model\"},\"index\":0}],"
                 "\"usageMetadata\":{\"promptTokenCount\":4},\"modelVersion\":\"gemini-2.0-flash-001\"}\r\n\r\n"
                 "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"jour\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                 "\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":2,\"totalTokenCount\":6}}\r\n\r\n");
    BOOST_TEST(r.done);
    BOOST_TEST(content_of(r.chunks) == "Bonjour");
    BOOST_TEST(t.finish_reason() == "stop");
    BOOST_TEST(t.usage()->prompt_tokens == 4);
    BOOST_TEST(t.usage()->completion_tokens == 2);
    BOOST_TEST(t.model() == "gemini-2.0-flash-001");
    auto const usage = t.usage_chunk(*t.usage());
    BOOST_TEST(usage.at("choices").as_array().empty());
    BOOST_TEST(usage.at("usage").at("total_tokens").as_int64() == 6);
}

BOOST_AUTO_TEST_CASE(a_gemini_error_event_keeps_its_code) {
    chat_stream_translator t(stream_format::gemini, "id", "m", 0);
    auto r = run(t, "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\n\n");
    BOOST_TEST_REQUIRE(r.error.has_value());
    BOOST_TEST(r.error->status == 503);
}

BOOST_AUTO_TEST_SUITE_END()
