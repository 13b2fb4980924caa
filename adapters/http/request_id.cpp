// Request id validation and generation.
#include "adapters/http/request_id.hpp"

#include "adapters/hex.hpp"

namespace switchboard::adapters {

bool plain_identifier(std::string_view id, std::size_t max_length) {
    if (id.empty() || id.size() > max_length) return false;
    for (char c : id) {
        bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

std::string accept_or_generate_request_id(std::string_view incoming) {
    return plain_identifier(incoming, 128) ? std::string(incoming) : random_hex(32);
}

} // namespace switchboard::adapters
