// A key's tokens per minute (GCRA): a minute's worth at once, then paced; unused tokens come back.
#include "domain/key_meter.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace {
constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t t0 = 1'000 * second;
} // namespace

BOOST_AUTO_TEST_SUITE(key_meter)

BOOST_AUTO_TEST_CASE(a_minutes_tokens_go_at_once_then_come_back_at_the_rate) {
    std::int64_t tat = 0;
    for (int i = 0; i < 6; ++i) {
        auto d = pace_tokens(tat, t0, 100, 600); // 600 per minute: 100 each time, six times
        BOOST_TEST_REQUIRE(d.admitted);
        tat = d.tat_us;
    }
    auto refused = pace_tokens(tat, t0, 100, 600);
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(!refused.never);
    BOOST_TEST(refused.retry_after_us == 10 * second); // 100 tokens at 10 per second
    BOOST_TEST(pace_tokens(tat, t0 + 10 * second, 100, 600).admitted);
    BOOST_TEST(!pace_tokens(tat, t0 + 10 * second, 101, 600).admitted);
}

BOOST_AUTO_TEST_CASE(unused_tokens_come_back_and_overuse_is_owed) {
    auto d = pace_tokens(0, t0, 600, 600);
    BOOST_TEST_REQUIRE(d.admitted);
    BOOST_TEST(!pace_tokens(d.tat_us, t0, 1, 600).admitted);
    auto const repaid = repay_tokens(d.tat_us, 600, 100, 600); // used 100 of its 600
    BOOST_TEST(pace_tokens(repaid, t0, 500, 600).admitted);
    BOOST_TEST(!pace_tokens(repaid, t0, 501, 600).admitted);
    auto const owed = repay_tokens(repaid, 100, 160, 600); // used 60 more than its estimate
    BOOST_TEST(!pace_tokens(owed, t0, 500, 600).admitted);
    BOOST_TEST(pace_tokens(owed, t0, 440, 600).admitted);
}

BOOST_AUTO_TEST_CASE(an_estimate_over_a_minutes_tokens_never_fits_and_zero_means_no_limit) {
    auto d = pace_tokens(0, t0, 601, 600);
    BOOST_TEST(!d.admitted);
    BOOST_TEST(d.never);
    BOOST_TEST(pace_tokens(0, t0, 1'000'000, 0).admitted);
    BOOST_TEST(token_cost_us(1, 7) == 8'571'429); // rounded up
}

BOOST_AUTO_TEST_SUITE_END()
