// Request id validation and generation (thread-local PRNG, seeded once per thread).
#include "adapters/http/request_id.hpp"

#include <random>

namespace switchboard::adapters {

namespace {
bool is_safe(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}
} // namespace

std::string accept_or_generate_request_id(std::string_view incoming) {
    if (is_safe(incoming)) return std::string(incoming);
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16) {
        std::uint64_t r = rng();
        for (std::size_t j = 0; j < 16; ++j, r >>= 4) id[i + j] = hex[r & 15];
    }
    return id;
}

} // namespace switchboard::adapters
