// Turn merging and data-URL splitting shared by the Anthropic and Gemini translators.
#include "domain/turns.hpp"

#include <boost/json/object.hpp>
#include <boost/test/unit_test.hpp>

using namespace switchboard::domain;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(turns)

BOOST_AUTO_TEST_CASE(same_role_turns_merge_and_alternating_ones_do_not) {
    json::array turns;
    append_turn(turns, "user", "parts", json::array{json::object{{"text", "a"}}});
    append_turn(turns, "user", "parts", json::array{json::object{{"text", "b"}}});
    append_turn(turns, "model", "parts", json::array{json::object{{"text", "c"}}});
    append_turn(turns, "model", "parts", json::array{}); // nothing to add
    BOOST_TEST_REQUIRE(turns.size() == 2u);
    BOOST_TEST(turns[0].at("parts").as_array().size() == 2u);
    BOOST_TEST(turns[1].at("role").as_string() == "model");
}

BOOST_AUTO_TEST_CASE(data_urls_split_into_media_type_and_payload) {
    auto d = split_data_url("data:image/jpeg;base64,/9j/4AAQ");
    BOOST_TEST_REQUIRE(d.has_value());
    BOOST_TEST(d->media_type == "image/jpeg");
    BOOST_TEST(d->base64 == "/9j/4AAQ");
    BOOST_TEST(!split_data_url("https://example.com/cat.png").has_value());
    BOOST_TEST(!split_data_url("data:text/plain,hello").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
