// The process-wide retry budget: ratio of requests, per-second floor, sliding window.
#include "domain/retry_budget.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace {
time_point const t0{std::chrono::hours(1)};
int spend_all(retry_budget& b, time_point now) {
    int n = 0;
    while (b.try_spend(now) && n < 100000) ++n;
    return n;
}
} // namespace

BOOST_AUTO_TEST_SUITE(retry_budget_suite)

BOOST_AUTO_TEST_CASE(a_quiet_gateway_gets_the_floor) {
    retry_budget b({0.2, 3, seconds(10)});
    BOOST_TEST(spend_all(b, t0) == 30); // 3/s over a 10 s window
}

BOOST_AUTO_TEST_CASE(busy_traffic_gets_the_ratio) {
    retry_budget b({0.2, 3, seconds(10)});
    for (int i = 0; i < 1000; ++i) b.on_request(t0);
    BOOST_TEST(spend_all(b, t0) == 200);
}

BOOST_AUTO_TEST_CASE(spent_retries_age_out_of_the_window) {
    retry_budget b({0.2, 1, seconds(10)});
    BOOST_TEST(spend_all(b, t0) == 10);
    BOOST_TEST(!b.try_spend(t0 + seconds(9)));
    BOOST_TEST(b.try_spend(t0 + seconds(10))); // the t0 bucket left the window
}

BOOST_AUTO_TEST_SUITE_END()
