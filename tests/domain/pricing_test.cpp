// Cost computation and price lookup.
#include "domain/pricing.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace switchboard::domain;

BOOST_AUTO_TEST_SUITE(pricing)

BOOST_AUTO_TEST_CASE(cost_is_tokens_times_price_per_million) {
    auto t = price_table::with_defaults();
    // gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens.
    double cost = t.cost_usd("gpt-4o-mini", {1'000'000, 500'000});
    BOOST_TEST(cost == 0.45, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(dated_and_org_prefixed_names_match_the_longest_known_prefix) {
    auto t = price_table::with_defaults();
    BOOST_TEST(t.find("gpt-4o-mini-2024-07-18")->input_per_million == 0.15);
    BOOST_TEST(t.find("gpt-4o-2024-08-06")->input_per_million == 2.50);
    BOOST_TEST(t.find("claude-3-5-haiku-latest")->output_per_million == 4.00);
    BOOST_TEST(t.find("mistralai/Mixtral-8x7B-Instruct-v0.1")->input_per_million == 0.60);
}

BOOST_AUTO_TEST_CASE(unknown_models_cost_nothing_and_overrides_win) {
    auto t = price_table::with_defaults();
    BOOST_TEST(!t.find("my-finetune").has_value());
    BOOST_TEST(t.cost_usd("my-finetune", {1000, 1000}) == 0.0);
    t.set("my-finetune", {1.0, 2.0});
    t.set("gpt-4o-mini", {1.0, 1.0});
    BOOST_TEST(t.cost_usd("my-finetune", {1'000'000, 1'000'000}) == 3.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(t.find("gpt-4o-mini")->input_per_million == 1.0);
}

BOOST_AUTO_TEST_CASE(the_longest_prefix_is_found_for_every_name_over_a_small_alphabet) {
    // Nested and sibling prefixes; every name of up to five letters over {a, b, c, -} is looked
    // up and compared with a walk over all of its prefixes.
    std::vector<std::string> const known{"a", "ab", "abc", "abcc", "ac", "b-", "b-a", "ca", "cab-", "c-b"};
    price_table t;
    for (std::size_t i = 0; i < known.size(); ++i) t.set(known[i], {static_cast<double>(i), 0});
    auto brute = [&](std::string const& name) -> std::optional<double> {
        for (std::size_t len = name.size(); len > 0; --len)
            for (std::size_t i = 0; i < known.size(); ++i)
                if (known[i] == name.substr(0, len)) return static_cast<double>(i);
        return std::nullopt;
    };
    std::vector<std::string> names{""};
    for (std::size_t begin = 0, length = 0; length < 5; ++length) {
        std::size_t const end = names.size();
        for (std::size_t i = begin; i < end; ++i)
            for (char c : std::string("abc-")) names.push_back(names[i] + c);
        begin = end;
    }
    for (auto const& name : names) {
        auto const found = t.find(name);
        auto const expected = brute(name);
        BOOST_TEST(found.has_value() == expected.has_value(), name);
        if (found && expected) BOOST_TEST(found->input_per_million == *expected, name);
    }
}

// Tokens the provider read from or wrote to its prompt cache are parts of the prompt, each at its
// own rate; without a rate of its own, a part costs the input price.
BOOST_AUTO_TEST_CASE(cached_prompt_tokens_are_priced_at_their_own_rates) {
    model_price const claude{3.00, 15.00, 0.30, 3.75};
    token_usage u{1'000'000, 0};
    u.cache_read_tokens = 600'000;
    u.cache_write_tokens = 100'000;
    // 300k uncached × 3 + 600k read × 0.30 + 100k written × 3.75
    BOOST_TEST(price_table::cost_of(claude, u) == 0.9 + 0.18 + 0.375, boost::test_tools::tolerance(1e-12));
    model_price const plain{2.00, 8.00};
    BOOST_TEST(price_table::cost_of(plain, u) == 2.0, boost::test_tools::tolerance(1e-12));
    token_usage odd{100, 0};
    odd.cache_read_tokens = 500; // more than the prompt: capped at it
    odd.cache_write_tokens = -5;
    BOOST_TEST(price_table::cost_of(claude, odd) == 100 * 0.30 / 1e6, boost::test_tools::tolerance(1e-15));
    auto const table = price_table::with_defaults();
    BOOST_TEST(*table.find("gpt-4o-2024-08-06")->cache_read_per_million == 1.25);
    BOOST_TEST(*table.find("claude-sonnet-4-20250514")->cache_write_per_million == 3.75);
    BOOST_TEST(!table.find("mistral-large")->cache_read_per_million.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
