// Hex encoding and random hex ids.
#include "adapters/hex.hpp"

#include <cstdint>
#include <random>

namespace switchboard::adapters {
namespace {
constexpr char digits_of[] = "0123456789abcdef";
}

std::string hex_encode(void const* data, std::size_t size) {
    auto const* bytes = static_cast<unsigned char const*>(data);
    std::string out(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = digits_of[bytes[i] >> 4];
        out[2 * i + 1] = digits_of[bytes[i] & 15];
    }
    return out;
}

std::string random_hex(std::size_t digits) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string out(digits, '0');
    for (std::size_t i = 0; i < digits; i += 16) {
        std::uint64_t r = rng();
        for (std::size_t j = i; j < digits && j < i + 16; ++j, r >>= 4) out[j] = digits_of[r & 15];
    }
    return out;
}

} // namespace switchboard::adapters
