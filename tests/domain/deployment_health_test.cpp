// Breaker plus provider cooldown for one deployment.
#include "domain/deployment_health.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace {
time_point const t0{};
attempt_error status(int s) {
    return attempt_error{attempt_failure::upstream_status, s};
}
} // namespace

BOOST_AUTO_TEST_SUITE(deployment_health_suite)

BOOST_AUTO_TEST_CASE(classification) {
    BOOST_TEST((classify(status(429)) == call_result::throttled));
    BOOST_TEST((classify(status(503)) == call_result::failure));
    BOOST_TEST((classify({attempt_failure::timeout}) == call_result::failure));
    BOOST_TEST((classify({attempt_failure::bad_response}) == call_result::failure));
    BOOST_TEST((classify(status(400)) == call_result::neutral));
    BOOST_TEST((classify({attempt_failure::unsupported}) == call_result::neutral));
}

BOOST_AUTO_TEST_CASE(a_429_cools_down_without_tripping_the_breaker) {
    deployment_health h({1, seconds(60), 1});
    BOOST_TEST((h.admit(t0) == breaker_admission::allow));
    h.on_result(call_result::throttled, t0, seconds(2));
    BOOST_TEST(!h.available(t0 + std::chrono::milliseconds(1999)));
    BOOST_TEST((h.admit(t0 + std::chrono::milliseconds(1999)) == breaker_admission::reject));
    BOOST_TEST(h.available(t0 + seconds(2)));
    BOOST_TEST((h.state(t0 + seconds(2)) == breaker_state::closed));
    BOOST_TEST((h.admit(t0 + seconds(2)) == breaker_admission::allow));
}

BOOST_AUTO_TEST_CASE(a_shorter_retry_after_never_shortens_a_cooldown) {
    deployment_health h;
    h.on_result(call_result::throttled, t0, seconds(10));
    h.on_result(call_result::throttled, t0 + seconds(1), seconds(1));
    BOOST_TEST(!h.available(t0 + seconds(9)));
}

BOOST_AUTO_TEST_CASE(failures_open_the_breaker) {
    deployment_health h({2, seconds(5), 1});
    h.on_result(call_result::failure, t0);
    BOOST_TEST(h.available(t0));
    h.on_result(call_result::failure, t0);
    BOOST_TEST(!h.available(t0 + seconds(4)));
    BOOST_TEST(h.available(t0 + seconds(5)));
    BOOST_TEST((h.admit(t0 + seconds(5)) == breaker_admission::probe));
}

BOOST_AUTO_TEST_SUITE_END()
