// A stream's chunks built into a whole answer, and a whole answer replayed as chunks.
#include "domain/completion_chunks.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(completion_chunks_suite)

BOOST_AUTO_TEST_CASE(a_whole_answer_replayed_as_chunks_builds_back_into_the_same_answer) {
    auto const stored = json::parse(R"({"id":"chatcmpl-1","object":"chat.completion","created":5,"model":"m",
        "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there",
        "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
        "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})")
                            .as_object();
    auto const chunks = completion_chunks(stored, "chatcmpl-new", 9);
    BOOST_TEST_REQUIRE(chunks.size() == 4u); // role, content, tool calls, finish
    for (auto const& c : chunks) {
        BOOST_TEST(c.at("object").as_string() == "chat.completion.chunk");
        BOOST_TEST(c.at("id").as_string() == "chatcmpl-new");
        BOOST_TEST(c.at("model").as_string() == "m");
    }
    BOOST_TEST(chunks.back().at("choices").at(0).at("finish_reason").as_string() == "tool_calls");
    BOOST_TEST(chunks[0].at("choices").at(0).at("finish_reason").is_null());

    completion_builder builder;
    for (auto const& c : chunks) builder.add(c);
    auto const rebuilt = builder.completion({3, 2}, 9);
    auto const& choice = rebuilt.at("choices").at(0);
    BOOST_TEST(json::serialize(choice.at("message")) == json::serialize(stored.at("choices").at(0).at("message")));
    BOOST_TEST(choice.at("finish_reason").as_string() == "tool_calls");
    BOOST_TEST(rebuilt.at("usage").at("total_tokens").as_int64() == 5);
    BOOST_TEST(builder.finish_reason() == "tool_calls");
}

BOOST_AUTO_TEST_CASE(an_answer_without_content_is_a_role_and_a_finish) {
    auto const stored = json::parse(R"({"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""},
        "finish_reason":"length"}]})").as_object();
    auto const chunks = completion_chunks(stored, "id", 1);
    BOOST_TEST_REQUIRE(chunks.size() == 2u);
    BOOST_TEST(chunks[1].at("choices").at(0).at("finish_reason").as_string() == "length");
    BOOST_TEST(completion_chunks(json::object{{"choices", json::array{}}}, "id", 1).empty());
}

BOOST_AUTO_TEST_SUITE_END()
