// The sliding-window log on an injected clock, and which rules apply to a route.
#include "domain/rate_limit.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(rate_limits)

BOOST_AUTO_TEST_CASE(the_whole_limit_may_burst_then_one_slot_frees_as_the_oldest_leaves) {
    std::deque<time_point> log;
    time_point const t0{};
    for (int i = 0; i < 3; ++i) {
        auto d = peek_window(log, t0 + i * 1s, 3, 60s);
        BOOST_TEST(d.admitted);
        BOOST_TEST(d.remaining == 2 - i);
        record_admission(log, t0 + i * 1s);
    }
    auto refused = peek_window(log, t0 + 10s, 3, 60s);
    BOOST_TEST(!refused.admitted);
    BOOST_TEST((refused.reset == 50s)); // the first admission leaves the window at t0 + 60 s
    // A refusal is not recorded: at exactly t0 + 60 s one slot is free again.
    auto later = peek_window(log, t0 + 60s, 3, 60s);
    BOOST_TEST(later.admitted);
    BOOST_TEST(later.remaining == 0);
}

BOOST_AUTO_TEST_CASE(never_more_than_the_limit_in_any_window) {
    std::deque<time_point> log;
    time_point const t0{};
    std::vector<time_point> admitted;
    for (int ms = 0; ms < 180'000; ms += 250)
        if (peek_window(log, t0 + std::chrono::milliseconds(ms), 10, 60s).admitted) {
            record_admission(log, t0 + std::chrono::milliseconds(ms));
            admitted.push_back(t0 + std::chrono::milliseconds(ms));
        }
    for (std::size_t i = 0; i < admitted.size(); ++i) {
        std::size_t in_window = 0;
        for (auto const& t : admitted) in_window += t >= admitted[i] && t < admitted[i] + 60s;
        BOOST_TEST(in_window <= 10u);
    }
    BOOST_TEST(admitted.size() == 30u); // 10 per minute over 3 minutes
}

BOOST_AUTO_TEST_CASE(route_rules_replace_the_catch_all_of_their_scope_only) {
    auto const rules = default_rate_limits();
    auto chat = rules_for(rules, "/v1/chat/completions");
    BOOST_TEST_REQUIRE(chat.size() == 1u);
    BOOST_TEST(chat[0]->requests == 60);
    BOOST_TEST(rules_for(rules, "/v1/embeddings")[0]->requests == 30);
    BOOST_TEST(rules_for(rules, "/v1/models")[0]->requests == 100);

    std::vector<rate_limit_rule> mixed{{"/v1/chat/completions", limit_scope::ip, 5, 60s, fail_mode::open},
                                       {"", limit_scope::ip, 100, 60s, fail_mode::open},
                                       {"", limit_scope::key, 600, 60s, fail_mode::closed}};
    auto applied = rules_for(mixed, "/v1/chat/completions");
    BOOST_TEST_REQUIRE(applied.size() == 2u);
    BOOST_TEST(applied[0]->requests == 5);
    BOOST_TEST(applied[1]->requests == 600);
}

BOOST_AUTO_TEST_CASE(one_decision_for_every_store_outage) {
    BOOST_TEST((on_store_outage(fail_mode::closed, true) == outage_action::refuse));
    BOOST_TEST((on_store_outage(fail_mode::closed, false) == outage_action::refuse));
    BOOST_TEST((on_store_outage(fail_mode::open, true) == outage_action::count_locally));
    BOOST_TEST((on_store_outage(fail_mode::open, false) == outage_action::let_through)); // budgets
}

BOOST_AUTO_TEST_SUITE_END()
