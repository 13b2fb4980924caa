// The response cache's identities and decisions: what makes two requests one answer, who may
// read it, and what the client may ask.
#include "domain/cache/cache_key.hpp"
#include "domain/cache/cache_policy.hpp"
#include "domain/cache/semantic_key.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace switchboard::domain;
namespace json = boost::json;

namespace {
std::string identity(std::string const& body, std::string_view ns = "acme") {
    return cache_identity("chat", ns, json::parse(body).as_object());
}

chat_request request(std::string const& body) {
    auto r = parse_chat_request(json::parse(body));
    BOOST_TEST_REQUIRE(r.has_value());
    return std::move(*r);
}

std::string const hello = R"({"model":"chat","temperature":0,"messages":[{"role":"user","content":"Hello"}]})";
} // namespace

BOOST_AUTO_TEST_SUITE(cache_policy)

BOOST_AUTO_TEST_CASE(key_order_number_form_and_delivery_fields_do_not_change_the_identity) {
    auto const base = identity(hello);
    BOOST_TEST(identity(R"({"messages":[{"content":"Hello","role":"user"}],"temperature":0.0,"model":"chat"})") ==
               base);
    BOOST_TEST(identity(R"({"model":"chat","temperature":0e0,"stream":true,"stream_options":{"include_usage":true},)"
                        R"("user":"u-42","messages":[{"role":"user","content":"Hello"}]})") == base);
    BOOST_TEST(canonical_json(json::parse(R"({"b":[1.5,2.0,-0.0],"a":"\u00e9"})")) == R"({"a":"é","b":[1.5,2,0]})");
    // Beyond a double's range a number reads as infinite; its form stays valid JSON (found by
    // tests/fuzz/cache_key_fuzz).
    BOOST_TEST(canonical_json(json::parse("[1e320,-1e400]")) == "[1e999,-1e999]");
    // Strings are written exactly as json::serialize writes them: a key's bytes stay the same
    // whichever writer made them (entries already in a shared cache keep their keys).
    std::string every_ascii;
    for (int c = 1; c < 128; ++c) every_ascii += static_cast<char>(c);
    json::value const text = json::string(every_ascii + "é\"\\");
    BOOST_TEST(canonical_json(text) == json::serialize(text));
    BOOST_TEST(canonical_json(json::object{{every_ascii, true}, {"n", nullptr}}) ==
               "{" + json::serialize(json::string(every_ascii)) + ":true,\"n\":null}");
}

BOOST_AUTO_TEST_CASE(anything_that_can_change_the_answer_changes_the_identity) {
    auto const base = identity(hello);
    for (auto const& other : {
             R"({"model":"chat","temperature":0.2,"messages":[{"role":"user","content":"Hello"}]})",
             R"({"model":"other","temperature":0,"messages":[{"role":"user","content":"Hello"}]})",
             R"({"model":"chat","temperature":0,"messages":[{"role":"user","content":"Hello!"}]})",
             R"({"model":"chat","temperature":0,"seed":7,"messages":[{"role":"user","content":"Hello"}]})",
             R"({"model":"chat","temperature":0,"n":2,"messages":[{"role":"user","content":"Hello"}]})",
             R"({"model":"chat","temperature":0,"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"Hello"}]})",
             R"({"model":"chat","temperature":0,"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"Hello"}]})",
         })
        BOOST_TEST(identity(other) != base, other);
    BOOST_TEST(identity(hello, "beta") != base); // another tenant's namespace
    BOOST_TEST(identity(hello).find("acme") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deterministic_requests_are_cached_and_sampled_ones_only_when_opted_in) {
    cache_settings const on;
    auto const plan = plan_cache(on, {}, request(hello), "acme");
    BOOST_TEST(plan.read);
    BOOST_TEST(plan.write);
    BOOST_TEST(plan.ttl == std::chrono::hours(24 * 7));
    BOOST_TEST(plan.cache_namespace == "acme");

    auto const sampled = request(R"({"model":"chat","messages":[{"role":"user","content":"Hello"}]})");
    BOOST_TEST(!plan_cache(on, {}, sampled, "acme").any()); // temperature defaults to 1
    cache_settings group_opts_in;
    group_opts_in.nondeterministic = true;
    BOOST_TEST(plan_cache(group_opts_in, {}, sampled, "acme").write);
    cache_control client_opts_in;
    client_opts_in.ttl = std::chrono::seconds(60);
    auto const by_client = plan_cache(on, client_opts_in, sampled, "acme");
    BOOST_TEST(by_client.write);
    BOOST_TEST(by_client.ttl == std::chrono::seconds(60));
    cache_settings off;
    off.enabled = false;
    BOOST_TEST(!plan_cache(off, client_opts_in, request(hello), "acme").any());
}

