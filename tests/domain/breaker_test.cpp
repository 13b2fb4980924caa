// Circuit breaker transitions and probe counting, on an injected clock.
#include "domain/breaker.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>

using namespace switchboard::domain;

namespace switchboard::domain {
std::ostream& operator<<(std::ostream& os, breaker_state s) {
    char const* names[] = {"breaker_state::closed", "breaker_state::open", "breaker_state::half_open"};
    return os << names[static_cast<int>(s)];
}
std::ostream& operator<<(std::ostream& os, breaker_admission a) {
    char const* names[] = {"breaker_admission::allow", "breaker_admission::probe",
                           "breaker_admission::reject"};
    return os << names[static_cast<int>(a)];
}
} // namespace switchboard::domain

namespace {
time_point const t0{};
circuit_breaker tripped(time_point at) {
    circuit_breaker b({5, seconds(60), 1});
    for (int i = 0; i < 5; ++i) b.on_failure(at);
    return b;
}
} // namespace

BOOST_AUTO_TEST_SUITE(breaker)

BOOST_AUTO_TEST_CASE(opens_after_consecutive_failures_only) {
    circuit_breaker b({5, seconds(60), 1});
    for (int i = 0; i < 4; ++i) b.on_failure(t0);
    BOOST_TEST(b.state(t0) == breaker_state::closed);
    b.on_success(t0); // resets the streak
    for (int i = 0; i < 4; ++i) b.on_failure(t0);
    BOOST_TEST(b.admit(t0) == breaker_admission::allow);
    b.on_failure(t0);
    BOOST_TEST(b.state(t0) == breaker_state::open);
    BOOST_TEST(b.admit(t0 + seconds(59)) == breaker_admission::reject);
}

BOOST_AUTO_TEST_CASE(half_open_admits_a_bounded_number_of_probes) {
    auto b = tripped(t0);
    BOOST_TEST(b.state(t0 + seconds(60)) == breaker_state::half_open);
    BOOST_TEST(b.admit(t0 + seconds(60)) == breaker_admission::probe);
    BOOST_TEST(b.admit(t0 + seconds(61)) == breaker_admission::reject); // one probe at a time

    circuit_breaker two({1, seconds(10), 2});
    two.on_failure(t0);
    BOOST_TEST(two.admit(t0 + seconds(10)) == breaker_admission::probe);
    BOOST_TEST(two.admit(t0 + seconds(10)) == breaker_admission::probe);
    BOOST_TEST(two.admit(t0 + seconds(10)) == breaker_admission::reject);
}

BOOST_AUTO_TEST_CASE(a_successful_probe_closes) {
    auto b = tripped(t0);
    BOOST_TEST(b.admit(t0 + seconds(60)) == breaker_admission::probe);
    b.on_success(t0 + seconds(61));
    BOOST_TEST(b.state(t0 + seconds(61)) == breaker_state::closed);
    BOOST_TEST(b.admit(t0 + seconds(61)) == breaker_admission::allow);
}

BOOST_AUTO_TEST_CASE(a_failed_probe_reopens_for_a_full_period) {
    auto b = tripped(t0);
    BOOST_TEST(b.admit(t0 + seconds(60)) == breaker_admission::probe);
    b.on_failure(t0 + seconds(62));
    BOOST_TEST(b.state(t0 + seconds(62)) == breaker_state::open);
    BOOST_TEST(b.admit(t0 + seconds(121)) == breaker_admission::reject);
    BOOST_TEST(b.admit(t0 + seconds(122)) == breaker_admission::probe);
}

BOOST_AUTO_TEST_CASE(a_neutral_probe_frees_its_slot) {
    auto b = tripped(t0);
    BOOST_TEST(b.admit(t0 + seconds(60)) == breaker_admission::probe);
    b.on_neutral(t0 + seconds(60));
    BOOST_TEST(b.admit(t0 + seconds(60)) == breaker_admission::probe);
}

BOOST_AUTO_TEST_CASE(a_failure_rate_over_the_window_opens_without_a_streak) {
    breaker_config c;
    c.failure_rate = 0.5;
    c.min_calls = 10;
    c.window = seconds(10);
    circuit_breaker b(c);
    // Alternating success/failure never makes 5 in a row, but half of the calls fail.
    for (int i = 0; i < 9; ++i) {
        if (i % 2)
            b.on_failure(t0 + seconds(i / 2));
        else
            b.on_success(t0 + seconds(i / 2));
    }
    BOOST_TEST(b.state(t0 + seconds(5)) == breaker_state::closed); // 9 calls: below min_calls
    b.on_failure(t0 + seconds(5));                                 // 10 calls, 5 failures
    BOOST_TEST(b.state(t0 + seconds(5)) == breaker_state::open);
}

BOOST_AUTO_TEST_CASE(old_failures_leave_the_rate_window) {
    breaker_config c;
    c.failure_rate = 0.5;
    c.min_calls = 4;
    c.window = seconds(10);
    circuit_breaker b(c);
    b.on_failure(t0);
    b.on_failure(t0);
    b.on_success(t0);
    for (int i = 0; i < 3; ++i) b.on_success(t0 + seconds(20)); // the t0 calls are out of the window
    b.on_failure(t0 + seconds(20));
    BOOST_TEST(b.state(t0 + seconds(20)) == breaker_state::closed); // 1 of 4 recent calls failed
}

BOOST_AUTO_TEST_CASE(the_issue_scenario_at_real_defaults) {
    // A primary down for 60 s then healthy, one request every 2 s, default breaker (5 failures,
    // open 60 s, one probe). Fallback serves while it is down; at most one probe per open period;
    // the primary serves again within 30 s of recovering.
    circuit_breaker b;
    int primary_calls_while_down = 0, probes = 0;
    std::optional<int> back_at;
    for (int s = 0; s <= 180; s += 2) {
        auto const now = t0 + seconds(s);
        bool const healthy = s >= 60;
        auto const a = b.admit(now);
        if (a == breaker_admission::reject) continue; // the fallback serves
        if (a == breaker_admission::probe) ++probes;
        if (!healthy) {
            ++primary_calls_while_down;
            b.on_failure(now);
        } else {
            b.on_success(now);
            if (!back_at) back_at = s;
        }
    }
    BOOST_TEST(primary_calls_while_down == 5); // the streak that opened it; none while open
    BOOST_TEST(probes == 1);
    BOOST_TEST_REQUIRE(back_at.has_value());
    BOOST_TEST(*back_at - 60 <= 30);
}

BOOST_AUTO_TEST_SUITE_END()
