// Hex encoding and random hex ids.
#include "adapters/hex.hpp"

#include <algorithm>
#include <array>
#include <bit>
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
    // xoshiro256** (Blackman and Vigna), seeded once per thread from the system's entropy: ids
    // need to be unpredictable enough not to collide, not to be secret; a request takes three.
    thread_local std::array<std::uint64_t, 4> state = [] {
        std::random_device entropy;
        std::array<std::uint64_t, 4> seeded{};
        for (auto& word : seeded) word = (std::uint64_t{entropy()} << 32) ^ entropy();
        if (seeded == std::array<std::uint64_t, 4>{}) seeded[0] = 1; // the one state it must not have
        return seeded;
    }();
    auto next = [] {
        auto const result = std::rotl(state[1] * 5, 7) * 9;
        auto const t = state[1] << 17;
        state[2] ^= state[0];
        state[3] ^= state[1];
        state[1] ^= state[2];
        state[0] ^= state[3];
        state[2] ^= t;
        state[3] = std::rotl(state[3], 45);
        return result;
    };
    std::string out(digits, '0');
    for (std::size_t i = 0; i < digits; i += 16) {
        std::uint64_t r = next();
        auto const n = std::min<std::size_t>(16, digits - i);
        for (std::size_t j = 0; j < n; ++j, r >>= 4) out[i + j] = digits_of[r & 15];
    }
    return out;
}

} // namespace switchboard::adapters
