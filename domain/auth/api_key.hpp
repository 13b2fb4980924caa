#pragma once
// The shape of a switchboard API key: "sb-" + a public id + "_" + a secret.
//
//   sb-k7f3q9x2m4ab_Qh3...(40 characters)
//
// The id (12 lower-case letters and digits) names the key wherever a key must be named — logs,
// metrics, the admin API, the config — and is not a credential. The secret (40 letters and
// digits, ~238 bits) is shown once when the key is made and stored only as a keyed hash. This
// file only reads the shape; hashing and comparing belong to the adapter that holds the hashes.
#include <optional>
#include <string_view>

namespace switchboard::domain {

inline constexpr std::string_view api_key_prefix = "sb-";
inline constexpr std::size_t api_key_id_length = 12;
inline constexpr std::size_t api_key_secret_length = 40;

struct api_key_parts {
    std::string_view id;     // public
    std::string_view secret; // never logged, never stored as is
};

// The parts of a well-formed key, or nullopt (any other bearer token: a JWT, a typo, garbage).
std::optional<api_key_parts> parse_api_key(std::string_view token);

// Whether `id` has the shape of a key id (the config and the admin API name keys by it).
bool valid_api_key_id(std::string_view id);

} // namespace switchboard::domain
