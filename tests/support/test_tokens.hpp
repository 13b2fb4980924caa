#pragma once
// Tokens for the JWT tests: an RSA or P-256 key pair made with OpenSSL, its public half as a JWK,
// and JWTs signed with libjwt (or assembled by hand for the attacks: "alg":"none", a forged
// algorithm). Test-only.
#include <string>

namespace switchboard::testing {

struct signing_key {
    std::string alg;         // "RS256" or "ES256"
    std::string kid;
    std::string private_pem; // what libjwt signs with
    std::string public_pem;  // what an attacker would use as an HMAC secret (algorithm confusion)
    std::string jwk;         // the public JWK (JSON object text)
};

signing_key make_rsa_key(std::string kid);
signing_key make_ec_key(std::string kid);
std::string jwks_of(std::initializer_list<signing_key const*> keys); // {"keys":[...]}

// A JWT of `claims` (JSON object text) signed with `alg` and `key` (a PEM private key, or the
// HS256 secret); `kid` in the header unless empty.
std::string sign_jwt(std::string const& claims, std::string const& alg, std::string const& key,
                     std::string const& kid = {});
// A token with the header and claims as given and a signature of `signature` (no checks).
std::string raw_jwt(std::string const& header, std::string const& claims, std::string const& signature = {});
// base64url without padding.
std::string base64url(std::string const& bytes);

} // namespace switchboard::testing
