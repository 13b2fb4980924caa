// The deterministic mock provider's answers.
#include "domain/base64.hpp"
#include "domain/mock_model.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace switchboard::domain;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(mock_model)

BOOST_AUTO_TEST_CASE(chat_is_deterministic_and_echoes_the_last_user_message) {
    auto r = *parse_chat_request(json::parse(R"({"model":"m","messages":[{"role":"user","content":"first"},
        {"role":"assistant","content":"ok"},{"role":"user","content":"second one"}]})"));
    auto a = mock_chat_completion(r, "mock-1", "id1", 1);
    auto b = mock_chat_completion(r, "mock-1", "id1", 1);
    BOOST_TEST(json::serialize(a.body) == json::serialize(b.body));
    auto const& msg = a.body.at("choices").as_array()[0].at("message");
    BOOST_TEST(msg.at("content").as_string() == "Mock reply from mock-1: second one");
    BOOST_TEST(a.usage.completion_tokens == 6); // one token per word
    BOOST_TEST(a.usage.prompt_tokens > 0);
}

BOOST_AUTO_TEST_CASE(max_tokens_cuts_the_reply_with_finish_reason_length) {
    auto r = *parse_chat_request(
        json::parse(R"({"model":"m","max_tokens":2,"messages":[{"role":"user","content":"a b c d"}]})"));
    auto reply = mock_chat_reply(r, "mock-1");
    BOOST_TEST(reply.pieces.size() == 2u);
    BOOST_TEST(reply.finish_reason == "length");
}

BOOST_AUTO_TEST_CASE(embeddings_are_unit_vectors_stable_per_text) {
    auto v1 = mock_embedding_vector("hello", 16);
    auto v2 = mock_embedding_vector("hello", 16);
    auto v3 = mock_embedding_vector("world", 16);
    BOOST_TEST(v1 == v2);
    BOOST_TEST(v1 != v3);
    double norm = 0;
    for (float x : v1) norm += double(x) * x;
    BOOST_TEST(std::sqrt(norm) == 1.0, boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(base64_embeddings_carry_little_endian_floats) {
    auto r = *parse_embedding_request(
        json::parse(R"({"model":"m","input":"x","dimensions":3,"encoding_format":"base64"})"));
    auto out = mock_embeddings(r, "m");
    auto const& encoded = out.body.at("data").as_array()[0].at("embedding").as_string();
    BOOST_TEST(encoded.size() == 16u); // 12 bytes → 16 base64 characters
    BOOST_TEST(base64_encode("Man") == "TWFu");
    BOOST_TEST(base64_encode("Ma") == "TWE=");
    BOOST_TEST(base64_encode("M") == "TQ==");
}

BOOST_AUTO_TEST_SUITE_END()
