// Token buckets, outbound limits, concurrency and AIMD, on an injected clock.
#include "domain/throttle.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using std::chrono::milliseconds;

namespace {
time_point const t0{std::chrono::hours(1)};
long long ms(duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}
} // namespace

BOOST_AUTO_TEST_SUITE(throttle)

BOOST_AUTO_TEST_CASE(bucket_refills_continuously_up_to_capacity) {
    token_bucket b(2, 1, t0);
    BOOST_TEST(b.try_take(1, t0));
    BOOST_TEST(b.try_take(1, t0));
    BOOST_TEST(!b.try_take(1, t0));
    BOOST_TEST(ms(b.time_until(1, t0)) == 1000);
    BOOST_TEST(ms(b.time_until(1, t0 + milliseconds(400))) == 600);
    BOOST_TEST(b.try_take(1, t0 + seconds(1)));
    BOOST_TEST(b.tokens(t0 + seconds(100)) == 2.0); // never above capacity
}

BOOST_AUTO_TEST_CASE(requests_per_minute_spaces_calls) {
    deployment_throttle t({60, 0, 0, 1}, t0); // one per second, burst of one
    BOOST_TEST(t.acquire(0, t0).go);
    auto d = t.acquire(0, t0);
    BOOST_TEST(!d.go);
    BOOST_TEST(ms(d.wait) == 1000);
    BOOST_TEST(t.acquire(0, t0 + seconds(1)).go);
}

BOOST_AUTO_TEST_CASE(tokens_per_minute_counts_the_estimate) {
    deployment_throttle t({0, 6000, 0, 1}, t0); // 100 tokens/s, bucket of 100
    BOOST_TEST(t.acquire(80, t0).go);
    auto d = t.acquire(80, t0);
    BOOST_TEST(!d.go);
    BOOST_TEST(ms(d.wait) == 600); // 60 more tokens at 100/s
}

BOOST_AUTO_TEST_CASE(max_concurrent_admits_until_released) {
    deployment_throttle t({0, 0, 2, 1}, t0);
    BOOST_TEST(t.acquire(0, t0).go);
    BOOST_TEST(t.acquire(0, t0).go);
    auto d = t.acquire(0, t0);
    BOOST_TEST(!d.go);
    BOOST_TEST((d.wait == concurrency_poll));
    t.release();
    BOOST_TEST(t.acquire(0, t0).go);
    BOOST_TEST(t.in_flight() == 2);
}

BOOST_AUTO_TEST_CASE(aimd_halves_on_429_and_climbs_back_additively) {
    deployment_throttle t({600, 0, 0, 1}, t0); // 10/s
    t.on_throttled(t0);
    BOOST_TEST(t.rate_factor() == 0.5);
    t.on_throttled(t0);
    t.on_throttled(t0);
    t.on_throttled(t0);
    t.on_throttled(t0);
    BOOST_TEST(t.rate_factor() == 0.1); // floor
    for (int i = 0; i < 18; ++i) t.on_success(t0);
    BOOST_TEST(t.rate_factor() == 1.0, boost::test_tools::tolerance(1e-9));
    t.on_success(t0);
    BOOST_TEST(t.rate_factor() == 1.0);
}

BOOST_AUTO_TEST_CASE(a_halved_rate_doubles_the_wait) {
    deployment_throttle t({60, 0, 0, 1}, t0);
    BOOST_TEST(t.acquire(0, t0).go);
    t.on_throttled(t0);
    BOOST_TEST(ms(t.acquire(0, t0).wait) == 2000);
}

BOOST_AUTO_TEST_CASE(unlimited_by_default) {
    deployment_throttle t({}, t0);
    for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE(t.acquire(1e6, t0).go);
}

BOOST_AUTO_TEST_SUITE_END()
