// Degraded-mode transitions with hysteresis, on an injected clock, and each mode's actions.
#include "domain/degraded_mode.hpp"

#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace switchboard::domain;

namespace switchboard::domain {
std::ostream& operator<<(std::ostream& os, gateway_mode m) {
    return os << "gateway_mode::" << mode_name(m);
}
} // namespace switchboard::domain

namespace {
time_point const t0{std::chrono::hours(1)};
mode_signals rate(double r) {
    return {r, 0, 0, 0};
}
} // namespace

BOOST_AUTO_TEST_SUITE(degraded_mode_suite)

BOOST_AUTO_TEST_CASE(escalates_at_once_on_any_signal) {
    degraded_mode m;
    BOOST_TEST(m.update(rate(0.1), t0) == gateway_mode::normal);
    BOOST_TEST(m.update(rate(0.25), t0) == gateway_mode::degraded);
    BOOST_TEST(m.update({0, 0.7, 0, 0}, t0) == gateway_mode::critical);
    degraded_mode q;
    BOOST_TEST(q.update({0, 0, 50, 0}, t0) == gateway_mode::degraded);
    degraded_mode quota;
    BOOST_TEST(quota.update({0, 0, 0, 0.92}, t0) == gateway_mode::degraded);
    BOOST_TEST(quota.update({0, 0, 0, 1.0}, t0) == gateway_mode::critical);
    degraded_mode jump;
    BOOST_TEST(jump.update(rate(0.9), t0) == gateway_mode::critical); // straight to critical
}

BOOST_AUTO_TEST_CASE(steps_down_one_level_after_a_calm_period) {
    degraded_mode m; // calm_for 30 s, exit below half the entry thresholds
    m.update(rate(0.6), t0);
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(1)) == gateway_mode::critical);
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(30)) == gateway_mode::critical);
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(31)) == gateway_mode::degraded);
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(60)) == gateway_mode::degraded);
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(61)) == gateway_mode::normal);
}

BOOST_AUTO_TEST_CASE(hovering_near_the_threshold_does_not_flap) {
    degraded_mode m;
    m.update(rate(0.2), t0); // degraded
    // 0.15 is below the entry (0.2) but above the exit (0.1): stays degraded, calm never starts.
    for (int s = 1; s < 120; ++s)
        BOOST_TEST_REQUIRE(m.update(rate(0.15), t0 + seconds(s)) == gateway_mode::degraded);
    // A single spike during the calm period restarts it.
    m.update(rate(0.0), t0 + seconds(200));
    m.update(rate(0.12), t0 + seconds(220));
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(240)) == gateway_mode::degraded);
    BOOST_TEST(m.update(rate(0.0), t0 + seconds(270)) == gateway_mode::normal);
}

BOOST_AUTO_TEST_CASE(actions_by_mode_and_priority) {
    for (auto m : {gateway_mode::normal, gateway_mode::degraded, gateway_mode::critical}) {
        auto const p0 = actions_for(m, priority::p0);
        BOOST_TEST(!p0.shed);
        BOOST_TEST(p0.max_tokens_factor == 1.0);
    }
    BOOST_TEST(!actions_for(gateway_mode::normal, priority::p3).shed);
    BOOST_TEST(actions_for(gateway_mode::degraded, priority::p3).shed);
    BOOST_TEST(!actions_for(gateway_mode::degraded, priority::p2).shed);
    BOOST_TEST(actions_for(gateway_mode::degraded, priority::p1).max_tokens_factor == 0.5);
    BOOST_TEST(actions_for(gateway_mode::degraded, priority::p1).cheapest_first);
    BOOST_TEST(actions_for(gateway_mode::critical, priority::p2).shed);
    BOOST_TEST(!actions_for(gateway_mode::critical, priority::p1).shed);
    BOOST_TEST(actions_for(gateway_mode::critical, priority::p1).cheapest_only);
}

BOOST_AUTO_TEST_SUITE_END()