BOOST_AUTO_TEST_CASE(the_client_controls_reading_storing_ttl_namespace_and_tags) {
    auto c = parse_cache_control("No-Cache, max-age=0", "3600", "step_12", "gifts, fr");
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->no_read);
    BOOST_TEST(!c->no_store);
    BOOST_TEST((c->tags == std::vector<std::string>{"gifts", "fr"}));
    auto const plan = plan_cache({}, *c, request(hello), "acme");
    BOOST_TEST(!plan.read);
    BOOST_TEST(plan.write);
    BOOST_TEST(plan.ttl == std::chrono::seconds(3600));
    BOOST_TEST(plan.cache_namespace == "acme/step_12"); // under its tenant: never another's
    BOOST_TEST(plan_cache({}, *c, request(hello), "acme", "shared").cache_namespace == "shared/step_12");

    cache_settings short_lived;
    short_lived.ttl = std::chrono::seconds(60);
    BOOST_TEST(plan_cache(short_lived, *c, request(hello), "acme").ttl == std::chrono::seconds(60)); // never longer
    BOOST_TEST(!plan_cache({}, *parse_cache_control("no-store", "", "", ""), request(hello), "acme").write);

    for (auto [ttl, ns, tags, header] :
         {std::tuple{"-1", "", "", "x-switchboard-cache-ttl"}, std::tuple{"1.5", "", "", "x-switchboard-cache-ttl"},
          std::tuple{"", "a b", "", "x-switchboard-cache-namespace"},
          std::tuple{"", "", "ok,,", "x-switchboard-cache-tags"}}) {
        auto bad = parse_cache_control("", ttl, ns, tags);
        BOOST_TEST_REQUIRE(!bad.has_value());
        BOOST_TEST(bad.error().param == header);
    }
}

// Seed 003: under pressure, P1/P2 calls read the cache (exact, then semantic) even when the
// request would not be read otherwise; nothing more is written, and the client's word wins.
BOOST_AUTO_TEST_CASE(under_pressure_the_cache_is_read_for_sampled_requests_and_by_meaning) {
    auto const sampled = request(R"({"model":"chat","messages":[{"role":"user","content":"Hello"}]})");
    cache_settings const on;
    BOOST_TEST(!plan_cache(on, {}, sampled, "acme").any());
    auto const pressed = plan_cache(on, {}, sampled, "acme", {}, true);
    BOOST_TEST(pressed.read);
    BOOST_TEST(!pressed.write);
    BOOST_TEST(pressed.semantic);
    cache_control no_read;
    no_read.no_read = true;
    no_read.semantic = false;
    auto const refused = plan_cache(on, no_read, sampled, "acme", {}, true);
    BOOST_TEST(!refused.read);
    BOOST_TEST(!refused.semantic);
    cache_settings off;
    off.enabled = false;
    BOOST_TEST(!plan_cache(off, {}, sampled, "acme", {}, true).any());
}

BOOST_AUTO_TEST_CASE(the_semantic_header_is_on_or_off) {
    BOOST_TEST(*parse_cache_control("", "", "", "", "on")->semantic);
    BOOST_TEST(!*parse_cache_control("", "", "", "", "off")->semantic);
    BOOST_TEST(!parse_cache_control("", "", "", "", "").value().semantic.has_value());
    auto bad = parse_cache_control("", "", "", "", "yes please");
    BOOST_TEST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().param == "x-switchboard-cache-semantic");
}

// The prompt is the last user message's text; the rest must match exactly.
BOOST_AUTO_TEST_CASE(the_semantic_identity_is_the_last_user_text_and_an_exact_rest) {
    auto parts_of = [](std::string const& body, std::string_view ns = "acme") {
        return semantic_identity(ns, json::parse(body).as_object());
    };
    auto const a = parts_of(R"({"model":"chat","messages":[{"role":"system","content":"Be brief."},)"
                            R"({"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris"},)"
                            R"({"role":"user","content":"And of Spain?"}]})");
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(a->prompt == "And of Spain?");
    auto const b = parts_of(R"({"model":"chat","messages":[{"role":"system","content":"Be brief."},)"
                            R"({"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris"},)"
                            R"({"role":"user","content":[{"type":"text","text":"Spain's?"}]}]})");
    BOOST_TEST_REQUIRE(b.has_value());
    BOOST_TEST(b->prompt == "Spain's?");
    BOOST_TEST(a->rest == b->rest); // only the prompt differs
    auto const other_history = parts_of(R"({"model":"chat","messages":[{"role":"user","content":"Capital of Italy?"},)"
                                        R"({"role":"user","content":"And of Spain?"}]})");
    BOOST_TEST(other_history->rest != a->rest);
    auto const other_namespace = parts_of(R"({"model":"chat","messages":[{"role":"user","content":"x"}]})", "beta");
    BOOST_TEST(other_namespace->rest != parts_of(R"({"model":"chat","messages":[{"role":"user","content":"x"}]})")->rest);
    BOOST_TEST(!parts_of(R"({"model":"chat","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]})"));
    BOOST_TEST(!parts_of(R"({"model":"chat","messages":[{"role":"system","content":"only"}]})"));
    float const x[] = {1, 0}, y[] = {1, 1};
    BOOST_TEST(cosine_similarity(x, y, 2) == 1 / std::sqrt(2.0), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
