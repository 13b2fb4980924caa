// Model resolution and the fallback order: preferences, pins, exclusions.
#include "domain/context_windows.hpp"
#include "domain/routing.hpp"
#include "printers.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
using list = std::vector<deployment>;

namespace {
route_table table() {
    route_table t;
    t.providers = {"groq", "together", "openai", "claude"};
    t.groups["chat-default"] = {
        {"groq", "llama-3.1-8b-instant"}, {"together", "mixtral-8x7b"}, {"openai", "gpt-4o-mini"}};
    t.prefix_rules = {{"claude-", "claude"}, {"gpt-", "openai"}};
    return t;
}
} // namespace

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(a_group_resolves_to_its_deployments_in_order) {
    auto r = resolve_route(table(), "chat-default");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(*r == table().groups["chat-default"]);
}

BOOST_AUTO_TEST_CASE(provider_slash_model_pins_one_deployment_even_with_slashes_in_the_model) {
    auto r = resolve_route(table(), "together/meta-llama/Llama-3-8b");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(*r == (list{{"together", "meta-llama/Llama-3-8b"}}));
}

BOOST_AUTO_TEST_CASE(bare_model_names_are_matched_by_prefix) {
    auto r = resolve_route(table(), "claude-3-5-haiku-latest");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(*r == (list{{"claude", "claude-3-5-haiku-latest"}}));
}

BOOST_AUTO_TEST_CASE(unknown_models_are_model_not_found_unless_a_catch_all_exists) {
    auto missing = resolve_route(table(), "nope");
    BOOST_TEST_REQUIRE(missing.has_error());
    BOOST_TEST(missing.error().code == errc::model_not_found);
    BOOST_TEST(missing.error().param == "model");
    auto t = table();
    t.catch_all = {{"groq", "*"}};
    auto caught = resolve_route(t, "nope");
    BOOST_TEST_REQUIRE(caught.has_value());
    BOOST_TEST(*caught == (list{{"groq", "nope"}}));
}

BOOST_AUTO_TEST_CASE(an_unknown_provider_prefix_is_not_a_pin) {
    auto r = resolve_route(table(), "acme/model");
    BOOST_TEST(r.has_error());
}

BOOST_AUTO_TEST_CASE(no_hints_keeps_the_configured_order) {
    auto ds = table().groups["chat-default"];
    BOOST_TEST(fallback_order(ds, {}) == ds);
}

BOOST_AUTO_TEST_CASE(preferred_provider_moves_first_and_keeps_the_rest) {
    auto ds = table().groups["chat-default"];
    auto order = fallback_order(ds, {"openai", "", {}});
    BOOST_TEST(
        order ==
        (list{{"openai", "gpt-4o-mini"}, {"groq", "llama-3.1-8b-instant"}, {"together", "mixtral-8x7b"}}));
}

BOOST_AUTO_TEST_CASE(preferring_a_provider_outside_the_group_changes_nothing) {
    auto ds = table().groups["chat-default"];
    BOOST_TEST(fallback_order(ds, {"claude", "", {}}) == ds);
}

BOOST_AUTO_TEST_CASE(forced_provider_pins_it_alone) {
    auto ds = table().groups["chat-default"];
    BOOST_TEST(fallback_order(ds, {"", "together", {}}) == (list{{"together", "mixtral-8x7b"}}));
    BOOST_TEST(fallback_order(ds, {"", "claude", {}}).empty());
}

BOOST_AUTO_TEST_CASE(excluded_deployments_are_skipped_and_duplicates_dropped) {
    list ds{{"groq", "a"}, {"openai", "b"}, {"groq", "a"}};
    auto order = fallback_order(ds, {"", "", {"groq/a"}});
    BOOST_TEST(order == (list{{"openai", "b"}}));
    BOOST_TEST(fallback_order(ds, {}).size() == 2u);
}

BOOST_AUTO_TEST_CASE(next_larger_context_goes_to_a_bigger_or_unknown_window_never_a_smaller_one) {
    list ds{{"a", "small", 8000}, {"b", "same", 8000}, {"c", "unknown"}, {"d", "big", 128000}};
    BOOST_TEST(next_larger_context(ds, 0, 8000).value_or(99) == 2u); // unknown: it may hold the prompt
    BOOST_TEST(next_larger_context(ds, 2, 8000).value_or(99) == 3u);
    BOOST_TEST(!next_larger_context(ds, 3, 128000).has_value());
    list smaller_after{{"a", "big", 128000}, {"b", "small", 8000}, {"c", "same", 128000}};
    BOOST_TEST(!next_larger_context(smaller_after, 0, 128000).has_value());
    list undeclared{{"a", "x"}, {"b", "y", 32000}};
    BOOST_TEST(next_larger_context(undeclared, 0, 0).value_or(99) == 1u); // an unknown floor: any may help
}

BOOST_AUTO_TEST_CASE(context_windows_come_from_the_built_in_table_unless_configured) {
    BOOST_TEST(known_context_window("gpt-4o-mini") == 128000);
    BOOST_TEST(known_context_window("gpt-4") == 8192);
    BOOST_TEST(known_context_window("gpt-4-0125-preview") == 0); // not listed: unknown
    BOOST_TEST(known_context_window("gpt-4-turbo-2024-04-09") == 128000); // the longest prefix wins
    BOOST_TEST(known_context_window("claude-3-5-sonnet-20241022") == 200000);
    BOOST_TEST(known_context_window("llama3-8b-8192") == 8192);
    BOOST_TEST(known_context_window("my-finetune") == 0);
    BOOST_TEST(context_window_of({"p", "gpt-4"}) == 8192);
    BOOST_TEST(context_window_of({"p", "gpt-4", 32000}) == 32000); // the deployment's own figure wins
    // The table decides the skip: a gpt-4 (8k) is never tried after a 128k window was too small.
    list order{{"a", "gpt-4o"}, {"b", "gpt-4"}, {"c", "gemini-1.5-pro"}};
    BOOST_TEST(next_larger_context(order, 0, context_window_of(order[0])).value_or(99) == 2u);
}

BOOST_AUTO_TEST_CASE(listed_models_include_groups_and_pinned_pairs) {
    auto names = listed_models(table());
    BOOST_TEST((std::find(names.begin(), names.end(), "chat-default") != names.end()));
    BOOST_TEST((std::find(names.begin(), names.end(), "groq/llama-3.1-8b-instant") != names.end()));
}

BOOST_AUTO_TEST_SUITE_END()
