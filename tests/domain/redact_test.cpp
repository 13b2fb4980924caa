#include "domain/redact.hpp"

#include <boost/test/unit_test.hpp>

using switchboard::domain::redact_secret;

BOOST_AUTO_TEST_SUITE(redact)

BOOST_AUTO_TEST_CASE(a_quoted_key_is_removed_whole_and_in_pieces) {
    std::string const key = "sk-proj-4f9a8b7c6d5e4f3a2b1c";
    BOOST_TEST(redact_secret("Incorrect API key provided: " + key + ".", key) ==
               "Incorrect API key provided: [redacted].");
    // A provider echoing a prefix or a suffix of the key: any 8-character piece goes.
    BOOST_TEST(redact_secret("key sk-proj-4f9a**** is invalid", key) == "key [redacted]**** is invalid");
    BOOST_TEST(redact_secret("ends with 5e4f3a2b1c", key) == "ends with [redacted]");
    // Shorter coincidences stay: "sk-proj" (7 characters) is not the key.
    BOOST_TEST(redact_secret("use an sk-proj key", key) == "use an sk-proj key");
}

BOOST_AUTO_TEST_CASE(short_and_empty_secrets) {
    BOOST_TEST(redact_secret("token abc123 here", "abc123") == "token [redacted] here");
    BOOST_TEST(redact_secret("nothing to hide", "") == "nothing to hide");
    BOOST_TEST(redact_secret("", "secret-value-123") == "");
}

BOOST_AUTO_TEST_SUITE_END()
