// Quota admission with reservations, and threshold alerts once per window.
#include "domain/quota.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

BOOST_AUTO_TEST_SUITE(quotas)

BOOST_AUTO_TEST_CASE(reservations_count_so_concurrent_calls_cannot_overshoot) {
    quota_limits const limits{0, 1000, 0};
    quota_window_state day, month;
    int admitted = 0;
    for (int i = 0; i < 20; ++i) {
        if (!check_quota(day, month, {1, 110}, limits).admitted) continue;
        add_counts(day.reserved, {1, 110}); // in flight, not settled yet
        ++admitted;
    }
    BOOST_TEST(admitted == 9); // 9 × 110 = 990; a 10th would make 1100
    auto const refused = check_quota(day, month, {1, 110}, limits);
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(metric_name(refused.exhausted) == "tokens_per_day");
}

BOOST_AUTO_TEST_CASE(each_limit_refuses_on_its_own_metric) {
    quota_window_state day, month;
    day.used = {10, 0};
    BOOST_TEST(metric_name(check_quota(day, month, {1, 1}, {10, 0, 0}).exhausted) == "requests_per_day");
    month.used = {0, 500};
    BOOST_TEST(metric_name(check_quota({}, month, {1, 1}, {0, 0, 500}).exhausted) == "tokens_per_month");
    BOOST_TEST(check_quota({}, month, {1, 1}, {0, 0, 0}).admitted); // 0 = unlimited
}

BOOST_AUTO_TEST_CASE(thresholds_alert_once_per_window) {
    unsigned alerted = 0;
    BOOST_TEST(crossed_thresholds(quota_metric::tokens_per_day, 700, 1000, alerted).empty());
    auto first = crossed_thresholds(quota_metric::tokens_per_day, 950, 1000, alerted);
    BOOST_TEST_REQUIRE(first.size() == 2u);
    BOOST_TEST(first[0].percent == 75);
    BOOST_TEST(first[1].percent == 90);
    BOOST_TEST(crossed_thresholds(quota_metric::tokens_per_day, 960, 1000, alerted).empty());
    auto full = crossed_thresholds(quota_metric::tokens_per_day, 1000, 1000, alerted);
    BOOST_TEST_REQUIRE(full.size() == 1u);
    BOOST_TEST(full[0].percent == 100);
    // Another metric of the same window has its own bits.
    BOOST_TEST(crossed_thresholds(quota_metric::requests_per_day, 8, 10, alerted).size() == 1u);
    unsigned fresh_window = 0; // a new day starts with no alert reported
    BOOST_TEST(crossed_thresholds(quota_metric::tokens_per_day, 1000, 1000, fresh_window).size() == 3u);
}

BOOST_AUTO_TEST_CASE(dollars_are_micro_dollars_counted_per_day_and_month) {
    BOOST_TEST(to_micro_usd(0.0000001) == 1); // rounded up: a reservation never undercounts
    BOOST_TEST(to_micro_usd(1.5) == 1'500'000);
    BOOST_TEST(to_micro_usd(-3) == 0);
    quota_limits limits;
    limits.micro_usd_per_day = 1'000'000;
    limits.micro_usd_per_month = 2'000'000;
    quota_window_state day, month;
    day.used.micro_usd = 900'000;
    BOOST_TEST(check_quota(day, month, {1, 10, 100'000}, limits).admitted); // exactly $1
    auto refused = check_quota(day, month, {1, 10, 100'001}, limits);
    BOOST_TEST(metric_name(refused.exhausted) == "usd_per_day");
    day = {};
    month.used.micro_usd = 1'950'000;
    BOOST_TEST(metric_name(check_quota(day, month, {1, 10, 60'000}, limits).exhausted) == "usd_per_month");
    BOOST_TEST(quota_use(day, month, limits) == 0.975);
    // Each dollar metric alerts on its own bits, like tokens.
    auto alerts = window_alerts(day, month, limits);
    BOOST_TEST_REQUIRE(alerts.size() == 2u);
    BOOST_TEST((alerts[0].metric == quota_metric::usd_per_month && alerts[1].percent == 90));
    BOOST_TEST(window_alerts(day, month, limits).empty());
}

BOOST_AUTO_TEST_CASE(requests_are_counted_per_month_too) {
    quota_limits limits;
    limits.requests_per_month = 10;
    quota_window_state day, month;
    month.used.requests = 9;
    BOOST_TEST(check_quota(day, month, {1, 0, 0}, limits).admitted);
    month.reserved.requests = 1;
    auto refused = check_quota(day, month, {1, 0, 0}, limits);
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(metric_name(refused.exhausted) == "requests_per_month");
    BOOST_TEST(quota_use(day, month, limits) == 1.0);
    auto const alerts = window_alerts(day, month, limits);
    BOOST_TEST_REQUIRE(alerts.size() == 3u); // 75, 90 and 100 %, on their own bits
    BOOST_TEST((alerts[2].metric == quota_metric::requests_per_month && alerts[2].percent == 100));
}

BOOST_AUTO_TEST_CASE(settling_never_goes_below_zero) {
    quota_counts c{1, 100};
    add_counts(c, {-2, -500});
    BOOST_TEST(c.requests == 0);
    BOOST_TEST(c.tokens == 0);
}

BOOST_AUTO_TEST_SUITE_END()
