#pragma once
// The API keys this gateway knows, by public id: for each, the keyed hash of its secret and the
// grant it carries. A presented key is hashed with the server secret (HMAC-SHA256) and compared
// in constant time with the stored hash; the secret itself is never stored, logged or shown
// again. A token that is not a key, an unknown id and a wrong secret are all one answer
// (unauthorized), so a caller learns nothing about which ids exist.
//
// A revoked key opens nothing; after a rotation the former secret still opens the key until its
// grace period ends.
//
// Thread safety: immutable once built (a snapshot: the config's keys and the store's, see
// key_directory); every core reads it.
#include "domain/auth/key_record.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

using api_key_record = domain::key_record;

// A new key: its full text (shown once) and its record's id and hash under `server_secret`.
struct minted_key {
    std::string text; // "sb-<id>_<secret>"
    std::string id;
    std::string secret_hash;
};

class key_ring {
  public:
    key_ring() = default;
    // `configured_tenants`: the tenants the config names (quotas) besides the keys' own.
    key_ring(std::string server_secret, std::vector<api_key_record> keys,
             std::set<std::string, std::less<>> configured_tenants = {});

    // The grant of `token` (a bearer credential) at `now_unix`, or nullptr when it opens nothing
    // (not a key, unknown id, wrong secret, revoked). Expiry is the grant's check (check_access).
    domain::caller_grant const* authenticate(std::string_view token, std::int64_t now_unix) const;
    bool empty() const { return keys_.empty(); }
    std::vector<api_key_record const*> records() const; // by id
    api_key_record const* find(std::string_view id) const;
    // The known tenants: configured, or a key's own, or named in a key's acts_for ("*" aside).
    // X-Tenant-Id may name no other (domain::acting_tenant).
    std::set<std::string, std::less<>> const& tenants() const { return tenants_; }
    std::string const& server_secret() const { return secret_; }

    // hex HMAC-SHA256 of `key_secret` under `server_secret`.
    static std::string hash_secret(std::string_view server_secret, std::string_view key_secret);
    // A fresh key from the system's CSPRNG (OpenSSL RAND_bytes).
    static minted_key mint(std::string_view server_secret);
    // `n` letters and digits from the same CSPRNG (refresh token families and secrets).
    static std::string random_alnum(std::size_t n);

  private:
    std::string secret_;
    std::map<std::string, api_key_record, std::less<>> keys_;
    std::set<std::string, std::less<>> tenants_;
};

} // namespace switchboard::adapters
