#include "domain/redact.hpp"

#include "domain/base64.hpp"

#include <algorithm>

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

BOOST_AUTO_TEST_CASE(an_echo_in_another_form_is_removed_too) {
    std::string const key = "sk-proj-4f9a8b7c6d5e4f3a2b1c";
    std::string const reversed(key.rbegin(), key.rend());
    BOOST_TEST(redact_secret("got " + reversed + " backwards", key) == "got [redacted] backwards");
    std::string spaced;
    for (char c : key) (spaced += c) += ' ';
    BOOST_TEST(redact_secret("key: " + spaced + "is bad", key) == "key: [redacted] is bad");
    // Base64 of the key alone, and of a header that holds it (any alignment), in both alphabets.
    for (std::string const prefix : {"", "B", "Be", "Bearer "}) {
        auto const encoded = switchboard::domain::base64_encode(prefix + key + "\n");
        auto const out = redact_secret("auth was " + encoded, key);
        BOOST_TEST(out.find("[redacted]") != std::string::npos, prefix << ": " << out);
        // What is left of the encoded text is too short to carry 8 characters of the key.
        BOOST_TEST(out.size() < std::string("auth was ").size() + encoded.size() - 20, out);
        std::string url = encoded;
        std::replace(url.begin(), url.end(), '+', '-');
        std::replace(url.begin(), url.end(), '/', '_');
        BOOST_TEST(redact_secret(url, key).find("[redacted]") != std::string::npos, prefix);
    }
    // Ordinary text is untouched.
    BOOST_TEST(redact_secret("The model is overloaded, please retry later.", key) ==
               "The model is overloaded, please retry later.");
}

BOOST_AUTO_TEST_SUITE_END()
