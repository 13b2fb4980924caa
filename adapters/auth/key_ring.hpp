#pragma once
// The API keys this gateway knows, by public id: for each, the keyed hash of its secret and the
// grant it carries. A presented key is hashed with the server secret (HMAC-SHA256) and compared
// in constant time with the stored hash; the secret itself is never stored, logged or shown
// again. A token that is not a key, an unknown id and a wrong secret are all one answer
// (unauthorized), so a caller learns nothing about which ids exist.
//
// Thread safety: immutable once built (the keys declared in the config); every core reads it.
#include "domain/auth/grant.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

struct api_key_record {
    std::string id;          // public
    std::string secret_hash; // hex HMAC-SHA256(server secret, key secret)
    std::string name;        // for people: "acme web app"
    domain::caller_grant grant;
};

// A new key: its full text (shown once) and its record's id and hash under `server_secret`.
struct minted_key {
    std::string text; // "sb-<id>_<secret>"
    std::string id;
    std::string secret_hash;
};

class key_ring {
  public:
    key_ring() = default;
    key_ring(std::string server_secret, std::vector<api_key_record> keys);

    // The grant of `token` (a bearer credential), or nullptr when it opens nothing.
    domain::caller_grant const* authenticate(std::string_view token) const;
    bool empty() const { return keys_.empty(); }
    std::vector<api_key_record const*> records() const;

    // hex HMAC-SHA256 of `key_secret` under `server_secret`.
    static std::string hash_secret(std::string_view server_secret, std::string_view key_secret);
    // A fresh key from the system's CSPRNG (OpenSSL RAND_bytes).
    static minted_key mint(std::string_view server_secret);

  private:
    std::string secret_;
    std::map<std::string, api_key_record, std::less<>> keys_;
};

} // namespace switchboard::adapters
