// The exact response cache end to end over HTTP and the WebSocket: an answer paid once, what
// keeps two requests apart (tenant, sampling, tools, model), the client's control, streams
// recorded and replayed, and what is never kept (errors, cut streams, a fallback's answer).
#include "gateway_fixture.hpp"
#include "stream_helpers.hpp"
#include "tests/support/load_client.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/mock_upstream.hpp"

#include "adapters/auth/key_ring.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;
using headers = std::vector<std::pair<std::string, std::string>>;

namespace {
std::string body(std::string const& extra = R"("temperature":0)", std::string const& model = "chat",
                 std::string const& text = "Hello") {
    return R"({"model":")" + model + R"(",)" + extra + R"(,"messages":[{"role":"user","content":")" + text + R"("}]})";
}

// A gateway over one OpenAI-format upstream (and a backup for fallback cases).
struct cached_gateway {
    mock_upstream up, backup;
    std::unique_ptr<gateway_fixture> gw;
    explicit cached_gateway(std::string const& extra = "") {
        up.always(canned_reply::json(200, completion_body("m", "cached words")));
        backup.always(canned_reply::json(200, completion_body("b", "backup words")));
        gw = std::make_unique<gateway_fixture>(
            extra + "resilience: {retry: {max_attempts: 1}}\n"
                    "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
            "\", api_key: k-upstream-000001}\n  b: {kind: openai, base_url: \"" + backup.base_url("/v1") +
            "\", api_key: k-upstream-000002}\nmodels:\n  chat: [p/m, b/b]\n  other: [p/m]\n");
    }
    client_response call(std::string const& b, headers h = {}) { return gw->chat(b, std::move(h)); }
};

std::string content_of(client_response const& r) {
    return std::string(json::parse(r.body).at("choices").at(0).at("message").at("content").as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(response_cache)

BOOST_AUTO_TEST_CASE(a_deterministic_answer_is_paid_once_and_then_served_with_its_age) {
    log_capture logs(switchboard::adapters::log_level::info);
    cached_gateway g("admin: {api_key: cache-admin-key-0123456789}\n");
    auto first = g.call(body());
    BOOST_TEST(first.status == 200);
    BOOST_TEST(first.header("x-switchboard-cache") == "miss");
    auto second = g.call(body(R"("temperature":0.0)")); // the same request, written another way
    BOOST_TEST(second.status == 200);
    BOOST_TEST(second.header("x-switchboard-cache") == "hit");
    BOOST_TEST(second.header("x-switchboard-provider") == "cache");
    BOOST_TEST(second.header("age") == "0");
    BOOST_TEST(content_of(second) == "cached words");
    BOOST_TEST(second.header("x-switchboard-model") == "m"); // the deployment's configured model
    BOOST_TEST(g.up.hits() == 1u);
    auto const stats = json::parse(
        http_call(g.gw->port(), "GET", "/api/v1/stats", "", {{"Authorization", "Bearer cache-admin-key-0123456789"}}).body);
    BOOST_TEST(stats.at("cache").at("hits").as_int64() == 1);
    BOOST_TEST(stats.at("cache").at("misses").as_int64() == 1);
    auto const lines = logs.events("request"); // each request's log line says what the cache did
    BOOST_TEST_REQUIRE(lines.size() >= 2u);
    BOOST_TEST(lines[0].at("cache").as_string() == "miss");
    BOOST_TEST(lines[1].at("cache").as_string() == "hit");
}

BOOST_AUTO_TEST_CASE(sampling_tools_or_another_model_miss_and_a_sampled_request_is_not_cached_unless_asked) {
    cached_gateway g;
    BOOST_TEST(g.call(body()).header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(body(R"("temperature":0,"seed":3)")).header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(body(R"("temperature":0,"tools":[{"type":"function","function":{"name":"f"}}])"))
                   .header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(body(R"("temperature":0)", "other")).header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.up.hits() == 4u);
    // temperature 0.7 (or none: the provider's default samples): never kept by default ...
    BOOST_TEST(g.call(body(R"("temperature":0.7)")).header("x-switchboard-cache") == "bypass");
    BOOST_TEST(g.call(body(R"("temperature":0.7)")).header("x-switchboard-cache") == "bypass");
    BOOST_TEST(g.up.hits() == 6u);
    // ... unless the client asks, with its own TTL.
    BOOST_TEST(g.call(body(R"("temperature":0.7)"), {{"x-switchboard-cache-ttl", "60"}}).header("x-switchboard-cache") ==
               "miss");
    BOOST_TEST(g.call(body(R"("temperature":0.7)"), {{"x-switchboard-cache-ttl", "60"}}).header("x-switchboard-cache") ==
               "hit");
    BOOST_TEST(g.up.hits() == 7u);
}

BOOST_AUTO_TEST_CASE(the_client_may_skip_reading_or_storing_and_bad_headers_are_named) {
    cached_gateway g;
    BOOST_TEST(g.call(body(), {{"Cache-Control", "no-store"}}).header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(body()).header("x-switchboard-cache") == "miss"); // nothing was stored
    BOOST_TEST(g.call(body(), {{"Cache-Control", "no-cache"}}).header("x-switchboard-cache") == "bypass");
    BOOST_TEST(g.up.hits() == 3u);
    BOOST_TEST(g.call(body()).header("x-switchboard-cache") == "hit");
    auto bad = g.call(body(), {{"x-switchboard-cache-ttl", "soon"}});
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json::parse(bad.body).at("error").at("param").as_string() == "x-switchboard-cache-ttl");
    // A namespace of its own: the same request misses there.
    BOOST_TEST(g.call(body(), {{"x-switchboard-cache-namespace", "step_2"}}).header("x-switchboard-cache") == "miss");
}

// The model a provider names goes into the cached body (JSON-escaped), never into a header: a hit
// names the deployment's configured model, as the miss did.
BOOST_AUTO_TEST_CASE(a_hit_names_the_configured_model_never_the_providers_text) {
    cached_gateway g;
    g.up.always(canned_reply::json(200, completion_body("evil\\r\\nx-injected: 1", "words")));
    auto const miss = g.call(body());
    auto const hit = g.call(body());
    BOOST_TEST(hit.header("x-switchboard-cache") == "hit");
    BOOST_TEST(hit.header("x-switchboard-model") == miss.header("x-switchboard-model"));
    BOOST_TEST(hit.header("x-switchboard-model") == "m");
    BOOST_TEST(hit.header("x-injected").empty());
    BOOST_TEST(json::parse(hit.body).at("model").as_string() == "evil\r\nx-injected: 1");
}

BOOST_AUTO_TEST_CASE(errors_and_a_fallbacks_answer_are_never_kept) {
    cached_gateway g;
    g.up.always(canned_reply::json(503, R"({"error":{"message":"busy","type":"server_error"}})"));
    auto fell_back = g.call(body());
    BOOST_TEST(fell_back.status == 200);
    BOOST_TEST(fell_back.header("x-switchboard-provider") == "b");
    g.up.always(canned_reply::json(200, completion_body("m", "primary words")));
    auto next = g.call(body());
    BOOST_TEST(next.header("x-switchboard-cache") == "miss"); // the backup's answer was not kept
    BOOST_TEST(content_of(next) == "primary words");
    BOOST_TEST(g.call(body()).header("x-switchboard-cache") == "hit");

    cached_gateway failing;
    failing.up.always(canned_reply::json(400, R"({"error":{"message":"bad","type":"invalid_request_error"}})"));
    BOOST_TEST(failing.call(body()).status == 400);
    BOOST_TEST(failing.call(body()).header("x-switchboard-cache") == "miss");
}

BOOST_AUTO_TEST_CASE(a_fallbacks_answer_is_kept_where_the_group_allows_it) {
    cached_gateway g("cache: {groups: {chat: {fallback_answers: true}}}\n");
    g.up.always(canned_reply::json(503, R"({"error":{"message":"busy","type":"server_error"}})"));
    BOOST_TEST(g.call(body()).header("x-switchboard-provider") == "b");
    BOOST_TEST(g.call(body()).header("x-switchboard-cache") == "hit");
}

// Tenant A's answer is never served to tenant B; a shared namespace shares it.
BOOST_AUTO_TEST_CASE(each_tenant_has_its_own_entries_unless_a_namespace_is_shared) {
    std::string const secret = "cache-test-secret-0123456789";
    auto const a = adapters::key_ring::mint(secret), b = adapters::key_ring::mint(secret);
    auto const keys = "auth: {secret: " + secret + ", keys: [{id: " + a.id + ", hash: " + a.secret_hash +
                      ", tenant: acme}, {id: " + b.id + ", hash: " + b.secret_hash + ", tenant: beta}]}\n";
    auto as = [](adapters::minted_key const& k) { return headers{{"Authorization", "Bearer " + k.text}}; };
    {
        cached_gateway g(keys);
        BOOST_TEST(g.call(body(), as(a)).header("x-switchboard-cache") == "miss");
        BOOST_TEST(g.call(body(), as(b)).header("x-switchboard-cache") == "miss");
        BOOST_TEST(g.call(body(), as(b)).header("x-switchboard-cache") == "hit");
        BOOST_TEST(g.up.hits() == 2u);
    }
    {
        cached_gateway g(keys + "cache: {shared_namespace: everyone}\n");
        BOOST_TEST(g.call(body(), as(a)).header("x-switchboard-cache") == "miss");
        BOOST_TEST(g.call(body(), as(b)).header("x-switchboard-cache") == "hit");
    }
}

// A body byte for byte one already answered from the cache is not parsed again (known_bodies):
// its earlier parse and key stand, but the key only under the namespace it was computed for.
BOOST_AUTO_TEST_CASE(a_repeated_body_takes_its_earlier_parse_and_key_only_in_its_own_namespace) {
    std::string const secret = "cache-test-secret-0123456789";
    auto const a = adapters::key_ring::mint(secret), b = adapters::key_ring::mint(secret);
    cached_gateway g("auth: {secret: " + secret + ", keys: [{id: " + a.id + ", hash: " + a.secret_hash +
                     ", tenant: acme}, {id: " + b.id + ", hash: " + b.secret_hash + ", tenant: beta}]}\n");
    auto as = [](adapters::minted_key const& k) { return headers{{"Authorization", "Bearer " + k.text}}; };
    auto const repeated = body(R"("temperature":0,"user":"end-user-9")", "chat", "Same bytes");
    BOOST_TEST(g.call(repeated, as(a)).header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(repeated, as(a)).header("x-switchboard-cache") == "hit"); // kept for the next one
    for (int i = 0; i < 3; ++i) { // recalled: the same answer, headers and model
        auto const again = g.call(repeated, as(a));
        BOOST_TEST(again.header("x-switchboard-cache") == "hit");
        BOOST_TEST(again.header("x-switchboard-model") == "m");
        BOOST_TEST(content_of(again) == "cached words");
    }
    BOOST_TEST(g.up.hits() == 1u);
    // Another tenant's identical bytes: the parse may be shared, acme's entry never is.
    g.up.always(canned_reply::json(200, completion_body("m", "beta words")));
    auto const theirs = g.call(repeated, as(b));
    BOOST_TEST(theirs.header("x-switchboard-cache") == "miss");
    BOOST_TEST(content_of(theirs) == "beta words");
    BOOST_TEST(content_of(g.call(repeated, as(b))) == "beta words");
    BOOST_TEST(content_of(g.call(repeated, as(a))) == "cached words");
    // A namespace the client names is another key too.
    BOOST_TEST(g.call(repeated, headers{{"Authorization", "Bearer " + a.text}, {"x-switchboard-cache-namespace", "step_2"}})
                   .header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.up.hits() == 3u);
    // A client that asks for a fresh answer is not served the recalled one.
    auto fresh = as(a);
    fresh.emplace_back("Cache-Control", "no-cache");
    BOOST_TEST(g.call(repeated, fresh).header("x-switchboard-cache") == "bypass");
    BOOST_TEST(g.up.hits() == 4u);
}

// A hit costs no quota: the tenant's 300 tokens of the day were spent on the miss.
BOOST_AUTO_TEST_CASE(a_hit_costs_no_quota) {
    cached_gateway g("quotas: {tenants: {default: {tokens_per_day: 300}}}\n");
    g.up.always(canned_reply::json(
        200, R"({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":)"
             R"({"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,)"
             R"("completion_tokens":297,"total_tokens":300}})"));
    BOOST_TEST(g.call(body()).status == 200);
    BOOST_TEST(g.call(body(R"("temperature":0.1)")).status == 429); // a new call: the quota is spent
    auto hit = g.call(body());
    BOOST_TEST(hit.status == 200);
    BOOST_TEST(hit.header("x-switchboard-cache") == "hit");
}

