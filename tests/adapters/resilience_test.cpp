// Resilience against a fault-injecting upstream: retries on the same deployment, Retry-After
// obeyed by every request, fail-over instead of waiting, the circuit breaker, the retry budget
// and the client's deadline. Times here are real (real sockets); the state machines themselves
// are tested on an injected clock in tests/domain.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace switchboard::testing;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {
canned_reply error(int status, std::string retry_after = "") {
    auto r = canned_reply::json(status, R"({"error":{"message":"upstream says no"}})");
    if (!retry_after.empty()) r.headers = {{"retry-after", retry_after}};
    return r;
}

// Fails the first `failures` requests with `fault`, then answers.
std::function<canned_reply(recorded_request const&)> fail_first(int failures, canned_reply fault,
                                                                std::string model) {
    auto count = std::make_shared<std::atomic<int>>(0);
    return [=](recorded_request const&) {
        return count->fetch_add(1) < failures ? fault : canned_reply::json(200, completion_body(model));
    };
}

struct pair_of_providers {
    mock_upstream primary;
    mock_upstream backup;
    std::unique_ptr<gateway_fixture> gw;

    explicit pair_of_providers(std::string const& resilience,
                               std::string const& timeouts = "{attempt: 400ms}") {
        backup.always(canned_reply::json(200, completion_body("backup-model")));
        gw = std::make_unique<gateway_fixture>(
            "timeouts: " + timeouts + "\nresilience: " + resilience +
            "\nproviders:\n  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") +
            "\", api_key: k-primary-00001}\n  backup: {kind: openai, base_url: \"" + backup.base_url("/v1") +
            "\", api_key: k-backup-000001}\nmodels:\n  chat: [primary/primary-model, backup/backup-model]\n"
            "  solo: [primary/primary-model]\n");
    }
};

constexpr char const* fast_retries = "{retry: {max_attempts: 3, backoff_base: 10ms, backoff_cap: 20ms}}";

std::string served_model(client_response const& r) {
    return std::string(json::parse(r.body).at("model").as_string());
}
} // namespace

BOOST_AUTO_TEST_SUITE(resilience)

BOOST_AUTO_TEST_CASE(a_500_once_is_answered_by_the_same_deployment_on_retry) {
    pair_of_providers t(fast_retries);
    t.primary.reply_with(fail_first(1, error(500), "primary-model"));
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(served_model(res) == "primary-model");
    BOOST_TEST(res.header("x-switchboard-attempts") == "2");
    BOOST_TEST(t.backup.hits() == 0u);
}

BOOST_AUTO_TEST_CASE(a_reset_before_headers_is_answered_on_retry) {
    pair_of_providers t(fast_retries);
    t.primary.reply_with(fail_first(1, canned_reply::reset_connection(), "primary-model"));
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(served_model(res) == "primary-model");
    BOOST_TEST(t.primary.hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_silent_upstream_is_not_retried_the_fallback_answers) {
    pair_of_providers t(fast_retries, "{attempt: 300ms}");
    t.primary.always(canned_reply::stay_silent());
    auto const start = std::chrono::steady_clock::now();
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(served_model(res) == "backup-model");
    BOOST_TEST(t.primary.hits() == 1u);
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(2))); // 300 ms + slack
}

BOOST_AUTO_TEST_CASE(retry_after_is_obeyed_when_no_other_deployment_can_serve) {
    pair_of_providers t(fast_retries, "{attempt: 5s}");
    t.primary.reply_with(fail_first(1, error(429, "2"), "primary-model"));
    auto res = t.gw->chat(chat_body("solo"));
    BOOST_TEST_REQUIRE(res.status == 200);
    auto seen = t.primary.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST((seen[1].at - seen[0].at >= milliseconds(1800)));
}

BOOST_AUTO_TEST_CASE(a_429_fails_over_at_once_and_later_requests_respect_the_cooldown) {
    pair_of_providers t(fast_retries);
    t.primary.always(error(429, "30"));
    auto first = t.gw->chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(first.status == 200);
    BOOST_TEST(served_model(first) == "backup-model");
    BOOST_TEST(first.header("x-switchboard-attempts") == "2");
    // The next requests skip the cooling deployment entirely: nothing is sent before its time.
    for (int i = 0; i < 3; ++i) {
        auto next = t.gw->chat(chat_body("chat"));
        BOOST_TEST(served_model(next) == "backup-model");
        BOOST_TEST(next.header("x-switchboard-attempts") == "1");
    }
    BOOST_TEST(t.primary.hits() == 1u);
}

