// The streaming scan of an OpenAI chat answer agrees with reading the same text as a tree.
#include "domain/openai_answer_scan.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <vector>

using namespace switchboard::domain;
namespace json = boost::json;

namespace {
// The same facts read from a parsed tree: the reference the scan must match.
openai_answer_facts from_tree(std::string_view text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return {"not a JSON object"};
    auto const& o = v.as_object();
    auto const* choices = o.if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty()) return {"no choices"};
    for (auto const& c : choices->as_array()) {
        if (!c.is_object()) return {"choice is not an object"};
        auto const* m = c.as_object().if_contains("message");
        if (!m || !m->is_object()) return {"choice has no message"};
    }
    openai_answer_facts f;
    if (auto const* m = o.if_contains("model"); m && m->is_string()) f.model = std::string(m->as_string());
    if (auto const* u = o.if_contains("usage"); u && u->is_object()) {
        f.has_usage = true;
        // The wire's tree reader: a count that is not a non-negative integer is marked invalid.
        auto count = [&](char const* key) { return count_field(u->as_object(), key); };
        f.prompt_tokens = count("prompt_tokens");
        f.completion_tokens = count("completion_tokens");
        if (auto const* d = u->as_object().if_contains("prompt_tokens_details"); d && d->is_object())
            f.cached_tokens = std::max<std::int64_t>(0, count_field(d->as_object(), "cached_tokens"));
    }
    return f;
}
} // namespace

BOOST_AUTO_TEST_SUITE(openai_answer_scan)

BOOST_AUTO_TEST_CASE(a_usual_answer_gives_its_model_and_usage) {
    auto const f = scan_openai_answer(R"({"id":"chatcmpl-1","object":"chat.completion","created":1,
        "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"hi",
        "tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{\"model\":\"x\"}"}}]},
        "finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
        "prompt_tokens_details":{"cached_tokens":4,"prompt_tokens":99}}})");
    BOOST_TEST(f.problem == "");
    BOOST_TEST_REQUIRE(f.model.has_value());
    BOOST_TEST(*f.model == "gpt-4o-mini-2024-07-18");
    BOOST_TEST(f.has_usage);
    BOOST_TEST(f.prompt_tokens == 9); // not the nested 99
    BOOST_TEST(f.completion_tokens == 2);
    BOOST_TEST(f.cached_tokens == 4); // the provider's prompt cache
}

BOOST_AUTO_TEST_CASE(every_answer_reads_the_same_as_from_a_tree) {
    std::vector<std::string> const answers{
        R"({"model":"m","choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1,"completion_tokens":2}})",
        R"({"model":"m","choices":[{"message":{}}]})",                                   // no usage
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens_details":{"cached_tokens":3},"prompt_tokens":5}})",
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens_details":{"cached_tokens":-3}}})",
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens_details":[{"cached_tokens":3}]}})",
        R"({"model":7,"choices":[{"message":{}}],"usage":{}})",                          // model not a string
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens":-3,"completion_tokens":2.5}})",
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens":18446744073709551615}})", // uint64
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens":9223372036854775807,"completion_tokens":null}})",
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens":"7","completion_tokens":true}})",
        R"({"choices":[{"message":{}}],"usage":{"prompt_tokens":{},"completion_tokens":[3]}})",
        R"({"choices":[{"message":{}}],"usage":[1,2]})",                                 // usage not an object
        R"({"mod\u0065l":"m\u00e9\"x","ch\u006fices":[{"m\u0065ssage":{}}],"usage":{"pr\u006fmpt_tokens":5}})",
        R"({"model":"a","model":"b","choices":[{"message":{}}]})",                       // the last wins
        R"({"choices":[{"message":{}},{"message":{},"extra":[{"message":1}]}]})",
        R"([])", R"("text")", R"({"choices":[)", R"({} x)", R"({"a":1}{"b":2})", "{\"model\":\"\xff\"}",
        R"({})", R"({"choices":{}})", R"({"choices":[]})", R"({"choices":null})",
        R"({"choices":[1]})", R"({"choices":[[]]})", R"({"choices":[{}]})", R"({"choices":[{"message":"x"}]})",
        R"({"choices":[{"message":null},1]})", R"({"choices":[1,{"message":null}]})",
        R"({"choices":[{"message":{}},{"message":[]}]})",
        R"({"choices":[{"message":{},"message":1}]})", R"({"choices":[{"message":1,"message":{}}]})",
        "  {\"choices\":[{\"message\":{}}]}\n", // whitespace around the document
    };
    for (auto const& text : answers) {
        auto const scanned = scan_openai_answer(text);
        auto const expected = from_tree(text);
        BOOST_TEST(scanned.problem == expected.problem, text);
        BOOST_TEST(scanned.model.has_value() == expected.model.has_value(), text);
        if (scanned.model && expected.model) BOOST_TEST(*scanned.model == *expected.model, text);
        BOOST_TEST(scanned.has_usage == expected.has_usage, text);
        BOOST_TEST(scanned.prompt_tokens == expected.prompt_tokens, text);
        BOOST_TEST(scanned.completion_tokens == expected.completion_tokens, text);
        BOOST_TEST(scanned.cached_tokens == expected.cached_tokens, text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
