// Key meter leases: how many slots and tokens, for whom, and what goes back when.
#include "domain/meter_lease.hpp"

#include "tests/domain/lease_terms_example.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using namespace std::chrono_literals;

namespace {
lease_terms terms(int calls = 32) { return switchboard::testing::example_terms(calls); }
meter_limits const slots_only{0, 100};
meter_limits const tokens_only{60'000, 0};
meter_limits const both{60'000, 100};
time_point at(int ms) { return time_point(milliseconds(ms)); }
meter_lease open_lease(std::int64_t slots, std::int64_t tokens) { return {slots, tokens, 0, 0, at(1000), false}; }
} // namespace

BOOST_AUTO_TEST_SUITE(meter_leases)

BOOST_AUTO_TEST_CASE(a_lease_holds_one_slot_more_than_the_most_calls_lately_in_flight_within_a_quarter) {
    BOOST_TEST(plan_meter_lease(slots_only, 0.1, {50, 8, 0}, 0, terms()).slots == 9);
    BOOST_TEST(plan_meter_lease(slots_only, 0.1, {50, 8, 0}, 0, terms()).tokens == 0); // not paced
    BOOST_TEST(plan_meter_lease(slots_only, 0.1, {50, 0, 0}, 0, terms()).slots == 1);  // calls one after another
    BOOST_TEST(plan_meter_lease(slots_only, 0.1, {500, 90, 0}, 0, terms()).slots == 25); // a quarter of 100
    BOOST_TEST(plan_meter_lease(slots_only, 0.1, {500, 90, 0}, 0, terms(4)).slots == 4); // terms.calls
    BOOST_TEST(!plan_meter_lease({0, 3}, 0.1, {50, 1, 0}, 0, terms()).any()); // a quarter of 3 is no slot
}

BOOST_AUTO_TEST_CASE(a_lease_holds_twice_the_tokens_lately_drawn_and_always_the_calls_estimate) {
    auto p = plan_meter_lease(tokens_only, 0.1, {10, 2, 1000}, 100, terms());
    BOOST_TEST(p.tokens == 2000);
    BOOST_TEST(p.slots == 0);
    BOOST_TEST(plan_meter_lease(tokens_only, 0.1, {10, 2, 10}, 100, terms()).tokens == 200);   // the estimate's twice
    BOOST_TEST(plan_meter_lease(tokens_only, 0.1, {10, 2, 1000}, 10, terms(4)).tokens == 40);  // terms.calls estimates
    BOOST_TEST(plan_meter_lease(tokens_only, 0.1, {10, 2, 99'000}, 100, terms()).tokens == 3200);
    BOOST_TEST(plan_meter_lease(both, 0.1, {10, 2, 99'000}, 1000, terms()).tokens == 15'000); // a quarter of the minute
    BOOST_TEST(!plan_meter_lease(tokens_only, 0.1, {10, 2, 0}, 20'000, terms()).any()); // the estimate over a quarter
}

BOOST_AUTO_TEST_CASE(rare_keys_keys_near_a_limit_and_leases_off_are_metered_one_by_one) {
    BOOST_TEST(!plan_meter_lease(both, 0.1, {1, 1, 10}, 10, terms()).any());  // seen once lately
    BOOST_TEST(!plan_meter_lease(both, 0.8, {50, 8, 10}, 10, terms()).any()); // at exact_above
    BOOST_TEST(!plan_meter_lease(both, 0.1, {50, 8, 10}, 10, terms(1)).any()); // leases off
    BOOST_TEST(!plan_meter_lease({0, 0}, 0.1, {50, 8, 10}, 10, terms()).any()); // nothing to meter
}

BOOST_AUTO_TEST_CASE(an_open_lease_admits_while_it_has_a_free_slot_and_the_tokens_until_its_hold_ends) {
    auto l = open_lease(2, 300);
    BOOST_TEST(meter_lease_admits(l, both, 100, at(0)));
    meter_lease_take(l, 100);
    meter_lease_take(l, 100);
    BOOST_TEST(!meter_lease_admits(l, both, 100, at(0)));        // both slots taken
    BOOST_TEST(meter_lease_admits(l, tokens_only, 100, at(0)));   // (slots not counted: the tokens are there)
    BOOST_TEST(!meter_lease_end_call(l, 100, 40).any());          // open: the slot and 60 tokens stay the lease's
    BOOST_TEST(l.charged == 140);
    BOOST_TEST(meter_lease_admits(l, both, 160, at(999)));
    BOOST_TEST(!meter_lease_admits(l, both, 161, at(999)));       // 300 tokens held, 140 charged
    BOOST_TEST(!meter_lease_admits(l, both, 1, at(1000)));        // its hold has ended
}

BOOST_AUTO_TEST_CASE(closing_gives_back_what_running_calls_do_not_hold_and_each_gives_back_its_own_as_it_ends) {
    auto l = open_lease(5, 1000);
    for (int i = 0; i < 3; ++i) meter_lease_take(l, 100);
    meter_lease_end_call(l, 100, 30); // one ended: 30 used; two running
    auto back = meter_lease_close(l);
    BOOST_TEST(back.first_slot == 3); // slots 3..5 go; #1 and #2 stay with the running calls
    BOOST_TEST(back.last_slot == 5);
    BOOST_TEST(back.tokens == 1000 - 230);
    BOOST_TEST(!meter_lease_admits(l, both, 1, at(0))); // closed
    BOOST_TEST(!meter_lease_done(l));
    auto first = meter_lease_end_call(l, 100, 150); // over its estimate: 50 more counted
    BOOST_TEST(first.first_slot == 2);
    BOOST_TEST(first.last_slot == 2);
    BOOST_TEST(first.tokens == -50);
    auto last = meter_lease_end_call(l, 100, 0);
    BOOST_TEST(last.first_slot == 1);
    BOOST_TEST(last.tokens == 100);
    BOOST_TEST(meter_lease_done(l));
    BOOST_TEST(!meter_lease_close(l).any()); // closing twice gives back nothing more
}

BOOST_AUTO_TEST_CASE(a_lease_of_tokens_alone_gives_back_no_slot) {
    auto l = open_lease(0, 500);
    meter_lease_take(l, 100);
    auto back = meter_lease_close(l);
    BOOST_TEST(back.first_slot > back.last_slot);
    BOOST_TEST(back.tokens == 400);
    auto end = meter_lease_end_call(l, 100, 100);
    BOOST_TEST(end.first_slot > end.last_slot);
    BOOST_TEST(!end.any());
    BOOST_TEST(meter_lease_done(l));
}

BOOST_AUTO_TEST_SUITE_END()
