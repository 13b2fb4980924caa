// Route patterns with path parameters.
#include "adapters/http/path_pattern.hpp"

#include <boost/test/unit_test.hpp>

using switchboard::adapters::match_path;
using switchboard::adapters::percent_decoded;

BOOST_AUTO_TEST_SUITE(path_pattern)

BOOST_AUTO_TEST_CASE(literal_patterns_match_exactly) {
    BOOST_TEST(match_path("/v1/models", "/v1/models").matched);
    BOOST_TEST(!match_path("/v1/models", "/v1/models/").matched);
    BOOST_TEST(!match_path("/v1/models", "/v1/model").matched);
    BOOST_TEST(!match_path("/v1/models", "/v1/modelsx").matched);
    BOOST_TEST(!match_path("/v1/models", "v1/models").matched);
    BOOST_TEST(!match_path("/v1/models", "").matched);
}

BOOST_AUTO_TEST_CASE(a_segment_parameter_takes_one_non_empty_segment) {
    auto m = match_path("/api/v1/services/{service}/{endpoint}", "/api/v1/services/weather/current");
    BOOST_TEST(m.matched);
    BOOST_TEST(m.param == "current"); // the last parameter
    BOOST_TEST(!match_path("/api/v1/services/{service}/{endpoint}", "/api/v1/services//current").matched);
    BOOST_TEST(!match_path("/api/v1/services/{service}/{endpoint}", "/api/v1/services/weather").matched);
    BOOST_TEST(!match_path("/api/v1/services/{service}/{endpoint}", "/api/v1/services/w/c/x").matched);
}

BOOST_AUTO_TEST_CASE(a_rest_parameter_keeps_its_slashes) {
    auto m = match_path("/v1/models/{id*}", "/v1/models/openai/gpt-4o");
    BOOST_TEST(m.matched);
    BOOST_TEST(m.param == "openai/gpt-4o");
    BOOST_TEST(match_path("/v1/models/{id*}", "/v1/models/gpt-4o").param == "gpt-4o");
    BOOST_TEST(!match_path("/v1/models/{id*}", "/v1/models/").matched);
    BOOST_TEST(!match_path("/v1/models/{id*}", "/v1/models").matched);
    BOOST_TEST(!match_path("/v1/models/{id*}", "/v1/models/a//b").matched);
    BOOST_TEST(!match_path("/v1/models/{id*}", "/v1/models/a/").matched);
}

BOOST_AUTO_TEST_CASE(parameters_are_percent_decoded_and_bad_escapes_refused) {
    BOOST_TEST(percent_decoded("openai%2Fgpt-4o").value_or("?") == "openai/gpt-4o");
    BOOST_TEST(percent_decoded("plain").value_or("?") == "plain");
    BOOST_TEST(!percent_decoded("bad%zz").has_value());
    BOOST_TEST(!percent_decoded("cut%2").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
