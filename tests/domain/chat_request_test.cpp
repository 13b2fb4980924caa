// Validation of chat-completion requests: what is accepted, and the code/param of each refusal.
#include "domain/ascii.hpp"
#include "domain/chat_request.hpp"
#include "domain/json_duplicates.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

namespace {
result<chat_request> parse(char const* text) {
    return parse_chat_request(json::parse(text));
}

void expect_invalid(char const* text, std::string const& param) {
    auto r = parse(text);
    BOOST_TEST_CONTEXT(text) {
        BOOST_TEST_REQUIRE(r.has_error());
        BOOST_TEST(r.error().code == errc::invalid_request);
        BOOST_TEST(r.error().param == param);
        BOOST_TEST(!r.error().message.empty());
    }
}
} // namespace

BOOST_AUTO_TEST_SUITE(chat_request_validation)

BOOST_AUTO_TEST_CASE(accepts_a_minimal_request_and_keeps_unknown_fields) {
    auto r = parse(R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"seed":7,
                      "response_format":{"type":"json_object"},"force_provider":"groq"})");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->model == "gpt-4o-mini");
    BOOST_TEST(r->messages.size() == 1u);
    BOOST_TEST(r->force_provider == "groq");
    BOOST_TEST(r->body.contains("response_format"));
    BOOST_TEST(!r->body.contains("force_provider")); // gateway-only field never goes upstream
}

BOOST_AUTO_TEST_CASE(accepts_content_parts_tools_and_tool_messages) {
    auto r = parse(R"({"model":"m","messages":[
        {"role":"system","content":"be brief"},
        {"role":"user","content":[{"type":"text","text":"what is this"},
                                  {"type":"image_url","image_url":{"url":"data:image/png;base64,AAA"}}]},
        {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
            "function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"c1","content":"42"}],
        "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
        "tool_choice":"auto","max_completion_tokens":100,"stop":["\n"]})");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(*r->max_tokens == 100);
    BOOST_TEST(r->stop.size() == 1u);
    BOOST_TEST(content_text(r->messages[1].content) == "what is this");
}

BOOST_AUTO_TEST_CASE(rejects_bodies_that_are_not_objects) {
    auto r = parse_chat_request(json::parse("[1,2]"));
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST(r.error().code == errc::invalid_request);
}

BOOST_AUTO_TEST_CASE(names_the_offending_parameter) {
    expect_invalid(R"({"messages":[{"role":"user","content":"hi"}]})", "model");
    expect_invalid(R"({"model":5,"messages":[{"role":"user","content":"hi"}]})", "model");
    expect_invalid(R"({"model":"","messages":[{"role":"user","content":"hi"}]})", "model");
    expect_invalid(R"({"model":"m"})", "messages");
    expect_invalid(R"({"model":"m","messages":"hi"})", "messages");
    expect_invalid(R"({"model":"m","messages":[]})", "messages");
    expect_invalid(R"({"model":"m","messages":[42]})", "messages[0]");
    expect_invalid(R"({"model":"m","messages":[{"content":"hi"}]})", "messages[0].role");
    expect_invalid(R"({"model":"m","messages":[{"role":"wizard","content":"hi"}]})", "messages[0].role");
    expect_invalid(R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"user"}]})",
                   "messages[1].content");
    expect_invalid(R"({"model":"m","messages":[{"role":"user","content":7}]})", "messages[0].content");
    expect_invalid(R"({"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]})",
                   "messages[0].content[0].text");
    expect_invalid(R"({"model":"m","messages":[{"role":"tool","content":"x"}]})", "messages[0].tool_call_id");
    expect_invalid(R"({"model":"m","messages":[{"role":"user","content":"x","tool_calls":[]}]})",
                   "messages[0].tool_calls");
}

