// The REST cache's second level: two gateway instances sharing a real redis-server. A GET paid
// by one is served by the other; a stale answer kept by one is revalidated by the other with the
// provider that gave it; a burst of identical GETs over both makes one upstream call; a failed
// call is never shared.
#include "gateway_fixture.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/load_client.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {
std::string const weather_path = "/api/v1/services/weather/now?city=Paris";

// One weather endpoint cached 10 minutes, served by `first` then `second`.
std::string config(mock_upstream const& first, mock_upstream const& second, redis_server const& redis) {
    return "server: {max_connections_per_ip: 1000}\n"
           "timeouts: {attempt: 2s, request: 10s}\n"
           "resilience: {retry: {max_attempts: 1}}\n"
           "store: {url: \"" + redis.url() + "\", timeout: 1s}\n"
           "providers:\n"
           "  first: {kind: rest, base_url: \"" + first.base_url("/v2") + "\", usd_per_call: 0.002}\n"
           "  second: {kind: rest, base_url: \"" + second.base_url("/v2") + "\", usd_per_call: 0.001}\n"
           "services:\n"
           "  weather:\n"
           "    now:\n"
           "      cache_ttl: 10m\n"
           "      params: {city: {type: string, required: true}}\n"
           "      providers:\n"
           "        - {provider: first, path: \"/current/{city}\", output: {temperature: /main/temp}}\n"
           "        - {provider: second, path: \"/current/{city}\", output: {temperature: /main/temp}}\n";
}

client_response weather(gateway_fixture const& gw) { return http_call(gw.port(), "GET", weather_path); }

double temperature(client_response const& r) { return json::parse(r.body).at("temperature").to_number<double>(); }
} // namespace

BOOST_AUTO_TEST_SUITE(rest_shared_cache)

BOOST_AUTO_TEST_CASE(a_get_paid_on_one_instance_is_served_by_another) {
    redis_server redis;
    mock_upstream first, second;
    first.always(canned_reply::json(200, R"({"main":{"temp":12.5}})"));
    gateway_fixture a(config(first, second, redis)), b(config(first, second, redis));
    auto const paid = weather(a);
    BOOST_TEST_REQUIRE(paid.status == 200, paid.body);
    BOOST_TEST(paid.header("x-switchboard-cache") == "miss");
    client_response from_b;
    BOOST_TEST(eventually([&] { // the shared write lands after the answer
        from_b = weather(b);
        return from_b.header("x-switchboard-cache") == "hit";
    }));
    BOOST_TEST(first.hits() == 1u);
    BOOST_TEST(second.hits() == 0u);
    BOOST_TEST(temperature(from_b) == 12.5);
    BOOST_TEST(from_b.header("x-switchboard-provider") == "first"); // who served it, not "cache"
    BOOST_TEST(from_b.header("x-switchboard-cost-usd") == "0.00000000");
    BOOST_TEST(from_b.header("etag") == paid.header("etag"));
    // Every key the cache wrote ends.
    for (auto const& key : redis.keys())
        if (key.rfind("sbc:", 0) == 0) BOOST_TEST(redis.command({"PTTL", key}).integer > 0, key);
}

BOOST_AUTO_TEST_CASE(a_stale_answer_kept_by_one_instance_is_revalidated_by_another_with_its_provider) {
    redis_server redis;
    mock_upstream first, second;
    // The second provider gave the answer (the first one failing), with a validator and no freshness.
    first.always(canned_reply::json(503, R"({"error":"down"})"));
    std::atomic<int> conditional{0};
    second.reply_with([&](recorded_request const& req) {
        if (req.header("if-none-match") == "\"v7\"") {
            ++conditional;
            auto same = canned_reply::json(304, "");
            same.headers = {{"etag", "\"v7\""}, {"cache-control", "max-age=0"}};
            return same;
        }
        auto fresh = canned_reply::json(200, R"({"main":{"temp":7}})");
        fresh.headers = {{"etag", "\"v7\""}, {"cache-control", "max-age=0"}};
        return fresh;
    });
    gateway_fixture a(config(first, second, redis)), b(config(first, second, redis));
    BOOST_TEST_REQUIRE(weather(a).status == 200);
    BOOST_TEST(second.hits() == 1u);
    // b has nothing in memory: it reads a's stale entry from Redis and revalidates it with the
    // provider that gave it (the second). The first is still asked first, but never with the
    // second's validator.
    client_response again;
    BOOST_TEST(eventually([&] {
        again = weather(b);
        return again.header("x-switchboard-cache") == "revalidated";
    }));
    BOOST_TEST(again.status == 200);
    BOOST_TEST(temperature(again) == 7);
    BOOST_TEST(conditional.load() >= 1);
    for (auto const& req : first.requests()) BOOST_TEST(req.header("if-none-match").empty());
}

// 60 identical GETs at once, half on each instance: one upstream call in all.
BOOST_AUTO_TEST_CASE(a_burst_of_identical_gets_over_two_instances_makes_one_upstream_call) {
    redis_server redis;
    mock_upstream first, second;
    auto slow = canned_reply::json(200, R"({"main":{"temp":3}})");
    slow.delay = 400ms;
    first.always(slow);
    gateway_fixture a(config(first, second, redis), {}, 2), b(config(first, second, redis), {}, 2);
    std::vector<call_spec> calls;
    for (int i = 0; i < 60; ++i) calls.push_back(call_spec{i % 2 ? a.port() : b.port(), "GET", weather_path, "", {}});
    std::map<std::string, int> seen;
    for (auto const& r : concurrent_calls(calls, 20s)) {
        ++seen[r.response.header("x-switchboard-cache")];
        ++seen["status " + std::to_string(r.response.status)];
    }
    BOOST_TEST_MESSAGE("miss " << seen["miss"] << ", coalesced " << seen["coalesced"] << ", hit " << seen["hit"]);
    BOOST_TEST(first.hits() == 1u);
    BOOST_TEST(second.hits() == 0u);
    BOOST_TEST(seen["status 200"] == 60);
    BOOST_TEST(seen["miss"] == 1);
}

// The leader's call gets the caller's error (404: no fallback): it reaches only its own client,
// and the next identical GET calls again.
BOOST_AUTO_TEST_CASE(an_error_is_never_kept_or_shared) {
    redis_server redis;
    mock_upstream first, second;
    std::atomic<int> n{0};
    first.reply_with([&](recorded_request const&) {
        auto reply = ++n == 1 ? canned_reply::json(404, R"({"error":"no such city"})")
                              : canned_reply::json(200, R"({"main":{"temp":4}})");
        reply.delay = 200ms;
        return reply;
    });
    gateway_fixture a(config(first, second, redis), {}, 2), b(config(first, second, redis), {}, 2);
    std::vector<call_spec> calls;
    for (int i = 0; i < 20; ++i) calls.push_back(call_spec{i % 2 ? a.port() : b.port(), "GET", weather_path, "", {}});
    std::map<int, int> statuses;
    for (auto const& r : concurrent_calls(calls, 20s)) ++statuses[r.response.status];
    BOOST_TEST(statuses[404] == 1);
    BOOST_TEST(statuses[200] == 19);
    BOOST_TEST(first.hits() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
