// The semantic cache: the index alone (an injected clock), then end to end over HTTP with the
// mock provider's embeddings (words shared → near vectors): a paraphrase above the threshold is
// answered from the cache, a prompt below it, another namespace or other parameters are not; with
// Redis, an instance serves what another kept, and one started later builds its index from it.
#include "adapters/cache/semantic_index.hpp"
#include "domain/mock_model.hpp"
#include "gateway_fixture.hpp"
#include "tests/support/load_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {
std::vector<float> embedding(std::string_view text) {
    return domain::mock_embedding_vector(text, 256);
}

std::string body(std::string const& text, std::string const& extra = R"("temperature":0)") {
    return R"({"model":"chat",)" + extra + R"(,"messages":[{"role":"system","content":"Be brief."},)"
           R"({"role":"user","content":")" + text + R"("}]})";
}

std::string config(mock_upstream const& up, std::string const& store = "", std::string const& chat_cache = "semantic: true") {
    return "admin: {api_key: cache-admin-key-0123456789}\ncache: {shared_sync: 20ms, similarity: {embedding_model: embed}, groups: {chat: {" + chat_cache + "}}}\n" +
           store + "resilience: {retry: {max_attempts: 1}}\nproviders:\n  p: {kind: openai, base_url: \"" +
           up.base_url("/v1") + "\", api_key: k-upstream-000001}\n  mock: {kind: mock}\n"
           "models:\n  chat: [p/m]\n  other: [p/m]\n  embed: [mock/mock-e]\n";
}

std::string cache_of(client_response const& r) {
    return r.header("x-switchboard-cache");
}

json::object cache_stats(gateway_fixture& gw) {
    auto res = http_call(gw.port(), "GET", "/api/v1/stats", "", {{"Authorization", "Bearer cache-admin-key-0123456789"}});
    return json::parse(res.body).at("cache").as_object();
}

std::int64_t semantic_entries(gateway_fixture& gw) {
    return cache_stats(gw).at("semantic_entries").as_int64();
}

} // namespace

BOOST_AUTO_TEST_SUITE(semantic_index_alone)

BOOST_AUTO_TEST_CASE(the_nearest_live_entry_with_the_same_rest_above_the_threshold_is_found) {
    std::int64_t now = 1000;
    adapters::semantic_index index(100, [&] { return now; });
    index.add({embedding("What is the capital of France?"), "rest-a", "k1", "acme", 5000});
    index.add({embedding("Tell me a joke about cats"), "rest-a", "k2", "acme", 5000});
    auto near = index.find(embedding("what is the capital city of France"), "rest-a", 0.85);
    BOOST_TEST_REQUIRE(near.has_value());
    BOOST_TEST(near->key == "k1");
    BOOST_TEST(near->similarity > 0.85);
    BOOST_TEST(!index.find(embedding("What is the capital of Spain?"), "rest-a", 0.85)); // 5 words of 6
    BOOST_TEST(!index.find(embedding("What is the capital of France?"), "rest-b", 0.85)); // other parameters
    now = 5000; // ended
    BOOST_TEST(!index.find(embedding("What is the capital of France?"), "rest-a", 0.85));
}

BOOST_AUTO_TEST_CASE(the_index_stays_bounded_and_clears_by_namespace) {
    std::int64_t now = 0;
    adapters::semantic_index index(3, [&] { return now; });
    for (int i = 0; i < 5; ++i)
        index.add({embedding("prompt number " + std::to_string(i)), "r", "k" + std::to_string(i),
                   i % 2 ? "acme/step_1" : "acme", 1000});
    BOOST_TEST(index.size() == 3u); // the two oldest gave their places
    BOOST_TEST(!index.find(embedding("prompt number 0"), "r", 0.99));
    BOOST_TEST(index.find(embedding("prompt number 4"), "r", 0.99)->key == "k4");
    BOOST_TEST(index.clear("acme/step_1") == 1u);
    BOOST_TEST(index.clear("acme") == 2u);
    BOOST_TEST(index.size() == 0u);
    index.add({{1.0f, 0.0f}, "r", "short", "acme", 1000}); // another length than the index's: not kept
    BOOST_TEST(index.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(semantic_cache)

BOOST_AUTO_TEST_CASE(a_paraphrase_above_the_threshold_is_answered_from_the_cache) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "Paris")));
    gateway_fixture gw(config(up));
    BOOST_TEST(cache_of(gw.chat(body("What is the capital of France?"))) == "miss");
    auto paraphrase = gw.chat(body("what is the capital city of France"));
    BOOST_TEST(cache_of(paraphrase) == "hit");
    BOOST_TEST(std::stod(paraphrase.header("x-switchboard-cache-similarity")) >= 0.85);
    BOOST_TEST(json::parse(paraphrase.body).at("choices").at(0).at("message").at("content").as_string() == "Paris");
    BOOST_TEST(up.hits() == 1u);
    // Below the threshold, other parameters, another namespace, a client that opts out: misses.
    BOOST_TEST(cache_of(gw.chat(body("What is the capital of Spain?"))) == "miss");
    BOOST_TEST(cache_of(gw.chat(body("what is the capital city of France", R"("temperature":0,"max_tokens":5)"))) ==
               "miss");
    BOOST_TEST(cache_of(gw.chat(body("what is the capital city of France"),
                                {{"x-switchboard-cache-namespace", "step_2"}})) == "miss");
    BOOST_TEST(cache_of(gw.chat(body("the capital of France, what is it"), {{"x-switchboard-cache-semantic", "off"}})) ==
               "miss");
    BOOST_TEST(gw.chat(body("x"), {{"x-switchboard-cache-semantic", "maybe"}}).status == 400);
    BOOST_TEST(up.hits() == 5u);
    auto const stats = cache_stats(gw);
    BOOST_TEST(stats.at("semantic_hits").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(a_group_that_does_not_opt_in_is_compared_exactly) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "Paris")));
    gateway_fixture gw(config(up, "", "semantic: false"));
    BOOST_TEST(cache_of(gw.chat(body("What is the capital of France?"))) == "miss");
    BOOST_TEST(cache_of(gw.chat(body("what is the capital city of France"))) == "miss");
    // The client may opt in for its call.
    BOOST_TEST(cache_of(gw.chat(body("What is the capital of France, please?"), {{"x-switchboard-cache-semantic", "on"}})) ==
               "miss"); // the first prompt was kept without its embedding
    BOOST_TEST(cache_of(gw.chat(body("what is the capital of France please"), {{"x-switchboard-cache-semantic", "on"}})) ==
               "hit");
    BOOST_TEST(up.hits() == 3u);
}

