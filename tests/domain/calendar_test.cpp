// UTC calendar windows: day and month ids and where the next window starts.
#include "domain/calendar.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

BOOST_AUTO_TEST_SUITE(calendar)

// 2026-11-21T23:59:59Z
constexpr std::int64_t late_saturday = 1795305599;

BOOST_AUTO_TEST_CASE(the_day_ends_at_utc_midnight) {
    BOOST_TEST(day_id(late_saturday) == "2026-11-21");
    BOOST_TEST(day_id(late_saturday + 1) == "2026-11-22");
    BOOST_TEST(next_day_start(late_saturday) == late_saturday + 1);
    BOOST_TEST(next_day_start(late_saturday + 1) == late_saturday + 1 + 86400);
}

BOOST_AUTO_TEST_CASE(months_roll_over_at_their_first_day_including_new_year_and_leap_days) {
    // 2026-12-31T23:59:59Z → 2027-01-01
    constexpr std::int64_t new_years_eve = 1798761599;
    BOOST_TEST(month_id(new_years_eve) == "2026-12");
    BOOST_TEST(month_id(new_years_eve + 1) == "2027-01");
    BOOST_TEST(next_month_start(new_years_eve) == new_years_eve + 1);
    // 2028-02-29 exists; March starts after it.
    constexpr std::int64_t leap_day = 1835395200; // 2028-02-29T00:00:00Z
    BOOST_TEST(day_id(leap_day) == "2028-02-29");
    BOOST_TEST(next_month_start(leap_day) == leap_day + 86400);
    BOOST_TEST(day_id(0) == "1970-01-01");
}

BOOST_AUTO_TEST_SUITE_END()
