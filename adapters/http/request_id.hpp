#pragma once
// Request ids: a client's X-Request-Id is kept when it is short and made of safe characters
// (it ends up in logs and headers); otherwise a random 32-hex-digit id is generated.
#include <string>
#include <string_view>

namespace switchboard::adapters {
std::string accept_or_generate_request_id(std::string_view incoming);
// 1 to `max_length` of [A-Za-z0-9._:-]: safe in logs, headers and store keys.
bool plain_identifier(std::string_view s, std::size_t max_length);
} // namespace switchboard::adapters
