// Circuit breaker transitions and probe counting, on an injected clock.
#include "domain/breaker.hpp"

#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
