// Text made well-formed for stores and JSON: valid sequences kept, anything else and NUL replaced.
#include "domain/utf8.hpp"

#include <boost/test/unit_test.hpp>

using switchboard::domain::valid_utf8_text;

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(well_formed_text_is_kept_as_it_is) {
    BOOST_TEST(valid_utf8_text("plain ascii") == "plain ascii");
    BOOST_TEST(valid_utf8_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    BOOST_TEST(valid_utf8_text("") == "");
}

BOOST_AUTO_TEST_CASE(ill_formed_bytes_and_nul_become_the_replacement_character) {
    BOOST_TEST(valid_utf8_text("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    BOOST_TEST(valid_utf8_text(std::string("a\0b", 3)) == "a\xEF\xBF\xBD" "b");
    BOOST_TEST(valid_utf8_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");       // overlong '/'
    BOOST_TEST(valid_utf8_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
    BOOST_TEST(valid_utf8_text("x\xE2\x82") == "x\xEF\xBF\xBD\xEF\xBF\xBD");    // cut short
}

BOOST_AUTO_TEST_SUITE_END()
