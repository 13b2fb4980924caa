#pragma once
// The Standard Webhooks signature scheme (standardwebhooks.com, specification v1), the parts
// that need no cryptography: a sender signs "<webhook-id>.<webhook-timestamp>.<body>" with
// HMAC-SHA256 under the endpoint's secret and sends `webhook-signature: v1,<base64 of the MAC>`
// (several space-separated during a secret rotation). The secret is "whsec_" followed by the
// base64 of 24 to 64 random bytes; those bytes are the HMAC key. Receivers check the signature
// and refuse a timestamp too far from their clock (replays).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain::webhooks {

// The HMAC key of a "whsec_…" secret; nullopt when it is not one (wrong prefix, not base64, or
// fewer than 24 or more than 64 bytes).
std::optional<std::string> secret_key(std::string_view secret);

// "<id>.<unix seconds>.<body>": the bytes signed.
std::string signed_content(std::string_view id, std::int64_t unix_seconds, std::string_view body);

// "v1,<base64 of `mac`>": one entry of the webhook-signature header.
std::string signature_entry(std::string_view mac);

} // namespace switchboard::domain::webhooks
