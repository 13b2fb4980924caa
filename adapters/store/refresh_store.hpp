#pragma once
// The refresh store port: the families of refresh tokens handed out by /api/auth/login. A family
// starts at login and lives `ttl`; each refresh replaces its current token by a new one. A token
// of the family presented again after it was replaced — a stolen copy, or the thief's — revokes
// the whole family: neither holder can refresh any more (RFC 6819 §5.2.2.3, OAuth 2.0 Security
// BCP §4.14). Only hashes of the tokens' secrets are kept.
//
// Errors: the memory adapter cannot fail; the Redis adapter throws store_unavailable.
// Thread safety: the memory adapter is shared by every core; a Redis adapter is one core's.
#include "adapters/net.hpp"

#include <chrono>
#include <string>

namespace switchboard::adapters {

struct refresh_family {
    std::string key_id; // the API key the family was made from
    std::string scopes; // the access tokens' scopes ("chat usage")
};

enum class refresh_outcome {
    rotated, // the current token: replaced by the new one
    reused,  // a replaced token: the family is now revoked
    revoked, // the family was revoked (or has expired, or never was)
    unknown  // not a token of the family (a guess): nothing changes
};

class refresh_store {
  public:
    virtual ~refresh_store() = default;
    virtual net::awaitable<void> start(std::string const& family, refresh_family const& what,
                                       std::string const& token_hash, std::chrono::seconds ttl) = 0;
    // Replaces `presented_hash` by `next_hash` if it is the family's current token; the family's
    // record comes back with `rotated`.
    virtual net::awaitable<std::pair<refresh_outcome, refresh_family>>
    rotate(std::string const& family, std::string const& presented_hash, std::string const& next_hash) = 0;
};

} // namespace switchboard::adapters