BOOST_AUTO_TEST_CASE(rejects_absurd_values) {
    char const* base = R"({"model":"m","messages":[{"role":"user","content":"hi"}],)";
    auto with = [&](std::string extra) { return std::string(base) + extra + "}"; };
    expect_invalid(with(R"("temperature":3)").c_str(), "temperature");
    expect_invalid(with(R"("temperature":"hot")").c_str(), "temperature");
    expect_invalid(with(R"("top_p":-0.1)").c_str(), "top_p");
    expect_invalid(with(R"("max_tokens":0)").c_str(), "max_tokens");
    expect_invalid(with(R"("max_tokens":1.5)").c_str(), "max_tokens");
    expect_invalid(with(R"("max_tokens":99999999999)").c_str(), "max_tokens");
    expect_invalid(with(R"("n":1000)").c_str(), "n");
    expect_invalid(with(R"("presence_penalty":5)").c_str(), "presence_penalty");
    expect_invalid(with(R"("stop":["a","b","c","d","e"])").c_str(), "stop");
    expect_invalid(with(R"("stop":[1])").c_str(), "stop[0]");
    expect_invalid(with(R"("stream":"yes")").c_str(), "stream");
    expect_invalid(with(R"("tools":[{"type":"function","function":{}}])").c_str(), "tools[0].function.name");
    expect_invalid(with(R"("tool_choice":3)").c_str(), "tool_choice");
    expect_invalid(with(R"("force_provider":1)").c_str(), "force_provider");
}

BOOST_AUTO_TEST_CASE(assistant_may_omit_content_only_with_tool_calls) {
    expect_invalid(R"({"model":"m","messages":[{"role":"assistant"}]})", "messages[0].content");
}

BOOST_AUTO_TEST_CASE(a_key_given_twice_in_one_object_is_found) {
    using switchboard::domain::first_duplicate_key;
    BOOST_TEST(!first_duplicate_key(R"({"model":"a","messages":[]})"));
    BOOST_TEST(*first_duplicate_key(R"({"model":"a","model":"b"})") == "model");
    BOOST_TEST(*first_duplicate_key(R"({"m":[{"role":"user","role":"system"}]})") == "role");
    BOOST_TEST(*first_duplicate_key(R"({"mod\u0065l":"a","model":"b"})") == "model"); // escapes decoded
    BOOST_TEST(!first_duplicate_key(R"({"a":{"x":1},"b":{"x":1}})"));                 // one per object
    BOOST_TEST(!first_duplicate_key("{not json"));
    std::string many = "{";
    for (int i = 0; i < 5000; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    BOOST_TEST(!first_duplicate_key(many + "}"));
    BOOST_TEST(*first_duplicate_key(many + ",\"k4321\":1}") == "k4321");
}

// One pass builds the tree and finds the repeated key; the tree is Boost.JSON's own.
BOOST_AUTO_TEST_CASE(a_body_is_parsed_once_into_its_tree_or_its_flaw) {
    using switchboard::domain::checked_json;
    using switchboard::domain::parse_json_checked;
    std::string const text = R"({"model":"a","n":[1,-2,3.5,true,null,"x\u00e9"],"o":{"k":{"k":1}},"\u006b":2,"k":3})";
    auto dup = parse_json_checked(text);
    BOOST_TEST((dup.problem == checked_json::flaw::duplicate_key));
    BOOST_TEST(dup.duplicate_key == "k"); // an escaped key is compared decoded
    auto ok = parse_json_checked(text.substr(0, text.find(R"(,"\u006b")")) + "}");
    BOOST_TEST_REQUIRE(static_cast<bool>(ok));
    BOOST_TEST(ok.value == boost::json::parse(R"({"model":"a","n":[1,-2,3.5,true,null,"xé"],"o":{"k":{"k":1}}})"));
    for (std::string bad : {"", "{", "{} {}", "{\"a\":}", "[1,]", "nul"})
        BOOST_TEST((parse_json_checked(bad).problem == checked_json::flaw::not_json), bad);
    BOOST_TEST(parse_json_checked("[]  ").value.is_array()); // trailing white space is fine
}

// The SWAR check agrees with the byte-by-byte definition at every position and for every byte.
BOOST_AUTO_TEST_CASE(a_header_value_that_would_split_the_head_is_recognised_anywhere) {
    using switchboard::domain::breaks_header_line;
    for (int c = 0; c < 256; ++c) {
        bool const breaks = c == '\r' || c == '\n' || c == 0;
        for (std::size_t length = 1; length <= 19; ++length)
            for (std::size_t at = 0; at < length; ++at) {
                std::string text(length, 'a');
                text[at] = static_cast<char>(c);
                BOOST_TEST(breaks_header_line(text) == breaks, "byte " << c << " at " << at << " of " << length);
            }
    }
    BOOST_TEST(!breaks_header_line(""));
    BOOST_TEST(!breaks_header_line("\x8d\x8a\x80\xff\x0e\x0c\x0b\x09")); // bytes near CR, LF, NUL
}

BOOST_AUTO_TEST_SUITE_END()
