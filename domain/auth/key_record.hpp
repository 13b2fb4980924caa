#pragma once
// An API key as the gateway keeps it: its public id, the keyed hash of its secret (and, for a
// grace period after a rotation, the hash of the secret it replaced), what it grants, and its
// life (created, revoked). Keys come from the config file (GitOps; the admin API may not change
// them) or from the admin API (kept in the store). Pure: the JSON forms and the validation of
// an admin request; the hashing and the store belong to adapters.
#include "domain/auth/grant.hpp"
#include "domain/errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::domain {

struct key_record {
    std::string id;                  // public: grant.key_id is the same
    std::string secret_hash;         // hex HMAC-SHA256 of the secret; never shown
    std::string previous_hash;       // after a rotation: the former secret's hash ...
    std::int64_t previous_until = 0; // ... accepted until this Unix second
    std::string name;                // for people: "acme web app"
    caller_grant grant;
    std::map<std::string, std::string> metadata; // the owner's labels, at most 16
    std::int64_t created_unix = 0;
    std::int64_t revoked_unix = 0; // 0: not revoked
    bool from_config = false;      // declared in the file

    bool revoked() const { return revoked_unix != 0; }
    // "active", "revoked" or "expired" at `now_unix`.
    std::string_view status(std::int64_t now_unix) const;
};

// The form the store keeps (every field, the hashes included): never sent to a caller.
boost::json::object stored_form(key_record const& k);
// A record read back from the store; nullopt when the text is not one (logged by the caller).
std::optional<key_record> key_record_from_stored(boost::json::value const& v);

// What the admin API shows of a key: everything but its hashes.
boost::json::object public_view(key_record const& k, std::int64_t now_unix);

// A creation or an update asked through the admin API: the fields present, validated. Errors are
// invalid_request naming the field ("scopes[1]", "expires").
struct key_changes {
    std::optional<std::string> tenant; // creation only
    std::optional<std::string> name;
    std::optional<std::string> user;
    std::optional<unsigned> scopes;
    std::optional<std::vector<std::string>> models;
    std::optional<std::vector<std::string>> acts_for;
    std::optional<std::int64_t> expires_unix; // 0: never
    std::optional<std::map<std::string, std::string>> metadata;
    std::map<std::string_view, std::int64_t> limits; // by key_limit_fields name; 0: none
};
result<key_changes> parse_key_changes(boost::json::value const& body, bool creating);
void apply_changes(key_changes const& changes, key_record& k);

// A tenant name: 1..64 letters, digits, '-', '_', '.' or ':' (it is a label and a store key).
bool valid_tenant_name(std::string_view name);

} // namespace switchboard::domain
