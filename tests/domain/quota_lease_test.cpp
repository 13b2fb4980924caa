// Quota leases: how much a lease reserves, what fits in it, when it ends.
#include "domain/quota_lease.hpp"

#include "tests/domain/lease_terms_example.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using namespace std::chrono_literals;

namespace {
lease_terms terms(int calls = 32) { return switchboard::testing::example_terms(calls); }
} // namespace

BOOST_AUTO_TEST_SUITE(quota_leases)

BOOST_AUTO_TEST_CASE(a_lease_holds_room_for_several_calls_within_its_share_of_each_limit) {
    quota_limits big{0, 10'000'000, 0};
    auto size = lease_size({1, 1000, 30}, big, 0.1, terms());
    BOOST_TEST_REQUIRE(size.has_value());
    BOOST_TEST(size->requests == 32);
    BOOST_TEST(size->tokens == 32'000);
    BOOST_TEST(size->micro_usd == 960);
    // 2 % of 1,000,000 tokens is 20,000: room for 20 calls of 1,000, not 32.
    size = lease_size({1, 1000, 30}, quota_limits{0, 1'000'000, 0}, 0.1, terms());
    BOOST_TEST_REQUIRE(size.has_value());
    BOOST_TEST(size->tokens == 20'000);
    // The tightest limit decides: 2 % of 500 requests a day is 10 calls.
    quota_limits both{500, 10'000'000, 0};
    size = lease_size({1, 1000, 30}, both, 0.1, terms());
    BOOST_TEST_REQUIRE(size.has_value());
    BOOST_TEST(size->requests == 10);
    BOOST_TEST(size->tokens == 10'000);
}

BOOST_AUTO_TEST_CASE(calls_are_reserved_alone_when_leases_are_off_the_quota_is_small_or_nearly_used) {
    quota_limits big{0, 10'000'000, 0};
    BOOST_TEST(!lease_size({1, 1000, 0}, big, 0.1, terms(1)).has_value()); // off
    BOOST_TEST(!lease_size({1, 1000, 0}, quota_limits{0, 50'000, 0}, 0.1, terms()).has_value()); // 2 % = one call
    BOOST_TEST(!lease_size({1, 1000, 0}, big, 0.8, terms()).has_value()); // at exact_above
    BOOST_TEST(!lease_size({1, 1000, 0}, big, 1.0, terms()).has_value());
    BOOST_TEST(lease_size({1, 1000, 0}, big, 0.79, terms()).has_value());
    // A counter the call does not charge does not bound the lease.
    BOOST_TEST(lease_size({0, 1000, 0}, quota_limits{5, 10'000'000, 0}, 0.0, terms()).has_value());
}

BOOST_AUTO_TEST_CASE(calls_fit_until_taken_and_used_reach_what_was_granted) {
    quota_lease l;
    l.granted = {4, 4000, 0};
    int admitted = 0;
    while (lease_fits(l, {1, 1000, 0})) lease_take(l, {1, 1000, 0}), ++admitted;
    BOOST_TEST(admitted == 4);
    BOOST_TEST(l.in_flight == 4);
    // Two end: one failed (nothing used), one used more than its estimate.
    lease_end(l, {1, 1000, 0}, std::nullopt);
    lease_end(l, {1, 1000, 0}, quota_counts{1, 1500, 0});
    BOOST_TEST(l.in_flight == 2);
    BOOST_TEST(l.used.tokens == 1500);
    // Left: 4000 − 2000 taken − 1500 used = 500 tokens: a call of 1,000 no longer fits, one of 500 does.
    BOOST_TEST(!lease_fits(l, {1, 1000, 0}));
    BOOST_TEST(lease_fits(l, {1, 500, 0}));
}

BOOST_AUTO_TEST_CASE(a_counter_the_charge_does_not_use_never_refuses) {
    quota_lease l;
    l.granted = {0, 4000, 0}; // a tenant quota reserves tokens, not requests
    lease_take(l, {0, 1000, 0});
    lease_end(l, {0, 1000, 0}, quota_counts{1, 900, 0}); // the settlement counts the request
    BOOST_TEST(lease_fits(l, {0, 1000, 0}));
}

BOOST_AUTO_TEST_CASE(a_lease_takes_calls_for_its_hold_and_is_done_once_closed_and_empty) {
    time_point const t0{std::chrono::seconds(100)};
    quota_lease l;
    l.opened = t0;
    BOOST_TEST(!lease_expired(l, t0 + 999ms, terms()));
    BOOST_TEST(lease_expired(l, t0 + 1000ms, terms()));
    lease_take(l, {1, 1, 0});
    l.open = false;
    BOOST_TEST(!lease_expired(l, t0 + 5s, terms())); // closed: no longer "open and expired"
    BOOST_TEST(!lease_done(l));                       // a call still in flight
    lease_end(l, {1, 1, 0}, quota_counts{1, 1, 0});
    BOOST_TEST(lease_done(l));
}

BOOST_AUTO_TEST_CASE(a_closed_lease_waiting_on_calls_with_room_left_is_worth_shrinking) {
    quota_lease l;
    l.granted = {32, 32'000, 0};
    lease_take(l, {1, 1000, 0});
    lease_take(l, {1, 1000, 0});
    lease_end(l, {1, 1000, 0}, quota_counts{1, 700, 0});
    BOOST_TEST(!lease_worth_shrinking(l)); // still open: it takes calls
    l.open = false;
    BOOST_TEST(lease_worth_shrinking(l));
    auto const unused = lease_unused(l);
    BOOST_TEST(unused.requests == 30);
    BOOST_TEST(unused.tokens == 32'000 - 1000 - 700);
    l.granted = l.taken; // shrunk to the call in flight
    l.used = {};
    BOOST_TEST(!lease_worth_shrinking(l));
    lease_end(l, {1, 1000, 0}, quota_counts{1, 1000, 0});
    BOOST_TEST(!lease_worth_shrinking(l)); // done: settled, not shrunk
    BOOST_TEST(lease_done(l));
}

BOOST_AUTO_TEST_SUITE_END()
