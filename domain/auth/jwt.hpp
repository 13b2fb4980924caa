#pragma once
// Bearer JWTs (RFC 7519) in their compact JWS form (RFC 7515): the reading of a token's header
// and claims, and the decisions on its claims — expiry, not-before, issuer, audience, with a
// small clock skew — and their mapping to a caller's grant. Pure: the signature is checked by
// the adapter that holds the keys, before any claim is trusted; the time comes in as a Unix
// second.
//
// Errors: every refusal is `unauthorized` (401 with error="invalid_token"): the token does not
// open the gateway. The messages say why (expired, wrong audience) and never echo the token.
#include "domain/auth/grant.hpp"
#include "domain/errors.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

inline constexpr std::size_t max_jwt_bytes = 8192;

struct jws_token {
    std::string alg; // as the header says ("HS256", "none"...): the verifier decides what it accepts
    std::string kid; // empty when the header names none
    boost::json::object claims;
};

// The header and claims of a compact JWS "<header>.<payload>.<signature>", each part base64url
// without padding, header and payload JSON objects; at most max_jwt_bytes. Nothing is verified.
result<jws_token> read_jws(std::string_view token);

// Whether `token` has the shape of a compact JWS (three base64url parts): a switchboard key never
// does, so the two kinds of bearer credential never mix.
bool looks_like_jws(std::string_view token);

// What an issuer's tokens may say and how their claims map to a grant.
struct jwt_policy {
    std::string issuer;                 // "iss" must equal it
    std::vector<std::string> audiences; // "aud" must name one of them (empty: not checked)
    std::int64_t skew_seconds = 30;     // allowed clock difference for exp and nbf
    std::string tenant_claim = "tenant";
    std::string user_claim = "sub";
    std::string scope_claim = "scope"; // "chat usage" (space-separated) or ["chat", "usage"]
    unsigned max_scopes = every_call_scope; // what the issuer may grant; a token without the claim gets all of it
    std::vector<std::string> tenants;       // the tenants its tokens may name (empty: any)
};

// The grant of a verified token's claims at `now_unix`: exp is required; nbf and iat, when
// present, must not be in the future beyond the skew; the tenant claim is required.
result<caller_grant> grant_from_claims(boost::json::object const& claims, jwt_policy const& policy,
                                       std::int64_t now_unix);

} // namespace switchboard::domain