// A streamed miss is kept when it completes; the answer then serves whole and streamed requests.
BOOST_AUTO_TEST_CASE(a_completed_stream_is_kept_and_replayed_whole_or_streamed) {
    cached_gateway g;
    g.up.always(canned_reply::sse(openai_stream({"Hello", ",", " world"})));
    std::string const streamed = R"({"model":"chat","temperature":0,"stream":true,"stream_options":{"include_usage":true},)"
                                 R"("messages":[{"role":"user","content":"Hello"}]})";
    auto first = g.gw->post("/v1/chat/completions", streamed);
    BOOST_TEST(first.header("x-switchboard-cache") == "miss");
    BOOST_TEST(read_stream(first).content == "Hello, world");

    auto replay = g.gw->post("/v1/chat/completions", streamed);
    BOOST_TEST(replay.header("x-switchboard-cache") == "hit", replay.status << " " << replay.body);
    auto const r = read_stream(replay);
    BOOST_TEST(r.content == "Hello, world");
    BOOST_TEST(r.done);
    BOOST_TEST(r.finish_reason == "stop");
    BOOST_TEST(r.role_chunks == 1);
    BOOST_TEST_REQUIRE(r.usage.has_value());
    BOOST_TEST(r.usage->at("total_tokens").as_int64() == 14);

    auto whole = g.call(body());
    BOOST_TEST(whole.header("x-switchboard-cache") == "hit");
    BOOST_TEST(content_of(whole) == "Hello, world");
    BOOST_TEST(g.up.hits() == 1u);
}

