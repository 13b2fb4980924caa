#include "domain/sse.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(sse)

BOOST_AUTO_TEST_CASE(events_survive_any_split_and_any_line_ending) {
    std::string const stream = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n"
                               ": keep-alive\n\n"
                               "data: first\ndata: second\n\n"
                               "id: 7\nretry: 100\ndata: [DONE]\r\r";
    for (std::size_t split = 1; split <= stream.size(); ++split) {
        sse_parser p;
        std::vector<sse_event> got;
        for (std::size_t at = 0; at < stream.size(); at += split) {
            auto events = p.feed(std::string_view(stream).substr(at, split));
            BOOST_TEST_REQUIRE(events.has_value());
            got.insert(got.end(), events->begin(), events->end());
        }
        BOOST_TEST_CONTEXT("split " << split) {
            BOOST_TEST_REQUIRE(got.size() == 3u);
            BOOST_TEST(got[0].event == "message_start");
            BOOST_TEST(got[0].data == "{\"a\":1}");
            BOOST_TEST(got[1].data == "first\nsecond");
            BOOST_TEST(got[2].event == "");
            BOOST_TEST(got[2].data == "[DONE]");
            BOOST_TEST(!p.partial());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_cut_event_is_partial_and_an_endless_one_is_refused) {
    sse_parser p;
    BOOST_TEST(p.feed("data: {\"choices\":[").value().empty());
    BOOST_TEST(p.partial());
    sse_parser small(64);
    BOOST_TEST(!small.feed(std::string(100, 'x')).has_value());
    // However it arrives: whole lines, or a line in pieces (kept until its end comes).
    sse_parser whole(64);
    BOOST_TEST(!whole.feed("data: " + std::string(60, 'x') + "\n\n").has_value());
    sse_parser pieces(64);
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) refused = !pieces.feed(i < 6 ? "data: "s.substr(i, 1) : "x").has_value();
    BOOST_TEST(refused);
    sse_parser fits(64);
    auto const events = fits.feed("data: " + std::string(50, 'x') + "\r\n\r\n");
    BOOST_TEST_REQUIRE(events.has_value());
    BOOST_TEST(events->size() == 1u);
}

BOOST_AUTO_TEST_CASE(framing) {
    BOOST_TEST(sse_data("{}") == "data: {}\n\n");
    BOOST_TEST(sse_named("chat.error", "{}") == "event: chat.error\ndata: {}\n\n");
}

BOOST_AUTO_TEST_SUITE_END()

#include "domain/stream_resume.hpp"

BOOST_AUTO_TEST_SUITE(stream_resume)

BOOST_AUTO_TEST_CASE(a_regenerated_answer_continues_only_past_an_exact_prefix) {
    using v = prefix_verifier::verdict;
    std::string rest;
    prefix_verifier same("The answer is");
    BOOST_TEST((same.feed("The ", rest) == v::pending));
    BOOST_TEST((same.feed("answer", rest) == v::pending));
    BOOST_TEST((same.feed(" is 42", rest) == v::matched));
    BOOST_TEST(rest == " 42");
    BOOST_TEST((same.feed(".", rest) == v::matched));
    BOOST_TEST(rest == ".");

    prefix_verifier other("The answer is");
    BOOST_TEST((other.feed("The ", rest) == v::pending));
    BOOST_TEST((other.feed("reply", rest) == v::mismatch));
    BOOST_TEST((other.feed(" is", rest) == v::mismatch)); // stays refused

    prefix_verifier shorter("The answer is");
    BOOST_TEST((shorter.feed("The", rest) == v::pending));
    BOOST_TEST((shorter.end() == v::mismatch)); // ended before covering what was sent

    prefix_verifier exact("Hi");
    BOOST_TEST((exact.feed("Hi", rest) == v::matched));
    BOOST_TEST(rest.empty());
}

BOOST_AUTO_TEST_SUITE_END()
