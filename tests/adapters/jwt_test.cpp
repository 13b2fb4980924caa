// Bearer JWTs of trusted issuers, end to end over HTTP: HS256 with a shared secret, RS256 and
// ES256 with keys from a JWKS file or URL (refetched once for an unknown kid), and every token
// that must not open the gateway — expired, not yet valid, wrong issuer or audience, bad
// signature, unknown kid, "alg":"none", and HS256 signed with the RSA public key.
#include "gateway_fixture.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/test_client.hpp"
#include "tests/support/test_tokens.hpp"

#include "adapters/auth/jwks.hpp"
#include "adapters/wall_clock.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <unistd.h>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;

namespace {
std::string const hs_secret = "idp-shared-secret-0123456789abcdefghij";
std::string const issuer = "https://idp.example.test/";

std::string claims(std::string const& tenant = "acme", std::int64_t exp_in = 300, std::string more = {}) {
    auto const now = adapters::unix_now();
    return R"({"iss":")" + issuer + R"(","aud":"switchboard","sub":"user-7","tenant":")" + tenant +
           R"(","iat":)" + std::to_string(now) + R"(,"exp":)" + std::to_string(now + exp_in) + more + "}";
}

int chat_with(gateway_fixture& gw, std::string const& token, std::string const& model = "mock-1") {
    return gw.chat(chat_body(model), {{"Authorization", "Bearer " + token}}).status;
}

std::string write_file(std::string const& name, std::string const& text) {
    auto const path = "/tmp/switchboard-" + name + "-" + std::to_string(getpid()) + ".json";
    std::ofstream(path) << text;
    return path;
}

std::string issuer_yaml(std::string const& keys) {
    return "auth:\n  jwt:\n    - {issuer: \"" + issuer + "\", audience: [switchboard], clock_skew: 30s, " + keys +
           "}\nquotas: {tenants: {acme: {tokens_per_day: 100000}}}\n";
}
} // namespace

BOOST_AUTO_TEST_SUITE(jwt)

BOOST_AUTO_TEST_CASE(an_hs256_token_opens_the_gateway_and_every_bad_one_is_401) {
    gateway_fixture gw(issuer_yaml("secret: " + hs_secret));
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "HS256", hs_secret)) == 200);
    auto const now = adapters::unix_now();
    std::vector<std::pair<std::string, std::string>> refused{
        {"expired", sign_jwt(claims("acme", -60), "HS256", hs_secret)},
        {"not yet valid", sign_jwt(claims("acme", 600, R"(,"nbf":)" + std::to_string(now + 120)), "HS256", hs_secret)},
        {"wrong signature", sign_jwt(claims(), "HS256", hs_secret + "x")},
        {"wrong issuer", sign_jwt(R"({"iss":"https://evil.test/","aud":"switchboard","tenant":"acme","exp":)" +
                                      std::to_string(now + 300) + "}",
                                  "HS256", hs_secret)},
        {"wrong audience", sign_jwt(R"({"iss":")" + issuer + R"(","aud":"other","tenant":"acme","exp":)" +
                                        std::to_string(now + 300) + "}",
                                    "HS256", hs_secret)},
        {"no expiry", sign_jwt(R"({"iss":")" + issuer + R"(","aud":"switchboard","tenant":"acme"})", "HS256", hs_secret)},
        {"no tenant", sign_jwt(R"({"iss":")" + issuer + R"(","aud":"switchboard","exp":)" + std::to_string(now + 300) + "}",
                               "HS256", hs_secret)},
        {"alg none", raw_jwt(R"({"alg":"none","typ":"JWT"})", claims())},
        {"alg none, signed anyway", raw_jwt(R"({"alg":"none"})", claims(), "x")},
        {"truncated", sign_jwt(claims(), "HS256", hs_secret).substr(0, 40)},
    };
    for (auto const& [why, token] : refused) {
        auto r = gw.chat(chat_body("mock-1"), {{"Authorization", "Bearer " + token}});
        BOOST_TEST(r.status == 401, why);
        BOOST_TEST(r.header("www-authenticate").find("invalid_token") != std::string::npos, why);
    }
    // Within the clock skew an expiry a few seconds past still holds.
    BOOST_TEST(chat_with(gw, sign_jwt(claims("acme", -5), "HS256", hs_secret)) == 200);
}

