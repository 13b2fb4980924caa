// Round trip through a mock speaking the Gemini generateContent wire format.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string config_for(mock_upstream const& up) {
    return "providers:\n  gemini: {kind: gemini, base_url: \"" + up.base_url("/v1beta") +
           "\", api_key: AIza-test-key-0001}\n";
}
} // namespace

BOOST_AUTO_TEST_SUITE(gemini_upstream)

BOOST_AUTO_TEST_CASE(chat_is_translated_both_ways) {
    mock_upstream up;
    up.always(canned_reply::json(200, R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Ciao"}]},
        "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4},
        "modelVersion":"gemini-2.0-flash"})"));
    gateway_fixture gw(config_for(up));
    auto res = gw.chat(
        R"({"model":"gemini-2.0-flash","max_tokens":20,"messages":[{"role":"user","content":"Hi"}]})");
    BOOST_TEST_REQUIRE(res.status == 200);
    auto body = json::parse(res.body);
    BOOST_TEST(body.at("choices").as_array()[0].at("message").at("content").as_string() == "Ciao");
    BOOST_TEST(body.at("usage").at("completion_tokens").as_int64() == 1);
    BOOST_TEST(body.at("model").as_string() == "gemini-2.0-flash");

    auto seen = up.requests().at(0);
    BOOST_TEST(seen.target == "/v1beta/models/gemini-2.0-flash:generateContent");
    BOOST_TEST(seen.header("x-goog-api-key") == "AIza-test-key-0001");
    BOOST_TEST(seen.target.find("key=") == std::string::npos); // key never in the URL
    auto sent = json::parse(seen.body);
    BOOST_TEST(sent.at("generationConfig").at("maxOutputTokens").as_int64() == 20);
    BOOST_TEST(sent.at("contents").as_array()[0].at("parts").as_array()[0].at("text").as_string() == "Hi");
}

BOOST_AUTO_TEST_CASE(model_names_cannot_escape_their_path_segment) {
    mock_upstream up;
    up.always(
        canned_reply::json(404, R"({"error":{"code":404,"message":"not found","status":"NOT_FOUND"}})"));
    gateway_fixture gw(config_for(up));
    auto res = gw.chat(chat_body("gemini/../../admin?x=1"));
    BOOST_TEST(res.status == 404);
    BOOST_TEST(up.requests().at(0).target == "/v1beta/models/..%2F..%2Fadmin%3Fx%3D1:generateContent");
}

BOOST_AUTO_TEST_CASE(embeddings_use_batch_embed_contents) {
    mock_upstream up;
    up.always(canned_reply::json(200, R"({"embeddings":[{"values":[0.5,0.25]}]})"));
    gateway_fixture gw(config_for(up));
    auto res = gw.post("/v1/embeddings", R"({"model":"gemini/text-embedding-004","input":"x"})");
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(json::parse(res.body).at("data").as_array()[0].at("embedding").as_array()[1].as_double() ==
               0.25);
    BOOST_TEST(up.requests().at(0).target == "/v1beta/models/text-embedding-004:batchEmbedContents");
}

BOOST_AUTO_TEST_SUITE_END()
