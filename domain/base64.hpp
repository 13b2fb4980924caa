#pragma once
// Standard base64 (RFC 4648, with padding). Used for OpenAI's `encoding_format: base64`.
#include <string>
#include <string_view>

namespace switchboard::domain {
std::string base64_encode(std::string_view bytes);
}
