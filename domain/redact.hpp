#pragma once
// Removes a secret from text that may quote it (a provider's error message echoing the key it
// was sent, say) before the text reaches a client, a log line or a metric.
#include <string>
#include <string_view>

namespace switchboard::domain {

// Every run of `min_piece` or more characters of `text` that also occurs in `secret` becomes
// "[redacted]" (so partial echoes such as "sk-proj-abcd…" go too); a secret shorter than
// `min_piece` is removed where it occurs whole. The same holds for the secret's other forms: with
// white space between its characters, reversed, and base64-encoded (standard or URL-safe, at any
// alignment). An empty secret changes nothing.
std::string redact_secret(std::string_view text, std::string_view secret, std::size_t min_piece = 8);

} // namespace switchboard::domain
