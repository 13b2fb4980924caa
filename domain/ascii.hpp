#pragma once
// ASCII case folding for protocol tokens (header names, model ids, enum values): the same as
// std::tolower in the "C" locale, without a library call per character; other bytes unchanged.
#include <string>
#include <string_view>

namespace switchboard::domain {

constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

} // namespace switchboard::domain
