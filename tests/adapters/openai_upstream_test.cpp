// Round trips through an OpenAI-compatible upstream speaking the real wire format.
#include "gateway_fixture.hpp"
#include "stream_helpers.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::testing;
namespace json = boost::json;

namespace {
constexpr char const* completion = R"({"id":"chatcmpl-1","object":"chat.completion","created":1,
  "model":"llama-3.1-8b-instant","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},
  "finish_reason":"stop"}],"usage":{"prompt_tokens":1000000,"completion_tokens":1000000,"total_tokens":2000000}})";

std::string config_for(mock_upstream const& up) {
    return "providers:\n  groq: {kind: openai, base_url: \"" + up.base_url("/openai/v1") +
           "\", api_key: \"${GROQ_KEY}\"}\n"
           "models:\n  chat-default: [groq/llama-3.1-8b-instant]\n"
           "  embed: [{provider: groq, model: text-embedding-3-small}]\n";
}
} // namespace

BOOST_AUTO_TEST_SUITE(openai_upstream)

BOOST_AUTO_TEST_CASE(chat_round_trip_carries_model_usage_cost_and_headers) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion));
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "gsk-test-secret-123456"}});

    auto res = gw.chat(R"({"model":"chat-default","messages":[{"role":"user","content":"Hello"}],"seed":5})",
                       {{"X-Request-Id", "req-abc"}});
    BOOST_TEST_REQUIRE(res.status == 200);
    auto body = json::parse(res.body);
    BOOST_TEST(body.at("model").as_string() == "llama-3.1-8b-instant");
    BOOST_TEST(body.at("choices").as_array()[0].at("message").at("content").as_string() == "Hi!");
    BOOST_TEST(body.at("usage").at("total_tokens").as_int64() == 2000000);
    BOOST_TEST(res.header("x-switchboard-provider") == "groq");
    BOOST_TEST(res.header("x-switchboard-attempts") == "1");
    BOOST_TEST(res.header("x-request-id") == "req-abc");
    BOOST_TEST(res.header("x-switchboard-cost-usd") == "0.13000000"); // $0.05 + $0.08 per 1M

    auto seen = up.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(seen[0].target == "/openai/v1/chat/completions");
    BOOST_TEST(seen[0].header("authorization") == "Bearer gsk-test-secret-123456");
    BOOST_TEST(seen[0].header("x-request-id") == "req-abc");
    auto sent = json::parse(seen[0].body);
    BOOST_TEST(sent.at("model").as_string() == "llama-3.1-8b-instant");
    BOOST_TEST(sent.at("seed").as_int64() == 5);

    auto totals = gw.runtime().ledger().snapshot();
    BOOST_TEST_REQUIRE(totals.size() == 1u);
    BOOST_TEST(totals[0].cost_usd == 0.13, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_header_value_with_a_line_break_is_dropped_not_split_into_another_header) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion));
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "gsk-key\r\nX-Injected: yes"}});
    BOOST_TEST(gw.chat(R"({"model":"chat-default","messages":[{"role":"user","content":"Hello"}]})").status == 200);
    auto seen = up.requests();
    BOOST_TEST_REQUIRE(seen.size() == 1u);
    BOOST_TEST(seen[0].header("x-injected") == "");
    BOOST_TEST(seen[0].header("authorization") == "");
    BOOST_TEST(json::parse(seen[0].body).at("model").as_string() == "llama-3.1-8b-instant"); // the body intact
}

BOOST_AUTO_TEST_CASE(embeddings_round_trip) {
    mock_upstream up;
    up.always(canned_reply::json(200, R"({"object":"list","data":[{"object":"embedding","index":0,
        "embedding":[0.1,0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}})"));
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "k-123456789012"}});
    auto res = gw.post("/v1/embeddings", R"({"model":"embed","input":"hi"})");
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(json::parse(res.body).at("data").as_array()[0].at("embedding").as_array().size() == 2u);
    BOOST_TEST(up.requests().at(0).target == "/openai/v1/embeddings");
}

BOOST_AUTO_TEST_CASE(connections_to_the_upstream_are_reused) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion));
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "k-123456789012"}});
    for (int i = 0; i < 3; ++i) BOOST_TEST(gw.chat(chat_body("chat-default")).status == 200);
    BOOST_TEST(up.hits() == 3u);
    BOOST_TEST(up.connections() == 1u); // one keep-alive connection served all three
}

BOOST_AUTO_TEST_CASE(a_pooled_connection_the_upstream_closed_is_replaced_without_a_failed_attempt) {
    mock_upstream up;
    auto reply = canned_reply::json(200, completion);
    reply.misbehave = canned_reply::fault::close_after_reply;
    up.always(reply);
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "k-123456789012"}});
    for (int i = 0; i < 3; ++i) {
        auto res = gw.chat(chat_body("chat-default"));
        BOOST_TEST(res.status == 200);
        BOOST_TEST(res.header("x-switchboard-attempts") == "1");
    }
    BOOST_TEST(up.hits() == 3u); // each request reached the upstream exactly once
    BOOST_TEST(up.connections() == 3u);
}

