// Rate-limit leases: how many admissions, for how long, and for whom.
#include "domain/window_lease.hpp"

#include "tests/domain/lease_terms_example.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace switchboard::domain;
using namespace std::chrono_literals;

namespace {
lease_terms terms(int calls = 32) { return switchboard::testing::example_terms(calls); }
window_lease_plan plan(std::vector<std::int64_t> limits, std::vector<milliseconds> windows, double use,
                       std::int64_t recent, lease_terms const& t = terms()) {
    return plan_window_lease(limits, windows, use, recent, t);
}
} // namespace

BOOST_AUTO_TEST_SUITE(window_leases)

BOOST_AUTO_TEST_CASE(a_busy_subject_leases_twice_its_recent_calls_within_the_terms) {
    auto p = plan({100'000}, {60'000ms}, 0.1, 10);
    BOOST_TEST(p.admissions == 20); // 10 calls in the last second: room for 20 over the next one
    BOOST_TEST(p.hold.count() == 1000);
    BOOST_TEST(plan({100'000}, {60'000ms}, 0.1, 5000).admissions == 32); // terms.calls
    BOOST_TEST(plan({100'000}, {60'000ms}, 0.1, 5000, terms(1000)).admissions == max_window_lease);
    BOOST_TEST(plan({600}, {60'000ms}, 0.1, 5000).admissions == 12); // 2 % of 600
}

BOOST_AUTO_TEST_CASE(the_hold_is_at_most_a_tenth_of_the_shortest_window_and_sizes_the_lease) {
    auto p = plan({1'000'000, 100'000}, {1000ms, 60'000ms}, 0.1, 100);
    BOOST_TEST(p.hold.count() == 100);
    BOOST_TEST(p.admissions == 20); // 100 calls a second: 10 expected in 100 ms, room for 20
}

BOOST_AUTO_TEST_CASE(rare_callers_full_windows_and_small_limits_are_admitted_one_by_one) {
    BOOST_TEST(plan({100'000}, {60'000ms}, 0.1, 1).admissions == 0);   // seen once: one IP among many
    BOOST_TEST(plan({100'000}, {60'000ms}, 0.8, 100).admissions == 0); // at exact_above
    BOOST_TEST(plan({60}, {60'000ms}, 0.1, 100).admissions == 0);      // 2 % of 60 is one call
    BOOST_TEST(plan({100'000}, {60'000ms}, 0.1, 100, terms(1)).admissions == 0); // leases off
    BOOST_TEST(plan({100'000}, {5ms}, 0.1, 100).admissions == 0);      // a window too short to hold any
}

BOOST_AUTO_TEST_CASE(a_lease_admits_until_used_up_or_ended) {
    time_point const t0{std::chrono::seconds(10)};
    window_lease l{3, 0, t0 + 100ms};
    BOOST_TEST(window_lease_admits(l, t0));
    l.taken = 3;
    BOOST_TEST(!window_lease_admits(l, t0));
    l.taken = 1;
    BOOST_TEST(!window_lease_admits(l, t0 + 100ms));
}

BOOST_AUTO_TEST_SUITE_END()
