#pragma once
// Short-lived access tokens for browser frontends (/api/auth/login, /api/auth/refresh): a
// frontend's backend — or the user's session — exchanges an API key for an access token (a JWT,
// HS256 under a key derived from auth.secret, `access_ttl`, 15 min by default) and a refresh
// token (opaque, `refresh_ttl`, 7 days), so the browser never holds the long-lived key. Each
// refresh rotates the refresh token; presenting a replaced one revokes its whole family.
//
// An access token names its key (`sub`): the key's grant applies (models, tenants), narrowed to
// the token's scopes, never the admin scope; revoking the key ends its tokens at once, on every
// instance (the key snapshot is checked on each use).
// Thread safety: immutable; every core uses it.
#include "adapters/auth/jwt_verifier.hpp"
#include "adapters/auth/key_ring.hpp"
#include "adapters/store/refresh_store.hpp"

#include <chrono>

namespace switchboard::adapters {

inline constexpr std::string_view switchboard_issuer = "switchboard";

struct token_pair {
    std::string access_token;
    std::string refresh_token;
    std::chrono::seconds access_ttl{0};
    std::chrono::seconds refresh_ttl{0};
};

class token_issuer {
  public:
    token_issuer(std::string const& server_secret, std::chrono::seconds access_ttl, std::chrono::seconds refresh_ttl);

    // The verifier's settings for these tokens (issuer "switchboard", the derived HS256 key).
    jwt_issuer_settings verifier_settings() const;

    // A new family for `key`, its tokens carrying `scopes` (within the key's, never admin).
    net::awaitable<token_pair> login(refresh_store& store, domain::key_record const& key, unsigned scopes,
                                     std::int64_t now_unix) const;
    // A new pair for a refresh token. Errors: unauthorized (not one, expired, revoked, its key
    // gone or revoked, or reused — which revokes the family).
    net::awaitable<domain::result<token_pair>> refresh(refresh_store& store, std::string_view refresh_token,
                                                       key_ring const& keys, std::int64_t now_unix) const;

    // The grant of a verified access token of `claims`: the key's, narrowed; unauthorized when
    // the key is gone, revoked or expired.
    domain::result<domain::caller_grant> grant_of(boost::json::object const& claims, key_ring const& keys) const;

  private:
    std::string access_token(domain::key_record const& key, unsigned scopes, std::int64_t now_unix) const;
    std::string server_secret_;
    std::string signing_key_;
    std::chrono::seconds access_ttl_;
    std::chrono::seconds refresh_ttl_;
};

} // namespace switchboard::adapters
