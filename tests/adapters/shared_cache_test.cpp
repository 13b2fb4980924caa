// The cache's second level: two gateway instances sharing a real redis-server. An answer paid by
// one is served by the other; a burst spread over both makes one upstream call; a clear on one
// clears both; Redis frozen or killed never fails a request (the cache is bypassed, counted).
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
std::string body(std::string const& text = "Hello") {
    return R"({"model":"chat","temperature":0,"messages":[{"role":"user","content":")" + text + R"("}]})";
}

std::string config(mock_upstream const& up, redis_server const& redis, std::string const& cache = "") {
    return "server: {max_connections_per_ip: 1000}\nadmin: {api_key: cache-admin-key-0123456789}\n"
           "cache: {shared_sync: 20ms" + cache + "}\n"
           "resilience: {retry: {max_attempts: 1}}\nstore: {url: \"" + redis.url() +
           "\", timeout: 1s}\n"
           "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
           "\", api_key: k-upstream-000001}\nmodels:\n  chat: [p/m]\n";
}

json::object cache_stats(gateway_fixture& gw) {
    auto res = http_call(gw.port(), "GET", "/api/v1/stats", "", {{"Authorization", "Bearer cache-admin-key-0123456789"}});
    return json::parse(res.body).at("cache").as_object();
}

} // namespace

BOOST_AUTO_TEST_SUITE(shared_cache)

BOOST_AUTO_TEST_CASE(an_answer_paid_on_one_instance_is_served_by_another) {
    redis_server redis;
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "paid once")));
    gateway_fixture a(config(up, redis)), b(config(up, redis));
    BOOST_TEST(a.chat(body()).header("x-switchboard-cache") == "miss");
    // The write to the shared level runs after the answer: the other instance sees it shortly.
    client_response from_b;
    BOOST_TEST(eventually([&] {
        from_b = b.chat(body());
        return from_b.header("x-switchboard-cache") == "hit";
    }));
    BOOST_TEST(up.hits() == 1u);
    BOOST_TEST(json::parse(from_b.body).at("choices").at(0).at("message").at("content").as_string() == "paid once");
    BOOST_TEST(!from_b.header("age").empty());
    // Every key the cache wrote ends: entries, index, the set of tenants.
    for (auto const& key : redis.keys()) {
        if (key.rfind("sbc:", 0) != 0) continue;
        BOOST_TEST(redis.command({"PTTL", key}).integer > 0, key);
    }
    // b now holds it in memory too: Redis gone, b still answers it from memory.
    redis.freeze();
    BOOST_TEST(b.chat(body()).header("x-switchboard-cache") == "hit");
    redis.thaw();
}

BOOST_AUTO_TEST_CASE(an_entry_over_the_shared_size_cap_stays_on_its_instance) {
    redis_server redis;
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", std::string(3000, 'x'))));
    gateway_fixture a(config(up, redis, ", shared_max_entry_bytes: 2KiB")), b(config(up, redis, ", shared_max_entry_bytes: 2KiB"));
    BOOST_TEST(a.chat(body()).header("x-switchboard-cache") == "miss");
    BOOST_TEST(a.chat(body()).header("x-switchboard-cache") == "hit");
    std::this_thread::sleep_for(100ms); // a write would have landed by now
    BOOST_TEST(b.chat(body()).header("x-switchboard-cache") == "miss");
    BOOST_TEST(up.hits() == 2u);
}

// 100 identical calls at once, half on each instance: one upstream call in all.
BOOST_AUTO_TEST_CASE(a_hundred_identical_calls_over_two_instances_make_one_upstream_call) {
    redis_server redis;
    mock_upstream up;
    auto slow = canned_reply::json(200, completion_body("m", "one answer"));
    slow.delay = 400ms;
    up.always(slow);
    gateway_fixture a(config(up, redis), {}, 2), b(config(up, redis), {}, 2);
    std::vector<call_spec> calls;
    for (int i = 0; i < 100; ++i)
        calls.push_back(call_spec{i % 2 ? a.port() : b.port(), "POST", "/v1/chat/completions", body(), {}});
    std::map<std::string, int> seen;
    for (auto const& r : concurrent_calls(calls, 20s)) {
        ++seen[r.response.header("x-switchboard-cache")];
        ++seen["status " + std::to_string(r.response.status)];
    }
    BOOST_TEST_MESSAGE("miss " << seen["miss"] << ", coalesced " << seen["coalesced"] << ", hit " << seen["hit"]);
    BOOST_TEST(up.hits() == 1u);
    BOOST_TEST(seen["status 200"] == 100);
    BOOST_TEST(seen["miss"] == 1);
}

