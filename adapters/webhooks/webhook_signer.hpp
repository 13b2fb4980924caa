#pragma once
// Standard Webhooks signatures (domain/webhooks/standard_webhooks.hpp): HMAC-SHA256 of
// "<id>.<timestamp>.<body>" under the endpoint's key, as "v1,<base64>".
#include <cstdint>
#include <string>
#include <string_view>

namespace switchboard::adapters {

// The raw HMAC-SHA256 of `data` under `key`. Throws std::runtime_error if OpenSSL cannot.
std::string hmac_sha256(std::string_view key, std::string_view data);

// The webhook-signature header value for one key.
std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t unix_seconds,
                              std::string_view body);

} // namespace switchboard::adapters