BOOST_AUTO_TEST_CASE(persistent_429_without_retry_after_ends_with_the_fallback_quickly) {
    pair_of_providers t("{retry: {max_attempts: 3, backoff_base: 1s, backoff_cap: 4s}}");
    t.primary.always(error(429));
    auto const start = std::chrono::steady_clock::now();
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(served_model(res) == "backup-model");
    BOOST_TEST(t.primary.hits() <= 4u);
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(3)));
}

BOOST_AUTO_TEST_CASE(a_cooldown_longer_than_the_deadline_is_refused_at_once_with_retry_after) {
    pair_of_providers t("{retry: {max_attempts: 1}}");
    t.primary.always(error(429, "7"));
    auto res = t.gw->chat(chat_body("solo"));
    BOOST_TEST(res.status == 503);
    BOOST_TEST(res.header("retry-after") == "7");
    // A 2 s deadline cannot fit the 7 s wait: refused at once, without calling the provider.
    auto const start = std::chrono::steady_clock::now();
    auto again = t.gw->chat(chat_body("solo", "again"), {{"X-Request-Timeout", "2"}});
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(1)));
    BOOST_TEST(again.status == 503);
    BOOST_TEST(json::parse(again.body).at("error").at("code").as_string() == "circuit_open");
    BOOST_TEST(std::stoi(again.header("retry-after")) >= 6);
    BOOST_TEST(t.primary.hits() == 1u);
}

BOOST_AUTO_TEST_CASE(the_breaker_opens_skips_the_deployment_and_probes_it_back) {
    pair_of_providers t("{retry: {max_attempts: 1}, breaker: {failure_threshold: 2, open_for: 500ms}}");
    t.primary.always(error(500));
    for (int i = 0; i < 2; ++i) BOOST_TEST(served_model(t.gw->chat(chat_body("chat"))) == "backup-model");
    BOOST_TEST(t.primary.hits() == 2u);
    // Open: zero calls to the primary.
    for (int i = 0; i < 3; ++i) {
        auto res = t.gw->chat(chat_body("chat"));
        BOOST_TEST(served_model(res) == "backup-model");
        BOOST_TEST(res.header("x-switchboard-attempts") == "1");
    }
    BOOST_TEST(t.primary.hits() == 2u);
    // The primary recovers; after open_for one probe goes through and closes the breaker.
    t.primary.always(canned_reply::json(200, completion_body("primary-model")));
    std::this_thread::sleep_for(milliseconds(600));
    BOOST_TEST(served_model(t.gw->chat(chat_body("chat"))) == "primary-model");
    BOOST_TEST(served_model(t.gw->chat(chat_body("chat"))) == "primary-model");
    BOOST_TEST(t.primary.hits() == 4u);
}

BOOST_AUTO_TEST_CASE(one_breaker_state_is_shared_by_every_core) {
    mock_upstream primary, backup;
    primary.always(error(500));
    backup.always(canned_reply::json(200, completion_body("backup-model")));
    gateway_fixture gw(
        "resilience: {retry: {max_attempts: 1}, breaker: {failure_threshold: 2, open_for: 60s}}\n"
        "providers:\n  primary: {kind: openai, base_url: \"" +
            primary.base_url("/v1") + "\", api_key: k-000000000001}\n  backup: {kind: openai, base_url: \"" +
            backup.base_url("/v1") + "\", api_key: k-000000000002}\nmodels:\n  chat: [primary/p, backup/b]\n",
        {}, 2);
    // Each call is a new connection, which SO_REUSEPORT spreads over both cores.
    for (int i = 0; i < 20; ++i) BOOST_TEST(gw.chat(chat_body("chat")).status == 200);
    BOOST_TEST(primary.hits() == 2u); // per-core breakers would have let up to 4 through
}

BOOST_AUTO_TEST_CASE(a_provider_slow_to_answer_is_left_at_the_headers_timeout) {
    pair_of_providers t("{retry: {max_attempts: 1}}", "{attempt: 10s, response_headers: 200ms}");
    auto slow = canned_reply::json(200, completion_body("primary-model"));
    slow.delay = milliseconds(2000);
    t.primary.always(slow);
    auto const start = std::chrono::steady_clock::now();
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST(served_model(res) == "backup-model");
    BOOST_TEST((std::chrono::steady_clock::now() - start < milliseconds(1500)));
}

BOOST_AUTO_TEST_CASE(the_retry_budget_caps_retries_across_requests) {
    pair_of_providers t("{retry: {max_attempts: 3, backoff_base: 1ms, backoff_cap: 2ms}, "
                        "retry_budget: {ratio: 0, min_per_second: 0.1, window: 10s}}");
    t.primary.always(error(500));
    auto first = t.gw->chat(chat_body("solo"));
    BOOST_TEST(first.status == 503);
    BOOST_TEST(first.header("x-switchboard-attempts") == "2"); // one retry: the whole budget
    auto second = t.gw->chat(chat_body("solo"));
    BOOST_TEST(second.header("x-switchboard-attempts") == "1");
}

