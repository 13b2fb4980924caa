// The stream rules without a socket: hold, commit, resume by prefill or verified regeneration.
#include "domain/stream_commit.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using kind = stream_commit::decision::kind;
namespace json = boost::json;

namespace {
chunk_facts text(std::string t) {
    return {std::move(t), false};
}
chunk_facts role() {
    return {};
}
chunk_facts finish() {
    return {"", true};
}
} // namespace

BOOST_AUTO_TEST_SUITE(stream_commit_suite)

BOOST_AUTO_TEST_CASE(one_test_of_substance_for_chunks_and_deltas) {
    auto facts = [](char const* chunk) { return chunk_facts_of(json::parse(chunk).as_object()); };
    BOOST_TEST(!facts(R"({"choices":[{"delta":{"role":"assistant","content":""}}]})").substantive());
    BOOST_TEST(!facts(R"({"choices":[{"delta":{"role":"assistant","refusal":null,"tool_calls":[]}}]})").substantive());
    BOOST_TEST(facts(R"({"choices":[{"delta":{"content":"Hi"}}]})").text == "Hi");
    BOOST_TEST(facts(R"({"choices":[{"delta":{},"finish_reason":"stop"}]})").other);
    BOOST_TEST(facts(R"({"choices":[{"delta":{"tool_calls":[{"index":0}]}}]})").other);
    BOOST_TEST(facts(R"({"choices":[{"delta":{"refusal":"I can't"}}]})").other);
    BOOST_TEST(!facts(R"({"choices":"nope"})").substantive());
}

BOOST_AUTO_TEST_CASE(nothing_reaches_the_client_before_the_first_content) {
    stream_commit s;
    s.attempt(stream_commit::resume_mode::none);
    BOOST_TEST((s.on_chunk(role()).what == kind::hold));
    BOOST_TEST(!s.committed()); // a failure now falls back unseen
    BOOST_TEST((s.on_chunk(text("Hel")).what == kind::commit));
    s.sent("Hel");
    BOOST_TEST((s.on_chunk(text("lo")).what == kind::forward));
    s.sent("lo");
    BOOST_TEST(s.text() == "Hello");
}

BOOST_AUTO_TEST_CASE(a_prefill_resume_forwards_the_continuation_and_skips_its_role) {
    stream_commit s;
    s.attempt(stream_commit::resume_mode::none);
    s.on_chunk(text("Hel"));
    s.sent("Hel");
    s.attempt(stream_commit::resume_mode::prefill);
    BOOST_TEST((s.on_chunk(role()).what == kind::skip));
    BOOST_TEST((s.on_chunk(text("lo")).what == kind::forward));
    s.attempt_ended();
    BOOST_TEST(!s.rejected());
}

BOOST_AUTO_TEST_CASE(a_regeneration_is_held_until_verified_then_only_the_new_text_goes) {
    stream_commit s;
    s.attempt(stream_commit::resume_mode::none);
    s.on_chunk(text("Hello, "));
    s.sent("Hello, ");
    s.attempt(stream_commit::resume_mode::regenerate);
    BOOST_TEST((s.on_chunk(role()).what == kind::skip));
    BOOST_TEST((s.on_chunk(text("Hel")).what == kind::skip)); // the client has it
    auto d = s.on_chunk(text("lo, world"));
    BOOST_TEST((d.what == kind::resumed));
    BOOST_TEST(d.remainder == "world");
    BOOST_TEST((s.on_chunk(finish()).what == kind::forward)); // verified: as usual from here
}

BOOST_AUTO_TEST_CASE(a_regeneration_that_departs_or_stops_short_is_rejected) {
    stream_commit departs;
    departs.attempt(stream_commit::resume_mode::none);
    departs.on_chunk(text("Hello"));
    departs.sent("Hello");
    departs.attempt(stream_commit::resume_mode::regenerate);
    BOOST_TEST((departs.on_chunk(text("Howdy")).what == kind::reject));
    BOOST_TEST(departs.rejected());

    stream_commit short_answer;
    short_answer.attempt(stream_commit::resume_mode::none);
    short_answer.on_chunk(text("Hello"));
    short_answer.sent("Hello");
    short_answer.attempt(stream_commit::resume_mode::regenerate);
    BOOST_TEST((short_answer.on_chunk(text("Hel")).what == kind::skip));
    BOOST_TEST((short_answer.on_chunk(finish()).what == kind::reject)); // finished before covering it
    short_answer.attempt(stream_commit::resume_mode::regenerate);
    short_answer.on_chunk(text("He"));
    short_answer.attempt_ended(); // the stream ended unverified
    BOOST_TEST(short_answer.rejected());
}

BOOST_AUTO_TEST_SUITE_END()