BOOST_AUTO_TEST_CASE(instances_sharing_redis_serve_each_others_paraphrases_and_a_new_one_rebuilds) {
    redis_server redis;
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "Paris")));
    std::string const store = "store: {url: \"" + redis.url() + "\", timeout: 1s}\n";
    gateway_fixture a(config(up, store)), b(config(up, store));
    BOOST_TEST(cache_of(a.chat(body("What is the capital of France?"))) == "miss");
    // b learns of the entry at its next sync (every 20 ms here).
    BOOST_TEST(eventually([&] { return semantic_entries(b) == 1; }));
    BOOST_TEST(cache_of(b.chat(body("what is the capital city of France"))) == "hit");
    BOOST_TEST(up.hits() == 1u);
    gateway_fixture c(config(up, store)); // started later: its first sync reads every entry
    BOOST_TEST(eventually([&] { return semantic_entries(c) == 1; }));
    BOOST_TEST(cache_of(c.chat(body("France: what is the capital"))) == "hit");
    BOOST_TEST(up.hits() == 1u);
}

// Seed 003 under pressure: a 429 storm drives the gateway critical; a P2 call is then answered
// from the cache, exactly or by a paraphrase (semantic even where the group did not opt in),
// rather than shed; a P2 call the cache cannot answer is shed as before.
BOOST_AUTO_TEST_CASE(under_pressure_p1_and_p2_calls_are_served_from_the_cache_before_they_are_shed) {
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "Paris")));
    gateway_fixture gw(config(up, "", "semantic: false"));
    // Kept with its embedding (this client opted in); the group's other calls are not compared by
    // meaning — until the gateway is under pressure.
    BOOST_TEST(cache_of(gw.chat(body("What is the capital of France?"), {{"x-switchboard-cache-semantic", "on"}})) ==
               "miss");
    BOOST_TEST(cache_of(gw.chat(body("what is the capital city of France"))) == "miss");
    up.always(canned_reply::json(429, R"({"error":{"message":"slow down"}})"));
    for (int i = 0; i < 12; ++i) gw.chat(body("storm " + std::to_string(i)), {{"X-Priority", "P0"}});
    BOOST_TEST_REQUIRE(gw.get("/api/health").header("x-switchboard-mode") == "critical");
    auto const calls_before = up.hits();
    auto exact = gw.chat(body("What is the capital of France?"), {{"X-Priority", "P2"}});
    BOOST_TEST(exact.status == 200);
    BOOST_TEST(cache_of(exact) == "hit");
    auto similar = gw.chat(body("France: what is the capital"), {{"X-Priority", "P2"}});
    BOOST_TEST(similar.status == 200);
    BOOST_TEST(cache_of(similar) == "hit");
    BOOST_TEST(!similar.header("x-switchboard-cache-similarity").empty());
    auto shed = gw.chat(body("Something never asked"), {{"X-Priority", "P2"}});
    BOOST_TEST(shed.status == 429);
    BOOST_TEST(json::parse(shed.body).at("error").at("code").as_string() == "priority_shed");
    BOOST_TEST(up.hits() == calls_before); // nothing reached the provider
}

BOOST_AUTO_TEST_SUITE_END()