BOOST_AUTO_TEST_CASE(a_cooldown_that_fits_the_deadline_is_waited_out_by_the_next_request) {
    pair_of_providers t("{retry: {max_attempts: 1}}");
    t.primary.reply_with(fail_first(1, error(429, "1"), "primary-model"));
    BOOST_TEST(t.gw->chat(chat_body("solo")).status == 503);
    auto res = t.gw->chat(chat_body("solo", "later"), {{"X-Request-Timeout", "5"}});
    BOOST_TEST(res.status == 200);
    auto seen = t.primary.requests();
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST((seen[1].at - seen[0].at >= milliseconds(900)));
}

BOOST_AUTO_TEST_CASE(the_client_may_lower_the_deadline) {
    pair_of_providers t(fast_retries, "{attempt: 10s}");
    t.primary.always(canned_reply::stay_silent());
    auto const start = std::chrono::steady_clock::now();
    auto res = t.gw->chat(chat_body("solo"), {{"X-Request-Timeout", "0.3"}});
    BOOST_TEST(res.status == 504);
    BOOST_TEST(json::parse(res.body).at("error").at("code").as_string() == "timeout");
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(3)));
    auto bad = t.gw->chat(chat_body("solo"), {{"X-Request-Timeout", "soon"}});
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json::parse(bad.body).at("error").at("param").as_string() == "X-Request-Timeout");
}

BOOST_AUTO_TEST_CASE(failed_attempts_are_not_billed_and_the_fallback_carries_its_usage) {
    pair_of_providers t("{retry: {max_attempts: 1}}");
    t.primary.always(error(502));
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(json::parse(res.body).at("usage").at("total_tokens").as_int64() == 5);
    auto totals = t.gw->runtime().ledger().snapshot();
    BOOST_TEST_REQUIRE(totals.size() == 1u);
    BOOST_TEST(totals[0].provider == "backup");
    BOOST_TEST(totals[0].requests == 1);
}

BOOST_AUTO_TEST_CASE(context_length_exceeded_goes_once_to_a_larger_context_deployment) {
    mock_upstream small, same, large;
    auto too_long =
        canned_reply::json(400, R"({"error":{"message":"This model's maximum context length is 8192 tokens",
        "type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
    small.always(too_long);
    same.always(canned_reply::json(200, completion_body("same-model")));
    large.always(canned_reply::json(200, completion_body("large-model")));
    auto provider = [](std::string name, mock_upstream const& m) {
        return "  " + name + ": {kind: openai, base_url: \"" + m.base_url("/v1") +
               "\", api_key: k-000000000001}\n";
    };
    gateway_fixture gw("providers:\n" + provider("small", small) + provider("same", same) +
                       provider("large", large) +
                       "models:\n  chat:\n    - {provider: small, model: s, context_window: 8192}\n"
                       "    - {provider: same, model: m, context_window: 8192}\n"
                       "    - {provider: large, model: l, context_window: 128000}\n"
                       "  only-small: [{provider: small, model: s, context_window: 8192}]\n");
    auto res = gw.chat(chat_body("chat"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(served_model(res) == "large-model");
    BOOST_TEST(small.hits() == 1u); // exactly one attempt, no retry
    BOOST_TEST(same.hits() == 0u);  // a same-size window cannot help
    BOOST_TEST(res.header("x-switchboard-attempts") == "2");

    auto none = gw.chat(chat_body("only-small"));
    BOOST_TEST(none.status == 400);
    BOOST_TEST(json::parse(none.body).at("error").at("code").as_string() == "context_length_exceeded");
    BOOST_TEST(small.hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_content_policy_refusal_is_one_attempt_and_its_reason_reaches_the_client) {
    pair_of_providers t(fast_retries);
    t.primary.always(canned_reply::json(
        400, R"({"error":{"message":"Your request was rejected as a result of our safety system.",
        "type":"invalid_request_error","param":null,"code":"content_policy_violation"}})"));
    auto res = t.gw->chat(chat_body("chat"));
    BOOST_TEST(res.status == 400);
    auto err = json::parse(res.body).at("error");
    BOOST_TEST(err.at("code").as_string() == "content_policy_violation");
    BOOST_TEST(err.at("message").as_string() ==
               "Your request was rejected as a result of our safety system.");
    BOOST_TEST(t.primary.hits() == 1u);
    BOOST_TEST(t.backup.hits() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