// The leader on one instance fails: its lease is given back, a leader elsewhere calls again,
// and the failure reaches only the leader's own client.
BOOST_AUTO_TEST_CASE(a_failed_leader_gives_its_lease_back_and_its_failure_is_never_shared) {
    redis_server redis;
    mock_upstream up;
    std::atomic<int> n{0};
    up.reply_with([&](recorded_request const&) {
        auto reply = ++n == 1 ? canned_reply::json(400, R"({"error":{"message":"no","type":"invalid_request_error"}})")
                              : canned_reply::json(200, completion_body("m", "second try"));
        reply.delay = 300ms;
        return reply;
    });
    gateway_fixture a(config(up, redis), {}, 2), b(config(up, redis), {}, 2);
    std::vector<call_spec> calls;
    for (int i = 0; i < 40; ++i)
        calls.push_back(call_spec{i % 2 ? a.port() : b.port(), "POST", "/v1/chat/completions", body(), {}});
    std::map<int, int> statuses;
    for (auto const& r : concurrent_calls(calls, 20s)) ++statuses[r.response.status];
    BOOST_TEST(up.hits() == 2u);
    BOOST_TEST(statuses[400] == 1);
    BOOST_TEST(statuses[200] == 39);
}

BOOST_AUTO_TEST_CASE(a_clear_on_one_instance_clears_every_instance) {
    redis_server redis;
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "kept")));
    gateway_fixture a(config(up, redis)), b(config(up, redis));
    BOOST_TEST(a.chat(body(), {{"x-switchboard-cache-tags", "gifts"}}).header("x-switchboard-cache") == "miss");
    BOOST_TEST(a.chat(body("Bye")).header("x-switchboard-cache") == "miss");
    std::vector<std::string> seen_by_b;
    BOOST_TEST(eventually([&] {
        seen_by_b.push_back(b.chat(body(), {{"x-switchboard-cache-tags", "gifts"}}).header("x-switchboard-cache"));
        return seen_by_b.back() == "hit";
    }));
    BOOST_TEST(seen_by_b.front() == "hit");
    BOOST_TEST(eventually([&] { return b.chat(body("Bye")).header("x-switchboard-cache") == "hit"; }));
    auto cleared = a.post("/api/v1/cache/clear", R"({"tag":"gifts"})",
                          {{"Authorization", "Bearer cache-admin-key-0123456789"}});
    BOOST_TEST(cleared.status == 200);
    BOOST_TEST(json::parse(cleared.body).at("cleared").as_int64() == 2); // a's memory and Redis
    // b drops it from its memory at its next sync; the untagged answer stays.
    BOOST_TEST(eventually([&] { return b.chat(body()).header("x-switchboard-cache") == "miss"; }));
    BOOST_TEST(b.chat(body("Bye")).header("x-switchboard-cache") == "hit");
    auto bad = a.post("/api/v1/cache/clear", R"({"namespace":"a\tb"})",
                      {{"Authorization", "Bearer cache-admin-key-0123456789"}});
    BOOST_TEST(bad.status == 400);
}

// Redis frozen, then killed: every call is answered by the provider, the cache says bypass for
// what its memory does not hold, and the failures are counted.
BOOST_AUTO_TEST_CASE(redis_frozen_or_killed_never_fails_a_call) {
    redis_server redis;
    mock_upstream up;
    up.always(canned_reply::json(200, completion_body("m", "fresh")));
    gateway_fixture gw(config(up, redis));
    BOOST_TEST(gw.chat(body("warm")).status == 200);
    redis.freeze();
    for (int i = 0; i < 5; ++i) {
        auto r = gw.chat(body("frozen " + std::to_string(i)));
        BOOST_TEST(r.status == 200);
        BOOST_TEST(r.header("x-switchboard-cache") == "bypass");
    }
    redis.thaw();
    redis.kill();
    for (int i = 0; i < 5; ++i) {
        auto r = gw.chat(body("killed " + std::to_string(i)));
        BOOST_TEST(r.status == 200);
        BOOST_TEST(r.header("x-switchboard-cache") == "bypass");
    }
    BOOST_TEST(gw.chat(body("frozen 0")).header("x-switchboard-cache") == "hit"); // kept in memory
    auto const stats = cache_stats(gw);
    BOOST_TEST(stats.at("shared_failures").as_int64() >= 10);
    BOOST_TEST(stats.at("bypasses").as_int64() >= 10);
    BOOST_TEST(up.hits() == 11u);
}

BOOST_AUTO_TEST_SUITE_END()
