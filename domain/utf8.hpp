#pragma once
// UTF-8 validation, one sequence at a time (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF), for text that leaves the gateway in a format that must be UTF-8: JSON log
// lines and Prometheus label values. Pure.
#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::domain {

// The length (2 to 4) of the well-formed multi-byte sequence starting at text[at], or 0 if the
// bytes there are not one (a stray continuation byte, a truncated or overlong sequence…).
constexpr std::size_t utf8_sequence_at(std::string_view text, std::size_t at) {
    auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
    auto const cont = [&](std::size_t k) { return at + k < text.size() && (byte(k) & 0xC0) == 0x80; };
    unsigned char const b0 = byte(0);
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (b0 == 0xE0 && byte(1) < 0xA0) return 0; // overlong
        if (b0 == 0xED && byte(1) > 0x9F) return 0; // a surrogate
        return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (b0 == 0xF0 && byte(1) < 0x90) return 0; // overlong
        if (b0 == 0xF4 && byte(1) > 0x8F) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

inline constexpr std::string_view utf8_replacement = "\xEF\xBF\xBD"; // U+FFFD

// `text` as well-formed UTF-8 without NUL: each byte that starts no valid sequence, and each NUL,
// becomes U+FFFD (what a database's text column and a JSON answer accept).
inline std::string valid_utf8_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto const c = static_cast<unsigned char>(text[i]);
        if (c != 0 && c < 0x80) {
            out += text[i++];
        } else if (auto const n = c == 0 ? 0 : utf8_sequence_at(text, i); n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += utf8_replacement;
            ++i;
        }
    }
    return out;
}

} // namespace switchboard::domain
