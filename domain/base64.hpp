#pragma once
// Standard base64 (RFC 4648, with padding). Used for OpenAI's `encoding_format: base64`.
// And base64url without padding (RFC 4648 §5, as JWS uses it: RFC 7515 §2).
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {
std::string base64_encode(std::string_view bytes);
// The bytes of unpadded base64url text; nullopt for any other character, for '=' and for a
// length no encoder produces (4k+1), or for stray bits in the last character.
std::optional<std::string> base64url_decode(std::string_view text);
// The bytes of standard base64 text (RFC 4648 §4), padded or not; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);
}
