// HTTPS to providers: the certificate is verified (trust store or the provider's ca_file),
// the host name must match, and SNI names the host.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/test_certificate.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>


using namespace switchboard::testing;
namespace json = boost::json;

namespace {
constexpr char const* completion = R"({"id":"x","object":"chat.completion","created":1,"model":"m",
  "choices":[{"index":0,"message":{"role":"assistant","content":"secure"},"finish_reason":"stop"}],
  "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})";


std::string provider(std::string const& url, std::string const& ca_file) {
    std::string yaml =
        "resilience: {retry: {max_attempts: 1}}\nproviders:\n  secure: {kind: openai, base_url: \"" + url +
        "\", api_key: k-000000000001";
    if (!ca_file.empty()) yaml += ", ca_file: \"" + ca_file + "\"";
    return yaml + "}\n";
}
} // namespace

BOOST_AUTO_TEST_SUITE(tls_upstream)

BOOST_AUTO_TEST_CASE(a_trusted_certificate_serves_and_sni_names_the_host) {
    test_certificate cert;
    mock_upstream up(tls_files{cert.cert.string(), cert.key.string()});
    up.always(canned_reply::json(200, completion));
    gateway_fixture gw(
        provider("https://localhost:" + std::to_string(up.port()) + "/v1", cert.cert.string()));
    auto res = gw.chat(chat_body("secure/m"));
    BOOST_TEST_REQUIRE(res.status == 200);
    BOOST_TEST(json::parse(res.body).at("choices").as_array()[0].at("message").at("content").as_string() ==
               "secure");
    BOOST_TEST(up.last_sni() == "localhost");
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_refused) {
    test_certificate cert;
    mock_upstream up(tls_files{cert.cert.string(), cert.key.string()});
    up.always(canned_reply::json(200, completion));
    gateway_fixture gw(provider("https://localhost:" + std::to_string(up.port()) + "/v1", ""));
    auto res = gw.chat(chat_body("secure/m"));
    BOOST_TEST(res.status == 503);
    BOOST_TEST(up.hits() == 0u); // no request was sent over the unverified connection
}

BOOST_AUTO_TEST_CASE(a_certificate_for_another_name_is_refused) {
    test_certificate cert;
    mock_upstream up(tls_files{cert.cert.string(), cert.key.string()});
    up.always(canned_reply::json(200, completion));
    // Trusted CA, but the certificate names "localhost", not 127.0.0.1.
    gateway_fixture gw(
        provider("https://127.0.0.1:" + std::to_string(up.port()) + "/v1", cert.cert.string()));
    BOOST_TEST(gw.chat(chat_body("secure/m")).status == 503);
    BOOST_TEST(up.hits() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