BOOST_AUTO_TEST_CASE(the_tokens_claims_are_its_grant) {
    gateway_fixture gw(issuer_yaml("secret: " + hs_secret + ", scopes: [chat, usage]"));
    auto const only_usage = sign_jwt(claims("acme", 300, R"(,"scope":"usage models")"), "HS256", hs_secret);
    BOOST_TEST(chat_with(gw, only_usage) == 403); // the claim narrows; "models" is not the issuer's to give
    auto const admin = sign_jwt(claims("acme", 300, R"(,"scope":["chat","admin"])"), "HS256", hs_secret);
    BOOST_TEST(http_call(gw.port(), "GET", "/api/v1/stats", {}, {{"Authorization", "Bearer " + admin}}).status == 403);
    auto const plain = sign_jwt(claims(), "HS256", hs_secret);
    auto forged = gw.chat(chat_body("mock-1"), {{"Authorization", "Bearer " + plain}, {"X-Tenant-Id", "beta"}});
    BOOST_TEST(forged.status == 403);
    auto quotas = http_call(gw.port(), "GET", "/api/v1/quotas", {}, {{"Authorization", "Bearer " + plain}});
    BOOST_TEST(quotas.status == 200);
    BOOST_TEST(json::parse(quotas.body).at("tenants").at(0).at("name").as_string() == "acme");
}

BOOST_AUTO_TEST_CASE(rs256_and_es256_keys_from_a_jwks_file_and_no_algorithm_confusion) {
    auto const rsa = make_rsa_key("rsa-1");
    auto const ec = make_ec_key("ec-1");
    auto const file = write_file("jwks", jwks_of({&rsa, &ec}));
    gateway_fixture gw(issuer_yaml("jwks_file: " + file));
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "RS256", rsa.private_pem, "rsa-1")) == 200);
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "ES256", ec.private_pem, "ec-1")) == 200);
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "RS256", rsa.private_pem)) == 200); // no kid: the RS256 keys are tried
    // The attacks: the RSA public key used as an HMAC secret, a key of the other algorithm, a
    // key made by the attacker under a known kid, an unknown kid.
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "HS256", rsa.public_pem, "rsa-1")) == 401);
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "HS256", rsa.public_pem)) == 401);
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "ES256", ec.private_pem, "rsa-1")) == 401);
    auto const forger = make_rsa_key("rsa-1");
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "RS256", forger.private_pem, "rsa-1")) == 401);
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "RS256", forger.private_pem, "rsa-9")) == 401);
    std::remove(file.c_str());
}

BOOST_AUTO_TEST_CASE(an_unknown_kid_fetches_the_jwks_url_again_once) {
    auto const old_key = make_rsa_key("2026-11");
    auto const new_key = make_ec_key("2026-12");
    mock_upstream idp;
    std::atomic<bool> rotated{false};
    idp.reply_with([&](recorded_request const&) {
        return canned_reply::json(200, rotated ? jwks_of({&old_key, &new_key}) : jwks_of({&old_key}));
    });
    gateway_fixture gw(issuer_yaml("jwks_url: \"" + idp.base_url("/.well-known/jwks.json") + "\""));
    BOOST_TEST(idp.hits() == 1u); // read once before serving
    BOOST_TEST(idp.requests().at(0).target == "/.well-known/jwks.json");
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "RS256", old_key.private_pem, "2026-11")) == 200);

    rotated = true; // the identity provider signs with a new key, published in its JWKS
    BOOST_TEST(chat_with(gw, sign_jwt(claims(), "ES256", new_key.private_pem, "2026-12")) == 200);
    BOOST_TEST(idp.hits() == 2u);
    // Made-up kids cost no more fetches within the minimum gap.
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(chat_with(gw, sign_jwt(claims(), "ES256", new_key.private_pem, "bogus-" + std::to_string(i))) == 401);
    BOOST_TEST(idp.hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_jwks_keeps_only_keys_it_can_use_safely) {
    auto const rsa = make_rsa_key("r");
    auto const ec = make_ec_key("e");
    auto keys = adapters::read_jwks(R"({"keys":[)" + rsa.jwk + "," + ec.jwk +
                                    R"(,{"kty":"oct","k":"c2VjcmV0"},{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},)"
                                    R"({"kty":"EC","crv":"P-384","x":"AA","y":"AA"},{"kty":"RSA","n":"AQAB","e":"AQAB"}]})");
    BOOST_TEST_REQUIRE(keys.has_value());
    BOOST_TEST_REQUIRE(keys->size() == 2u); // the symmetric, encryption, P-384 and short RSA keys are skipped
    BOOST_TEST(keys->at(0).alg == "RS256");
    BOOST_TEST(keys->at(1).alg == "ES256");
    BOOST_TEST(!adapters::read_jwks("[]").has_value());
    BOOST_TEST(!adapters::read_jwks("not json").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
