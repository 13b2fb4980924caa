// Webhook events, their delivery schedule and the Standard Webhooks secret, on an injected clock.
#include "domain/base64.hpp"
#include "domain/quota.hpp"
#include "domain/webhooks/delivery.hpp"
#include "domain/webhooks/standard_webhooks.hpp"
#include "domain/webhooks/webhook_event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using namespace switchboard::domain::webhooks;
namespace json = boost::json;

namespace {
constexpr std::int64_t t0 = 1'780'000'000'000; // a Unix time in ms

delivery_policy short_policy() {
    delivery_policy p;
    p.retry_waits = {seconds(5), seconds(30), seconds(120)};
    return p;
}
} // namespace

BOOST_AUTO_TEST_SUITE(webhook_events)

BOOST_AUTO_TEST_CASE(a_threshold_is_one_fact_per_subject_metric_window_and_level) {
    quota_alert const at90{quota_metric::tokens_per_day, 90, 900, 1000};
    auto a = threshold_event("tenant:acme", at90, "2026-12-04", t0);
    auto b = threshold_event("tenant:acme", at90, "2026-12-04", t0 + 5000); // another instance, later
    BOOST_TEST(a.identity == b.identity);
    BOOST_TEST(a.identity != threshold_event("tenant:acme", at90, "2026-12-05", t0).identity);
    BOOST_TEST(a.identity != threshold_event("tenant:beta", at90, "2026-12-04", t0).identity);
    quota_alert const at100{quota_metric::tokens_per_day, 100, 1000, 1000};
    BOOST_TEST(a.identity != threshold_event("tenant:acme", at100, "2026-12-04", t0).identity);
    BOOST_TEST(type_name(a.type) == "quota.threshold");
    BOOST_TEST(a.data.at("percent").as_int64() == 90);
    BOOST_TEST(a.data.at("limit").as_int64() == 1000);
}

BOOST_AUTO_TEST_CASE(a_dollar_quota_is_a_budget_and_says_dollars) {
    quota_alert const usd{quota_metric::usd_per_month, 75, 7'500'000, 10'000'000};
    auto e = threshold_event("tenant:acme", usd, "2026-12", t0);
    BOOST_TEST(type_name(e.type) == "budget.threshold");
    BOOST_TEST(e.data.at("limit_usd").as_double() == 10.0);
    BOOST_TEST(e.data.at("counted_usd").as_double() == 7.5);
}

BOOST_AUTO_TEST_CASE(the_payload_has_the_standard_webhooks_shape) {
    auto e = breaker_event("openai/gpt-4o", true, "host-a/x1", t0);
    auto v = json::parse(payload(e));
    BOOST_TEST(v.at("type").as_string() == "breaker.opened");
    BOOST_TEST(v.at("timestamp").as_string() == "2026-05-28T20:26:40Z");
    BOOST_TEST(v.at("data").at("deployment").as_string() == "openai/gpt-4o");
    BOOST_TEST(v.at("data").at("instance").as_string() == "host-a/x1");
    BOOST_TEST(type_name(breaker_event("openai/gpt-4o", false, "host-a/x1", t0).type) == "breaker.closed");
}

BOOST_AUTO_TEST_CASE(facts_of_one_instance_name_it_so_two_instances_are_two_events) {
    auto a = mode_event(gateway_mode::normal, gateway_mode::degraded, "host-a/x1", t0);
    auto b = mode_event(gateway_mode::normal, gateway_mode::degraded, "host-b/y2", t0);
    BOOST_TEST(a.identity != b.identity);
    BOOST_TEST(type_name(a.type) == "degraded_mode.entered");
    BOOST_TEST(a.data.at("mode").as_string() == "degraded");
    auto left = mode_event(gateway_mode::critical, gateway_mode::normal, "host-a/x1", t0);
    BOOST_TEST(type_name(left.type) == "degraded_mode.left");
    BOOST_TEST(left.data.at("previous").as_string() == "critical");
    BOOST_TEST(ledger_drop_event(5, 12, "host-a/x1", t0).data.at("dropped").as_int64() == 5);
}

