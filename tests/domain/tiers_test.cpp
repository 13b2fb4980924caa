// Tier selection from the header or from request features; tiered route resolution.
#include "domain/routing.hpp"
#include "domain/tiers.hpp"
#include "printers.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;

namespace switchboard::domain {
std::ostream& operator<<(std::ostream& os, tier t) {
    return os << "tier::" << tier_name(t);
}
} // namespace switchboard::domain

BOOST_AUTO_TEST_SUITE(tiers)

BOOST_AUTO_TEST_CASE(parse_the_header) {
    BOOST_TEST(!parse_tier("")->has_value());
    BOOST_TEST(parse_tier("Complex")->value() == tier::complex);
    auto bad = parse_tier("premium");
    BOOST_TEST_REQUIRE(bad.has_error());
    BOOST_TEST(bad.error().param == "X-Tier");
}

BOOST_AUTO_TEST_CASE(features_choose_the_tier_unless_the_client_does) {
    tier_rules rules;
    BOOST_TEST(choose_tier({}, {100, false}, rules) == tier::simple);
    BOOST_TEST(choose_tier({}, {501, false}, rules) == tier::medium);
    BOOST_TEST(choose_tier({}, {4001, false}, rules) == tier::complex);
    BOOST_TEST(choose_tier({}, {10, true}, rules) == tier::medium); // tools need a capable model
    BOOST_TEST(choose_tier({}, {9000, true}, rules) == tier::complex);
    BOOST_TEST(choose_tier(tier::simple, {9000, true}, rules) == tier::simple);
    BOOST_TEST(cheaper(tier::complex) == tier::medium);
    BOOST_TEST(cheaper(tier::simple) == tier::simple);
}

BOOST_AUTO_TEST_CASE(a_tiered_group_tries_its_tier_then_the_tiers_above) {
    route_table t;
    t.providers = {"groq", "together", "openai"};
    t.tiered["chat"] = {{{{"groq", "llama"}}, {{"together", "mixtral"}}, {{"openai", "gpt-4o"}}}};
    auto simple = resolve_route(t, "chat", tier::simple);
    BOOST_TEST_REQUIRE(simple.has_value());
    BOOST_TEST(simple->size() == 3u);
    BOOST_TEST(simple->front().provider == "groq");
    auto complex = resolve_route(t, "chat", tier::complex);
    BOOST_TEST_REQUIRE(complex.has_value());
    BOOST_TEST(complex->size() == 1u);
    BOOST_TEST(complex->front().provider == "openai");
    BOOST_TEST(is_tiered(t, "chat"));
    BOOST_TEST(!is_tiered(t, "other"));
}

BOOST_AUTO_TEST_SUITE_END()
