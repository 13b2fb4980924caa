// libFuzzer target: a bearer token read as a JWT (header, claims), its claims turned into a
// grant, and the same bytes as an admin request body for a key and as a stored key record.
// Nothing may crash; a grant is never given without a valid tenant and an expiry; base64url
// decoding of what it encodes is exact.
#include "domain/auth/jwt.hpp"
#include "domain/auth/key_record.hpp"
#include "domain/base64.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace switchboard::domain;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    if (auto token = read_jws(text)) {
        jwt_policy policy;
        policy.issuer = "https://idp.test/";
        policy.audiences = {"switchboard"};
        if (auto grant = grant_from_claims(token->claims, policy, 1'800'000'000)) {
            if (!valid_tenant_name(grant->tenant) || grant->expires_unix == 0) std::abort();
            if ((grant->scopes & ~policy.max_scopes) != 0) std::abort();
        }
    }
    if (auto bytes = base64url_decode(text); bytes && bytes->size() > 1'000'000) std::abort();
    boost::system::error_code ec;
    auto const value = boost::json::parse(text, ec);
    if (!ec) {
        if (auto changes = parse_key_changes(value, true)) {
            key_record k;
            apply_changes(*changes, k);
            if (!valid_tenant_name(k.grant.tenant)) std::abort();
        }
        (void)key_record_from_stored(value);
    }
    return 0;
}
