#pragma once
// One fuzz input as several: split at its first N - 1 NUL bytes (the last part takes the rest).
#include <array>
#include <cstddef>
#include <string_view>

namespace switchboard::fuzzing {

template <std::size_t N> std::array<std::string_view, N> split_at_nuls(std::string_view text) {
    std::array<std::string_view, N> parts;
    std::string_view rest = text;
    for (std::size_t i = 0; i + 1 < N; ++i) {
        auto const nul = rest.find('\0');
        parts[i] = rest.substr(0, nul);
        rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
    }
    parts[N - 1] = rest;
    return parts;
}

} // namespace switchboard::fuzzing
