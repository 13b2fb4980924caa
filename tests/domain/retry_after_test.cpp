// Retry-After in both forms, retry-after-ms, and OpenAI reset hints.
#include "domain/retry_after.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using std::chrono::milliseconds;

namespace {
// 1994-11-06 08:49:37 UTC
wall_time const wall_now{std::chrono::seconds(784111777)};
long long ms(std::optional<duration> d) {
    return std::chrono::duration_cast<milliseconds>(*d).count();
}
} // namespace

BOOST_AUTO_TEST_SUITE(retry_after)

BOOST_AUTO_TEST_CASE(delta_seconds_and_milliseconds) {
    BOOST_TEST(ms(retry_delay({"2", "", "", ""}, wall_now)) == 2000);
    BOOST_TEST(ms(retry_delay({"2", "1500", "", ""}, wall_now)) == 1500); // -ms is the precise one
    BOOST_TEST(ms(retry_delay({" 0 ", "", "", ""}, wall_now)) == 0);
}

BOOST_AUTO_TEST_CASE(http_date) {
    auto date = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    BOOST_TEST_REQUIRE(date.has_value());
    BOOST_TEST(date->time_since_epoch() == wall_now.time_since_epoch());
    BOOST_TEST(ms(retry_delay({"Sun, 06 Nov 1994 08:49:47 GMT", "", "", ""}, wall_now)) == 10000);
    BOOST_TEST(ms(retry_delay({"Sun, 06 Nov 1994 08:49:00 GMT", "", "", ""}, wall_now)) == 0); // past: now
    BOOST_TEST(!parse_http_date("06 Nov 1994 08:49:37").has_value());
    BOOST_TEST(!parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").has_value());
}

BOOST_AUTO_TEST_CASE(reset_hints_count_only_without_retry_after) {
    BOOST_TEST(ms(retry_delay({"", "", "1s", "6m0s"}, wall_now)) == 360000);
    BOOST_TEST(ms(retry_delay({"", "", "250ms", ""}, wall_now)) == 250);
    BOOST_TEST(ms(retry_delay({"3", "", "1s", "6m0s"}, wall_now)) == 3000);
    BOOST_TEST(ms(parse_go_duration("1m30.5s")) == 90500);
    BOOST_TEST(!parse_go_duration("soon").has_value());
}

BOOST_AUTO_TEST_CASE(garbage_and_absurd_values) {
    BOOST_TEST(!retry_delay({"", "", "", ""}, wall_now).has_value());
    BOOST_TEST(!retry_delay({"later", "", "", ""}, wall_now).has_value());
    BOOST_TEST(ms(retry_delay({"-5", "", "", ""}, wall_now)) == 0); // negative: no wait
    BOOST_TEST(ms(retry_delay({"999999999", "", "", ""}, wall_now)) == 24 * 3600 * 1000LL); // capped
}

// Inputs found by tests/fuzz/retry_after_fuzz (each overflowed a 64-bit count of nanoseconds).
BOOST_AUTO_TEST_CASE(values_past_what_nanoseconds_hold_saturate_instead_of_overflowing) {
    BOOST_TEST(ms(retry_delay({"11044101044101", "", "", ""}, wall_now)) == 24 * 3600 * 1000LL);
    BOOST_TEST(ms(retry_delay({"", "99999999999999999", "", ""}, wall_now)) == 24 * 3600 * 1000LL);
    auto const huge = parse_go_duration("00400414004114m");
    BOOST_TEST_REQUIRE(huge.has_value());
    BOOST_TEST((*huge > std::chrono::hours(24 * 365)));
    BOOST_TEST(ms(retry_delay({"", "", "00400414004114m", ""}, wall_now)) == 24 * 3600 * 1000LL);
    BOOST_TEST(!parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT").has_value()); // past 2262 in ns
}

BOOST_AUTO_TEST_SUITE_END()
