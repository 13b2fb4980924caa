// Budgets: priority shares shed P3, then P2, then P1; P0 always runs; reservations reconcile.
#include "domain/budget.hpp"
#include "printers.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace {
// Admits calls of `p` one after another until refused; returns how many got through.
int admitted_until_refused(budget_usage& used, priority p, budget_limits const& limits) {
    int n = 0;
    for (; n < 100; ++n) {
        auto d = decide(used, 10, p, limits);
        if (!d.admitted) break;
        used = d.after;
    }
    return n;
}
} // namespace

BOOST_AUTO_TEST_SUITE(budget)

BOOST_AUTO_TEST_CASE(priorities_parse_and_default_to_p1) {
    BOOST_TEST((*parse_priority("") == priority::p1));
    BOOST_TEST((*parse_priority("P0") == priority::p0));
    BOOST_TEST((*parse_priority("p3") == priority::p3));
    for (auto bad : {"P4", "high", "P", "P01"}) {
        auto r = parse_priority(bad);
        BOOST_TEST_REQUIRE(r.has_error());
        BOOST_TEST(r.error().param == "X-Priority");
    }
}

BOOST_AUTO_TEST_CASE(default_budget_is_three_calls) {
    budget_limits limits;
    budget_usage used;
    BOOST_TEST(admitted_until_refused(used, priority::p1, limits) == 3);
    BOOST_TEST(used.calls == 3);
}

BOOST_AUTO_TEST_CASE(lower_priorities_are_shed_first) {
    budget_limits limits;
    limits.max_calls = 4; // shares: P1 4 calls, P2 3, P3 2
    budget_usage used;
    BOOST_TEST(admitted_until_refused(used, priority::p3, limits) == 2);
    BOOST_TEST(admitted_until_refused(used, priority::p2, limits) == 1);
    BOOST_TEST(admitted_until_refused(used, priority::p1, limits) == 1);
    // Spent: P3, P2, P1 all refused now; P0 still runs, and counts.
    for (auto p : {priority::p3, priority::p2, priority::p1})
        BOOST_TEST(!decide(used, 10, p, limits).admitted);
    auto p0 = decide(used, 10, priority::p0, limits);
    BOOST_TEST(p0.admitted);
    BOOST_TEST(p0.after.calls == 5);
}

BOOST_AUTO_TEST_CASE(token_and_dollar_caps) {
    budget_limits limits;
    limits.max_calls = 0;
    limits.max_tokens = 100;
    BOOST_TEST(decide({0, 90, 0}, 10, priority::p1, limits).admitted);
    BOOST_TEST(!decide({0, 91, 0}, 10, priority::p1, limits).admitted);
    BOOST_TEST(!decide({0, 40, 0}, 20, priority::p3, limits).admitted); // P3 may use half
    limits.max_tokens = 0;
    limits.max_usd = 1.0;
    BOOST_TEST(decide({0, 0, 0.99}, 10, priority::p1, limits).admitted);
    BOOST_TEST(!decide({0, 0, 1.0}, 10, priority::p1, limits).admitted);
    BOOST_TEST(decide({0, 0, 5.0}, 10, priority::p0, limits).admitted);
}

BOOST_AUTO_TEST_CASE(reconciliation_replaces_the_estimate_or_gives_it_all_back) {
    budget_usage reserved{1, 300, 0};
    auto success = reconcile(reserved, budget_usage{1, 120, 0.002});
    BOOST_TEST(success.calls == 0);
    BOOST_TEST(success.tokens == -180);
    BOOST_TEST(success.usd == 0.002);
    auto failure = reconcile(reserved, std::nullopt);
    BOOST_TEST(failure.calls == -1);
    BOOST_TEST(failure.tokens == -300);
    BOOST_TEST(failure.usd == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