BOOST_AUTO_TEST_CASE(a_key_expires_soon_within_the_notice_and_is_one_fact_per_expiry) {
    std::int64_t const now = t0 / 1000;
    key_facts k{"key_1", "acme", "web", now + 3 * 86'400, false};
    BOOST_TEST(expires_soon(k, now, 7 * 86'400));
    BOOST_TEST(!expires_soon(k, now, 2 * 86'400));
    BOOST_TEST(!expires_soon({"key_1", "acme", "web", now - 1, false}, now, 7 * 86'400)); // expired already
    BOOST_TEST(!expires_soon({"key_1", "acme", "web", 0, false}, now, 7 * 86'400));       // never
    BOOST_TEST(!expires_soon({"key_1", "acme", "web", now + 60, true}, now, 7 * 86'400)); // revoked
    auto e = key_expiring_event(k, t0);
    BOOST_TEST(e.identity == key_expiring_event(k, t0 + 60'000).identity); // found again a minute later
    k.expires_unix += 86'400;                                               // extended: a new fact
    BOOST_TEST(e.identity != key_expiring_event(k, t0).identity);
    BOOST_TEST(e.data.at("expires_in_seconds").as_int64() == 3 * 86'400);
}

BOOST_AUTO_TEST_CASE(event_types_read_back_from_their_names) {
    for (auto t : all_event_types) BOOST_TEST((parse_event_type(type_name(t)) == t));
    BOOST_TEST(!parse_event_type("quota.thresholds"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(webhook_delivery)

BOOST_AUTO_TEST_CASE(a_2xx_delivers_at_the_first_attempt) {
    auto d = new_delivery("evt_1", "quota.threshold", "ops", t0);
    BOOST_TEST(due(d, t0));
    record_attempt(d, {204, ""}, short_policy(), t0 + 40);
    BOOST_TEST((d.state == delivery_state::delivered));
    BOOST_TEST(d.attempts == 1);
    BOOST_TEST(d.done_unix_ms == t0 + 40);
    BOOST_TEST(!due(d, t0 + 1'000'000));
}

BOOST_AUTO_TEST_CASE(failures_wait_the_schedule_then_give_up) {
    auto const p = short_policy();
    auto d = new_delivery("evt_1", "quota.threshold", "ops", t0);
    record_attempt(d, {503, ""}, p, t0);
    BOOST_TEST(d.last_error == "status 503");
    BOOST_TEST(d.next_attempt_unix_ms == t0 + 5'000);
    BOOST_TEST(!due(d, t0 + 4'999));
    BOOST_TEST(due(d, t0 + 5'000));
    record_attempt(d, {0, "connect_failed"}, p, t0 + 5'000);
    BOOST_TEST(d.last_status == 0);
    BOOST_TEST(d.last_error == "connect_failed");
    BOOST_TEST(d.next_attempt_unix_ms == t0 + 35'000);
    record_attempt(d, {0, "timeout"}, p, t0 + 35'000);
    BOOST_TEST(d.next_attempt_unix_ms == t0 + 155'000);
    record_attempt(d, {500, ""}, p, t0 + 155'000);
    BOOST_TEST((d.state == delivery_state::failed));
    BOOST_TEST(d.attempts == 4); // the first attempt and one per wait
    BOOST_TEST(!due(d, t0 + 1'000'000'000));
    BOOST_TEST((retry_span(p) == seconds(155)));
}

BOOST_AUTO_TEST_CASE(a_receiver_back_after_a_while_gets_the_event) {
    auto const p = short_policy();
    auto d = new_delivery("evt_1", "key.expiring", "ops", t0);
    record_attempt(d, {0, "connect_failed"}, p, t0);
    record_attempt(d, {0, "connect_failed"}, p, t0 + 5'000);
    record_attempt(d, {200, ""}, p, t0 + 35'000);
    BOOST_TEST((d.state == delivery_state::delivered));
    BOOST_TEST(d.last_error.empty());
    BOOST_TEST(d.attempts == 3);
}

BOOST_AUTO_TEST_CASE(a_3xx_or_4xx_is_not_a_delivery) {
    auto d = new_delivery("evt_1", "key.expiring", "ops", t0);
    record_attempt(d, {301, ""}, short_policy(), t0);
    BOOST_TEST((d.state == delivery_state::pending));
    record_attempt(d, {400, ""}, short_policy(), t0 + 5'000);
    BOOST_TEST((d.state == delivery_state::pending));
}

BOOST_AUTO_TEST_CASE(a_delivery_reads_back_from_its_stored_form) {
    auto d = new_delivery("evt_1", "breaker.opened", "ops", t0);
    record_attempt(d, {503, ""}, short_policy(), t0 + 10);
    auto back = delivery_from_json(json::parse(json::serialize(delivery_json(d))));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(back->event_id == "evt_1");
    BOOST_TEST(back->attempts == 1);
    BOOST_TEST(back->last_status == 503);
    BOOST_TEST(back->next_attempt_unix_ms == d.next_attempt_unix_ms);
    BOOST_TEST((back->state == delivery_state::pending));
    BOOST_TEST(!delivery_from_json(json::parse(R"({"event_id": 3})")));
    BOOST_TEST(!delivery_from_json(json::parse("[]")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(standard_webhooks_secret)

BOOST_AUTO_TEST_CASE(a_secret_is_whsec_and_the_base64_of_24_to_64_bytes) {
    auto const key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    BOOST_TEST_REQUIRE(key.has_value());
    BOOST_TEST(key->size() == 24u);
    BOOST_TEST(!secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));       // no prefix
    BOOST_TEST(!secret_key("whsec_c2hvcnQ="));                          // 5 bytes
    BOOST_TEST(!secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La!aSw")); // not base64
    BOOST_TEST(!secret_key("whsec_" + base64_encode(std::string(65, 'k'))));
    BOOST_TEST(secret_key("whsec_" + base64_encode(std::string(64, 'k'))).has_value());
}

BOOST_AUTO_TEST_CASE(what_is_signed_is_id_dot_timestamp_dot_body) {
    BOOST_TEST(signed_content("msg_1", 1614265330, R"({"a":1})") == R"(msg_1.1614265330.{"a":1})");
    BOOST_TEST(signature_entry("\x01\x02\x03") == "v1,AQID");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(alert_levels)

BOOST_AUTO_TEST_CASE(configured_levels_are_reported_once_each_per_window) {
    std::vector<int> const levels{50, 80};
    unsigned alerted = 0;
    BOOST_TEST(crossed_thresholds(quota_metric::tokens_per_day, 400, 1000, alerted, levels).empty());
    auto half = crossed_thresholds(quota_metric::tokens_per_day, 500, 1000, alerted, levels);
    BOOST_TEST_REQUIRE(half.size() == 1u);
    BOOST_TEST(half[0].percent == 50);
    BOOST_TEST(crossed_thresholds(quota_metric::tokens_per_day, 700, 1000, alerted, levels).empty());
    auto rest = crossed_thresholds(quota_metric::tokens_per_day, 1000, 1000, alerted, levels);
    BOOST_TEST_REQUIRE(rest.size() == 1u);
    BOOST_TEST(rest[0].percent == 80);
    // Each metric has its own bits: the last metric's five levels fit.
    unsigned month = 0;
    std::vector<int> const five{20, 40, 60, 80, 100};
    BOOST_TEST(crossed_thresholds(quota_metric::requests_per_month, 10, 10, month, five).size() == 5u);
    BOOST_TEST(crossed_thresholds(quota_metric::requests_per_month, 10, 10, month, five).empty());
}

BOOST_AUTO_TEST_CASE(levels_are_one_to_five_ascending_percentages) {
    BOOST_TEST(valid_alert_levels(std::vector<int>{75, 90, 100}));
    BOOST_TEST(valid_alert_levels(std::vector<int>{1}));
    BOOST_TEST(!valid_alert_levels(std::vector<int>{}));
    BOOST_TEST(!valid_alert_levels(std::vector<int>{90, 75}));
    BOOST_TEST(!valid_alert_levels(std::vector<int>{50, 50}));
    BOOST_TEST(!valid_alert_levels(std::vector<int>{0, 50}));
    BOOST_TEST(!valid_alert_levels(std::vector<int>{50, 101}));
    BOOST_TEST(!valid_alert_levels(std::vector<int>{10, 20, 30, 40, 50, 60}));
}

BOOST_AUTO_TEST_SUITE_END()