BOOST_AUTO_TEST_CASE(spare_connections_are_made_ahead_so_a_request_does_not_connect_on_its_path) {
    mock_upstream up;
    auto reply = canned_reply::json(200, completion);
    reply.headers.emplace_back("Connection", "close"); // one request per connection
    up.always(reply);
    gateway_fixture gw("providers:\n  groq: {kind: openai, base_url: \"" + up.base_url("/openai/v1") +
                           "\", api_key: k-123456789012, preconnect: 2}\n"
                           "models:\n  chat-default: [groq/llama-3.1-8b-instant]\n",
                       {});
    // The first request connects on demand and makes no spare (none came before it: a spare
    // might never be taken); the second connects too, and its answer starts two spares.
    BOOST_TEST(gw.chat(chat_body("chat-default")).status == 200);
    BOOST_TEST(gw.chat(chat_body("chat-default")).status == 200);
    BOOST_TEST_REQUIRE(eventually([&] { return up.connections() == 4u; }));
    for (std::size_t i = 1; i <= 4; ++i) {
        auto const sent = std::chrono::steady_clock::now();
        auto res = gw.chat(chat_body("chat-default"));
        BOOST_TEST(res.status == 200);
        BOOST_TEST(res.header("x-switchboard-attempts") == "1");
        // It went on a spare, connected before it was sent; its answer started the next spare.
        BOOST_TEST((up.requests().back().connection_accepted < sent));
        BOOST_TEST_REQUIRE(eventually([&] { return up.connections() == 4u + i; }));
    }
    // A stream takes a spare too, and its response head starts the next one.
    auto stream_reply = canned_reply::sse(openai_stream({"Hi", "!"}));
    stream_reply.headers.emplace_back("Connection", "close");
    up.always(stream_reply);
    auto const sent = std::chrono::steady_clock::now();
    auto streamed = gw.post("/v1/chat/completions",
                            R"({"model":"chat-default","stream":true,"messages":[{"role":"user","content":"Hi"}]})");
    BOOST_TEST(read_stream(streamed).content == "Hi!");
    BOOST_TEST((up.requests().back().connection_accepted < sent));
    BOOST_TEST_REQUIRE(eventually([&] { return up.connections() == 9u; }));
    BOOST_TEST(up.hits() == 7u); // the spares sent nothing of their own
}

BOOST_AUTO_TEST_CASE(models_lists_groups_and_deployments) {
    mock_upstream up;
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "k-123456789012"}});
    auto res = gw.get("/v1/models");
    BOOST_TEST_REQUIRE(res.status == 200);
    auto body = json::parse(res.body);
    BOOST_TEST(body.at("object").as_string() == "list");
    std::vector<std::string> ids;
    for (auto const& m : body.at("data").as_array()) ids.emplace_back(m.at("id").as_string());
    BOOST_TEST((std::find(ids.begin(), ids.end(), "chat-default") != ids.end()));
    BOOST_TEST((std::find(ids.begin(), ids.end(), "groq/llama-3.1-8b-instant") != ids.end()));
}

BOOST_AUTO_TEST_CASE(one_model_is_retrieved_by_id_in_the_openai_shape) {
    mock_upstream up;
    gateway_fixture gw(config_for(up), {{"GROQ_KEY", "k-123456789012"}});
    auto group = gw.get("/v1/models/chat-default");
    BOOST_TEST_REQUIRE(group.status == 200);
    auto body = json::parse(group.body);
    BOOST_TEST(body.at("id").as_string() == "chat-default");
    BOOST_TEST(body.at("object").as_string() == "model");
    BOOST_TEST(body.at("owned_by").as_string() == "switchboard");
    for (auto path : {"/v1/models/groq/llama-3.1-8b-instant", "/v1/models/groq%2Fllama-3.1-8b-instant"}) {
        auto pair = gw.get(path);
        BOOST_TEST_REQUIRE(pair.status == 200, path);
        BOOST_TEST(json::parse(pair.body).at("id").as_string() == "groq/llama-3.1-8b-instant");
        BOOST_TEST(json::parse(pair.body).at("owned_by").as_string() == "groq");
    }
    auto missing = gw.get("/v1/models/no-such-model");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(json::parse(missing.body).at("error").at("code").as_string() == "model_not_found");
    BOOST_TEST(gw.get("/v1/models/bad%zzescape").status == 400);
    BOOST_TEST(gw.get("/v1/models/").status == 404); // no id: no such route
    BOOST_TEST(gw.post("/v1/models/chat-default", "{}").status == 405);
}

BOOST_AUTO_TEST_SUITE_END()