// Streaming followers of a streaming leader relay its chunks live: a follower that joins mid-stream
// gets what was sent so far at once, then the rest as it comes — one upstream call.
BOOST_AUTO_TEST_CASE(streaming_followers_receive_the_leaders_chunks_live) {
    cached_gateway g("server: {max_connections_per_ip: 1000}\n");
    auto pieces = openai_stream({"Hello", ",", " world"});
    pieces[3].delay = std::chrono::milliseconds(900); // " world" comes late: the followers join before it
    g.up.always(canned_reply::sse(pieces));
    std::string const streamed = R"({"model":"chat","temperature":0,"stream":true,"stream_options":{"include_usage":true},)"
                                 R"("messages":[{"role":"user","content":"Live"}]})";
    auto leader = std::async(std::launch::async, [&] { return g.gw->post("/v1/chat/completions", streamed); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto follower = std::async(std::launch::async, [&] { return g.gw->post("/v1/chat/completions", streamed); });
    // A third joins and is read for 300 ms only: it has the first words long before the stream ends.
    auto const early = raw_exchange(g.gw->port(),
                                    "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    "Content-Length: " + std::to_string(streamed.size()) + "\r\n\r\n" + streamed,
                                    std::chrono::milliseconds(300));
    BOOST_TEST(early.find("x-switchboard-cache: coalesced") != std::string::npos, early);
    BOOST_TEST(early.find("Hello") != std::string::npos, early);
    BOOST_TEST(early.find(" world") == std::string::npos, early); // not sent yet upstream
    auto const led = read_stream(leader.get());
    auto const followed_response = follower.get();
    BOOST_TEST(followed_response.header("x-switchboard-cache") == "coalesced");
    auto const followed = read_stream(followed_response);
    BOOST_TEST(led.content == "Hello, world");
    BOOST_TEST(followed.content == "Hello, world");
    BOOST_TEST(followed.done);
    BOOST_TEST(followed.finish_reason == "stop");
    BOOST_TEST_REQUIRE(followed.usage.has_value());
    BOOST_TEST(followed.usage->at("total_tokens").as_int64() == 14);
    BOOST_TEST(g.up.hits() == 1u);
}

// A leader whose stream is cut after followers began relaying it: each follower's stream ends with
// an error event, never with a finish reason or [DONE] it did not have — and nothing is kept.
BOOST_AUTO_TEST_CASE(a_cut_leader_stream_ends_its_live_followers_with_an_error) {
    cached_gateway g("server: {max_connections_per_ip: 1000}\ntimeouts: {stream_idle: 300ms, first_token: 2s}\n");
    auto pieces = openai_stream({"Hello", " half"});
    pieces.resize(3); // role and two words: no finish, no [DONE]
    pieces[2].delay = std::chrono::milliseconds(500);
    g.up.always(canned_reply::sse(pieces, canned_reply::stream_end::cut));
    std::string const streamed = R"({"model":"other","temperature":0,"stream":true,)"
                                 R"("messages":[{"role":"user","content":"Cut"}]})";
    auto leader = std::async(std::launch::async, [&] { return g.gw->post("/v1/chat/completions", streamed); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto const followed_response = g.gw->post("/v1/chat/completions", streamed);
    BOOST_TEST(followed_response.header("x-switchboard-cache") == "coalesced");
    auto const followed = read_stream(followed_response);
    BOOST_TEST(!followed.done);
    BOOST_TEST(followed.finish_reason.empty());
    BOOST_TEST(followed.error.has_value());
    BOOST_TEST(followed.content.find("Hello") != std::string::npos);
    BOOST_TEST(!read_stream(leader.get()).done);
    BOOST_TEST(g.up.hits() == 1u);
}

BOOST_AUTO_TEST_CASE(a_cut_stream_is_never_kept) {
    cached_gateway g("timeouts: {stream_idle: 300ms, first_token: 2s}\n");
    auto pieces = openai_stream({"Hello", " half"});
    pieces.resize(3); // role and two words: no finish, no [DONE]
    g.up.always(canned_reply::sse(pieces, canned_reply::stream_end::cut));
    std::string const streamed = R"({"model":"other","temperature":0,"stream":true,)"
                                 R"("messages":[{"role":"user","content":"Hello"}]})";
    auto cut = read_stream(g.gw->post("/v1/chat/completions", streamed));
    BOOST_TEST(!cut.done);
    g.up.always(canned_reply::json(200, completion_body("m", "whole words")));
    auto next = g.call(body(R"("temperature":0)", "other"));
    BOOST_TEST(next.header("x-switchboard-cache") == "miss");
    BOOST_TEST(content_of(next) == "whole words");
}

// Clearing: by tag, by namespace (with the ones named under it), or all; admin only.
BOOST_AUTO_TEST_CASE(an_admin_clears_by_tag_namespace_or_everything) {
    cached_gateway g("admin: {api_key: cache-admin-key-0123456789}\n");
    auto clear = [&](std::string const& target, std::string const& b, std::string const& key = "cache-admin-key-0123456789") {
        return http_call(g.gw->port(), "POST", target, b,
                         {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
    };
    BOOST_TEST(g.call(body(), {{"x-switchboard-cache-tags", "gifts"}}).header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(body(R"("temperature":0)", "chat", "Bye"), {{"x-switchboard-cache-namespace", "step_1"}})
                   .header("x-switchboard-cache") == "miss");
    BOOST_TEST(g.call(body(R"("temperature":0)", "other")).header("x-switchboard-cache") == "miss");
    BOOST_TEST(clear("/api/v1/cache/clear", "{}", "wrong").status == 401);
    auto by_tag = clear("/api/v1/cache/clear", R"({"tag":"gifts"})");
    BOOST_TEST(by_tag.status == 200);
    BOOST_TEST(json::parse(by_tag.body).at("cleared").as_int64() == 1);
    BOOST_TEST(g.call(body()).header("x-switchboard-cache") == "miss"); // gone, and kept again
    // The tenant of an open gateway is "default": its namespace holds the rest, step_1 under it.
    auto by_namespace = clear("/api/cache/clear", R"({"namespace":"default"})"); // the legacy path
    BOOST_TEST(by_namespace.status == 200);
    BOOST_TEST(json::parse(by_namespace.body).at("cleared").as_int64() == 3);
    BOOST_TEST(!by_namespace.header("deprecation").empty());
    BOOST_TEST(clear("/api/v1/cache/clear", R"({"tenant":"x"})").status == 400);
    BOOST_TEST(g.call(body(R"("temperature":0)", "other")).header("x-switchboard-cache") == "miss");
    BOOST_TEST(json::parse(clear("/api/v1/cache/clear", "").body).at("cleared").as_int64() == 1);
}

namespace {
// `n` identical calls at once; the count of each x-switchboard-cache value (and of statuses).
std::map<std::string, int> burst(cached_gateway& g, int n, std::string const& b) {
    std::vector<call_spec> calls(n, call_spec{g.gw->port(), "POST", "/v1/chat/completions", b, {}});
    std::map<std::string, int> seen;
    for (auto const& r : concurrent_calls(calls, std::chrono::seconds(20))) {
        ++seen[r.response.header("x-switchboard-cache")];
        if (r.response.header("x-switchboard-cache") == "coalesced") BOOST_TEST(r.response.header("age").empty());
        ++seen["status " + std::to_string(r.response.status)];
    }
    return seen;
}
} // namespace

// A burst of identical misses makes one upstream call; the others wait for its answer.
BOOST_AUTO_TEST_CASE(a_hundred_identical_calls_at_once_make_one_upstream_call) {
    cached_gateway g("server: {max_connections_per_ip: 1000}\n");
    auto slow = canned_reply::json(200, completion_body("m", "one answer"));
    slow.delay = std::chrono::milliseconds(300);
    g.up.always(slow);
    auto seen = burst(g, 100, body());
    BOOST_TEST_MESSAGE("miss " << seen["miss"] << ", coalesced " << seen["coalesced"] << ", hit " << seen["hit"]);
    BOOST_TEST(g.up.hits() == 1u);
    BOOST_TEST(seen["status 200"] == 100);
    BOOST_TEST(seen["miss"] == 1);
    BOOST_TEST(seen["coalesced"] + seen["hit"] == 99);
}

// The leader fails: its failure is its own; one follower leads the next call, the rest wait for it.
BOOST_AUTO_TEST_CASE(a_failed_leader_hands_over_to_one_follower_and_its_failure_is_never_shared) {
    cached_gateway g("server: {max_connections_per_ip: 1000}\n");
    std::atomic<int> calls{0};
    g.up.reply_with([&](recorded_request const&) {
        auto reply = ++calls == 1 ? canned_reply::json(400, R"({"error":{"message":"no","type":"invalid_request_error"}})")
                                  : canned_reply::json(200, completion_body("m", "second try"));
        reply.delay = std::chrono::milliseconds(300);
        return reply;
    });
    auto seen = burst(g, 50, body(R"("temperature":0)", "other"));
    BOOST_TEST_MESSAGE("400 x" << seen["status 400"] << ", 200 x" << seen["status 200"]);
    BOOST_TEST(g.up.hits() == 2u);
    BOOST_TEST(seen["status 400"] == 1);
    BOOST_TEST(seen["status 200"] == 49);
}

BOOST_AUTO_TEST_SUITE_END()

// Seed 003's burst: 50 users each run 8 agents at once, and the users' pages repeat (the same 8
// prompts for every user of a page, 5 pages). The provider allows 4 calls at a time and answers
// 429 past that. The cache and the coalescing of identical misses cut the upstream calls by far
// more than half (40 distinct prompts of 400 calls), every call is answered, and the provider
// never says 429: the gateway keeps it under its declared limit.
BOOST_AUTO_TEST_SUITE(seed_003_burst)

BOOST_AUTO_TEST_CASE(fifty_users_times_eight_agents_halve_the_upstream_calls_without_a_429) {
    mock_upstream up;
    up.reply_with([&](recorded_request const&) {
        auto reply = canned_reply::json(200, completion_body("m", "agent answer"));
        reply.delay = std::chrono::milliseconds(30);
        return reply;
    });
    gateway_fixture gw("server: {max_connections_per_ip: 1000}\nresilience: {retry: {max_attempts: 1}}\n"
                       "providers:\n  p: {kind: openai, base_url: \"" + up.base_url("/v1") +
                           "\", api_key: k-upstream-000001, limits: {max_concurrent: 4}}\nmodels:\n  chat: [p/m]\n",
                       {}, 2);
    std::vector<call_spec> calls;
    for (int user = 0; user < 50; ++user)
        for (int agent = 0; agent < 8; ++agent)
            calls.push_back(call_spec{gw.port(), "POST", "/v1/chat/completions",
                                      body(R"("temperature":0)", "chat",
                                           "page " + std::to_string(user % 5) + " agent " + std::to_string(agent)),
                                      {{"X-Tenant-Id", "aetherflow"}}});
    std::map<int, int> statuses;
    std::map<std::string, int> cache;
    for (auto const& r : concurrent_calls(calls, std::chrono::seconds(60))) {
        ++statuses[r.response.status];
        ++cache[r.response.header("x-switchboard-cache")];
    }
    BOOST_TEST_MESSAGE("upstream calls " << up.hits() << " of 400; peak in flight " << up.peak_concurrency()
                                         << "; miss " << cache["miss"] << ", coalesced " << cache["coalesced"]
                                         << ", hit " << cache["hit"]);
    BOOST_TEST(statuses[200] == 400);
    BOOST_TEST(up.hits() <= 200u); // at least halved (40 distinct prompts: 40 calls)
    BOOST_TEST(up.peak_concurrency() <= 4u); // the provider would have answered 429 past 4
}

BOOST_AUTO_TEST_SUITE_END()
