// Backoff sequence, jitter bounds, and which failures are retried on the same deployment.
#include "domain/backoff.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using std::chrono::milliseconds;

namespace {
long long ms(duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}
} // namespace

BOOST_AUTO_TEST_SUITE(backoff)

BOOST_AUTO_TEST_CASE(ceilings_double_up_to_the_cap) {
    retry_config c{3, seconds(1), seconds(4)};
    double const top = 0.999999;
    BOOST_TEST(ms(backoff_delay(c, 0, top)) == 999);
    BOOST_TEST(ms(backoff_delay(c, 1, top)) == 1999);
    BOOST_TEST(ms(backoff_delay(c, 2, top)) == 3999);
    BOOST_TEST(ms(backoff_delay(c, 3, top)) == 3999); // capped at 4 s
}

BOOST_AUTO_TEST_CASE(full_jitter_stays_within_zero_and_the_ceiling) {
    retry_config c{3, seconds(1), seconds(4)};
    BOOST_TEST(ms(backoff_delay(c, 1, 0.0)) == 0);
    BOOST_TEST(ms(backoff_delay(c, 1, 0.5)) == 1000);
    BOOST_TEST(ms(backoff_delay(c, 1, 7.0)) == 2000); // out-of-range draws are clamped
    BOOST_TEST(ms(backoff_delay(c, 1, -1.0)) == 0);
}

BOOST_AUTO_TEST_CASE(what_is_retried_on_the_same_deployment) {
    auto status = [](int s) { return attempt_error{attempt_failure::upstream_status, s}; };
    BOOST_TEST(retry_same_deployment({attempt_failure::reset}));
    BOOST_TEST(retry_same_deployment({attempt_failure::connect_failed}));
    BOOST_TEST(retry_same_deployment(status(500)));
    BOOST_TEST(retry_same_deployment(status(429)));
    BOOST_TEST(!retry_same_deployment({attempt_failure::timeout})); // silent: fail over instead
    BOOST_TEST(!retry_same_deployment(status(400)));
    BOOST_TEST(!retry_same_deployment(status(401)));
    BOOST_TEST(!retry_same_deployment(status(404)));
    BOOST_TEST(!retry_same_deployment(status(422)));
}

BOOST_AUTO_TEST_SUITE_END()
