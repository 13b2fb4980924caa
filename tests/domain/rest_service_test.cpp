// REST services in the domain: parameters typed and checked, templates filled with values that
// cannot escape their place, answers mapped to the declared output, costs, passthrough paths.
#include "domain/rest/freshness.hpp"
#include "domain/rest/passthrough.hpp"
#include "domain/rest/rest_template.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace rest = switchboard::domain::rest;
namespace json = boost::json;
using switchboard::domain::errc;

namespace {
rest::endpoint weather() {
    rest::endpoint e;
    e.service = "weather";
    e.name = "current";
    e.params = {
        {.name = "city", .type = rest::param_type::string, .required = true, .max_length = 40},
        {.name = "units", .fallback = "metric", .one_of = {"metric", "imperial"}},
        {.name = "days", .type = rest::param_type::integer, .minimum = 1, .maximum = 7},
        {.name = "detailed", .type = rest::param_type::boolean},
    };
    return e;
}

rest::implementation impl() {
    rest::implementation i;
    i.provider = "meteo";
    i.path = "/current/{city}";
    i.query = {{"units", "{units}"}, {"days", "{days}"}, {"lang", "en"}};
    i.output = {{"temperature", "/main/temp"}, {"city", "/name"}};
    return i;
}
} // namespace

BOOST_AUTO_TEST_SUITE(rest_service)

BOOST_AUTO_TEST_CASE(query_parameters_are_read_as_their_declared_types_with_defaults) {
    auto p = rest::read_query_params(weather(), {{"city", "Paris"}, {"days", "3"}, {"detailed", "true"}});
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(json::serialize(*p) == R"({"city":"Paris","days":3,"detailed":true,"units":"metric"})");
}

BOOST_AUTO_TEST_CASE(each_bad_parameter_is_a_400_naming_it) {
    struct bad_case {
        std::vector<std::pair<std::string, std::string>> query;
        std::string param;
    };
    std::vector<bad_case> const cases{
        {{}, "city"},                                          // required
        {{{"city", "Paris"}, {"days", "three"}}, "days"},      // not an integer
        {{{"city", "Paris"}, {"days", "9"}}, "days"},          // above its maximum
        {{{"city", "Paris"}, {"units", "kelvin"}}, "units"},   // not one of the allowed values
        {{{"city", std::string(41, 'x')}}, "city"},            // too long
        {{{"city", "Pa\nris"}}, "city"},                       // a control character
        {{{"city", "\xff\xfe"}}, "city"},                      // not UTF-8
        {{{"city", "Paris"}, {"city", "Lyon"}}, "city"},       // given twice
        {{{"city", "Paris"}, {"country", "FR"}}, "country"},   // undeclared
        {{{"city", "Paris"}, {"detailed", "yes"}}, "detailed"} // not a boolean
    };
    for (auto const& c : cases) {
        auto p = rest::read_query_params(weather(), c.query);
        BOOST_TEST_REQUIRE(!p.has_value(), c.param);
        BOOST_TEST(p.error().code == errc::invalid_request);
        BOOST_TEST(p.error().param == c.param);
    }
}

BOOST_AUTO_TEST_CASE(a_json_body_is_checked_the_same_way) {
    auto ok = rest::read_body_params(weather(), json::parse(R"({"city":"Oslo","days":2.0,"units":null})").as_object());
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST(json::serialize(*ok) == R"({"city":"Oslo","days":2,"units":"metric"})");
    auto wrong = rest::read_body_params(weather(), json::parse(R"({"city":12})").as_object());
    BOOST_TEST_REQUIRE(!wrong.has_value());
    BOOST_TEST(wrong.error().param == "city");
}

BOOST_AUTO_TEST_CASE(values_are_encoded_where_they_land_and_cannot_add_segments_or_fields) {
    json::object params{{"city", "../admin?x=1&y=2 /z"}, {"units", "metric&key=stolen"}};
    auto r = rest::render(impl(), params);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->target == "/current/..%2Fadmin%3Fx%3D1%26y%3D2%20%2Fz?units=metric%26key%3Dstolen&lang=en");
    BOOST_TEST(r->method == "GET");
    BOOST_TEST(r->body.empty());
}

BOOST_AUTO_TEST_CASE(a_dot_segment_as_a_path_value_is_refused) {
    for (auto const* v : {".", ".."}) {
        auto r = rest::render(impl(), json::object{{"city", v}});
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(r.error().code == errc::invalid_request);
    }
}

