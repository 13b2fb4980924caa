// Validation of embeddings requests.
#include "domain/embedding_request.hpp"
#include "printers.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(embedding_request_validation)

BOOST_AUTO_TEST_CASE(accepts_strings_arrays_and_token_ids) {
    auto one = parse_embedding_request(json::parse(R"({"model":"e","input":"hello"})"));
    BOOST_TEST_REQUIRE(one.has_value());
    BOOST_TEST(one->texts.size() == 1u);
    auto many = parse_embedding_request(
        json::parse(R"({"model":"e","input":["a","b"],"encoding_format":"base64","dimensions":8})"));
    BOOST_TEST_REQUIRE(many.has_value());
    BOOST_TEST(many->input_count == 2u);
    BOOST_TEST(many->base64);
    BOOST_TEST(*many->dimensions == 8);
    auto tokens = parse_embedding_request(json::parse(R"({"model":"e","input":[1,2,3]})"));
    BOOST_TEST_REQUIRE(tokens.has_value());
    BOOST_TEST(tokens->input_count == 1u);
    BOOST_TEST(tokens->texts.empty());
}

BOOST_AUTO_TEST_CASE(names_the_offending_parameter) {
    struct {
        char const* body;
        char const* param;
    } cases[] = {
        {R"({"input":"x"})", "model"},
        {R"({"model":"e"})", "input"},
        {R"({"model":"e","input":""})", "input"},
        {R"({"model":"e","input":[]})", "input"},
        {R"({"model":"e","input":["a",{}]})", "input[1]"},
        {R"({"model":"e","input":"a","encoding_format":"hex"})", "encoding_format"},
        {R"({"model":"e","input":"a","dimensions":0})", "dimensions"},
    };
    for (auto const& c : cases) {
        auto r = parse_embedding_request(json::parse(c.body));
        BOOST_TEST_CONTEXT(c.body) {
            BOOST_TEST_REQUIRE(r.has_error());
            BOOST_TEST(r.error().code == errc::invalid_request);
            BOOST_TEST(r.error().param == c.param);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
