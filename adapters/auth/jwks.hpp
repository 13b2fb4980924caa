#pragma once
// JSON Web Key Sets (RFC 7517) read into the verification keys of an issuer: RSA keys (RS256)
// and P-256 EC keys (ES256), each turned into a PEM public key with OpenSSL for libjwt, which
// takes keys as PEM and has no JWKS reader of its own (1.10). A key's algorithm is fixed by its
// type: an RSA key never verifies an HS256 token (the algorithm-confusion attack), and a key
// whose "alg" or "use" says otherwise is skipped.
#include "domain/errors.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

struct jwt_key {
    std::string kid;      // may be empty (a lone key without an id)
    std::string alg;      // "HS256", "RS256" or "ES256": the only algorithm this key verifies
    std::string material; // HS256: the shared secret; else the PEM public key
};

// The usable keys of a JWKS document; keys of other types or curves are skipped. Errors:
// invalid_request when the text is not a JWKS at all.
domain::result<std::vector<jwt_key>> read_jwks(std::string_view text);

} // namespace switchboard::adapters