BOOST_AUTO_TEST_CASE(an_optional_parameter_not_given_leaves_its_query_field_out) {
    auto r = rest::render(impl(), json::object{{"city", "Rome"}, {"units", "metric"}});
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->target == "/current/Rome?units=metric&lang=en");
}

BOOST_AUTO_TEST_CASE(a_body_template_keeps_types_and_fills_text) {
    auto i = impl();
    i.method = "POST";
    i.path = "/query";
    i.query.clear();
    i.body = json::parse(R"({"q":"{city}","n":"{days}","label":"weather in {city}","opt":"{detailed}","fixed":[1,"{days}"]})");
    auto r = rest::render(i, json::object{{"city", "Nice"}, {"days", 3}});
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->body == R"({"q":"Nice","n":3,"label":"weather in Nice","fixed":[1,3]})");
}

BOOST_AUTO_TEST_CASE(templates_name_only_parameters) {
    BOOST_TEST(rest::template_names("/a/{city}/{units}").value().size() == 2u);
    BOOST_TEST(!rest::template_names("/a/{city").has_value());
    BOOST_TEST(!rest::template_names("/a/{c ity}").has_value());
}

BOOST_AUTO_TEST_CASE(the_answer_is_mapped_to_the_declared_output_or_found_unusable) {
    auto const answer = json::parse(R"({"main":{"temp":21.5},"name":"Paris","extra":"dropped"})");
    auto out = rest::map_output(impl(), answer);
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(json::serialize(*out) == R"({"temperature":2.15E1,"city":"Paris"})");
    auto missing = rest::map_output(impl(), json::parse(R"({"name":"Paris"})"));
    BOOST_TEST_REQUIRE(!missing.has_value());
    BOOST_TEST(missing.error().find("/main/temp") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_call_costs_its_price_plus_the_units_its_answer_counts) {
    rest::cost_rule rule{.usd_per_call = 0.001, .units_pointer = "/usage/credits", .usd_per_unit = 0.0005};
    BOOST_TEST(rest::cost_of(rule, json::parse(R"({"usage":{"credits":4}})")) == 0.003, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(rest::cost_of(rule, json::parse(R"({"usage":{}})")) == 0.001);
    BOOST_TEST(rest::cost_of(rule, json::parse(R"({"usage":{"credits":-5}})")) == 0.001); // implausible
    BOOST_TEST(rest::cost_of(rule, json::parse(R"({"usage":{"credits":"4"}})")) == 0.001);
}

BOOST_AUTO_TEST_CASE(passthrough_paths_must_be_plain_and_allow_listed) {
    std::vector<std::string> const allowed{"/v1/quote", "/status/"};
    BOOST_TEST(rest::check_passthrough("/v1/quote", "", allowed).has_value());
    BOOST_TEST(rest::check_passthrough("/v1/quote/AAPL", "range=1d&x=%20", allowed).has_value());
    BOOST_TEST(rest::check_passthrough("/status/", "", allowed).has_value());
    struct bad_case {
        std::string path;
        errc code;
    };
    std::vector<bad_case> const cases{
        {"/v1/quotes", errc::forbidden},                 // a prefix only at a segment boundary
        {"/v2/secret", errc::forbidden},
        {"/v1/quote/../../admin", errc::invalid_request}, // traversal
        {"/v1/quote/./x", errc::invalid_request},
        {"/v1/quote/%2e%2e/admin", errc::invalid_request}, // encoded dots
        {"/v1/quote%2F..%2Fadmin", errc::invalid_request}, // encoded separator
        {"/v1/quote/%5C..", errc::invalid_request},
        {"/v1/quote\\..\\admin", errc::invalid_request},  // backslash
        {"/v1/quote//x", errc::invalid_request},           // empty segment
        {"/v1/quote/%00", errc::invalid_request},          // NUL
        {"/v1/quote/a b", errc::invalid_request},          // space
        {"v1/quote", errc::invalid_request},               // not absolute
        {"/v1/quote/%4", errc::invalid_request},           // truncated escape
    };
    for (auto const& c : cases) {
        auto r = rest::check_passthrough(c.path, "", allowed);
        BOOST_TEST_REQUIRE(!r.has_value(), c.path);
        BOOST_TEST((r.error().code == c.code), c.path);
    }
    BOOST_TEST(!rest::check_passthrough("/v1/quote", "a=1#frag", allowed).has_value());
}

BOOST_AUTO_TEST_CASE(only_negotiation_and_conditional_headers_are_relayed) {
    BOOST_TEST(rest::relayed_request_header("if-none-match"));
    BOOST_TEST(rest::relayed_request_header("accept"));
    BOOST_TEST(!rest::relayed_request_header("authorization"));
    BOOST_TEST(!rest::relayed_request_header("cookie"));
    BOOST_TEST(!rest::relayed_request_header("x-api-key"));
    BOOST_TEST(!rest::relayed_request_header("host"));
    BOOST_TEST(rest::relayed_response_header("etag"));
    BOOST_TEST(!rest::relayed_response_header("set-cookie"));
}

BOOST_AUTO_TEST_CASE(the_providers_cache_control_shortens_or_forbids_keeping_an_answer) {
    using std::chrono::seconds;
    auto const ttl = seconds(600);
    auto f = rest::freshness_of(ttl, "", false);
    BOOST_TEST((f.store && f.fresh_for == ttl && f.keep_for == ttl));
    f = rest::freshness_of(ttl, "public, max-age=60", false);
    BOOST_TEST((f.store && f.fresh_for == seconds(60)));
    f = rest::freshness_of(ttl, "max-age=60, s-maxage=30", false);
    BOOST_TEST((f.fresh_for == seconds(30)));
    f = rest::freshness_of(ttl, "max-age=99999", false);
    BOOST_TEST((f.fresh_for == ttl)); // never longer than configured
    BOOST_TEST(!rest::freshness_of(ttl, "no-store", true).store);
    BOOST_TEST(!rest::freshness_of(ttl, "Private, max-age=60", true).store);
    BOOST_TEST(!rest::freshness_of(ttl, "no-cache", false).store); // nothing to revalidate with
    f = rest::freshness_of(ttl, "no-cache", true);
    BOOST_TEST((f.store && f.fresh_for == seconds(0) && f.keep_for == ttl));
    f = rest::freshness_of(ttl, "max-age=abc", true); // invalid: stale at once
    BOOST_TEST((f.store && f.fresh_for == seconds(0)));
    f = rest::freshness_of(ttl, "max-age=\"20\"", true);
    BOOST_TEST((f.fresh_for == seconds(20) && f.keep_for == seconds(620)));
    BOOST_TEST(!rest::freshness_of(seconds(0), "", true).store);
}

BOOST_AUTO_TEST_CASE(if_none_match_lists_compare_weakly) {
    BOOST_TEST(rest::etag_matches("\"a\"", "\"a\""));
    BOOST_TEST(rest::etag_matches("\"x\", W/\"a\"", "\"a\""));
    BOOST_TEST(rest::etag_matches("*", "\"a\""));
    BOOST_TEST(!rest::etag_matches("\"b\"", "\"a\""));
    BOOST_TEST(!rest::etag_matches("", "\"a\""));
    BOOST_TEST(!rest::etag_matches("*", ""));
}

BOOST_AUTO_TEST_CASE(a_rest_cache_plan_keeps_tenants_apart_and_obeys_the_client) {
    switchboard::domain::cache_control control;
    auto plan = rest::plan_rest_cache(std::chrono::seconds(600), control, "acme", "");
    BOOST_TEST((plan.read && plan.write && plan.cache_namespace == "acme" && plan.ttl == std::chrono::seconds(600)));
    control.cache_namespace = "step_1";
    control.ttl = std::chrono::seconds(60);
    control.no_read = true;
    plan = rest::plan_rest_cache(std::chrono::seconds(600), control, "acme", "");
    BOOST_TEST((!plan.read && plan.write && plan.cache_namespace == "acme/step_1" && plan.ttl == std::chrono::seconds(60)));
    control.no_store = true;
    BOOST_TEST(!rest::plan_rest_cache(std::chrono::seconds(600), control, "acme", "").write);
    BOOST_TEST(!rest::plan_rest_cache(std::chrono::seconds(0), {}, "acme", "").any());
    BOOST_TEST(rest::plan_rest_cache(std::chrono::seconds(600), {}, "acme", "shared").cache_namespace == "shared");
}

BOOST_AUTO_TEST_SUITE_END()
