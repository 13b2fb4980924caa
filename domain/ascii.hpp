#pragma once
// ASCII case folding for protocol tokens (header names, model ids, enum values): the same as
// std::tolower in the "C" locale, without a library call per character; other bytes unchanged.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace switchboard::domain {

// `s` without the spaces and tabs around it (HTTP's optional whitespace, RFC 9110 §5.6.3).
constexpr std::string_view trimmed_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

// The media type of a Content-Type value, lower-cased, without parameters or surrounding white
// space: "Application/JSON; charset=utf-8" → "application/json".
inline std::string media_type(std::string_view content_type) {
    auto media = content_type.substr(0, content_type.find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
    while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
    return ascii_lowered(media);
}

// application/json, or a +json type (application/vnd.api+json), with any parameters.
inline bool is_json_media_type(std::string_view content_type) {
    auto const media = media_type(content_type);
    return media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"));
}

// Whether `text` holds a byte that would end or split an HTTP header line (CR, LF, NUL): such a
// value written into a header would let its author add headers or a whole response.
// Eight bytes at a time: every response head goes through it.
inline bool breaks_header_line(std::string_view text) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    auto has_zero_byte = [](std::uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t v;
        std::memcpy(&v, text.data() + i, 8);
        if (has_zero_byte(v) || has_zero_byte(v ^ (ones * '\r')) || has_zero_byte(v ^ (ones * '\n'))) return true;
    }
    for (; i < text.size(); ++i)
        if (text[i] == '\r' || text[i] == '\n' || text[i] == '\0') return true;
    return false;
}

// Whether `text` holds an ASCII control character (below 0x20, or DEL): refused in any
// identifier a client sends that may be echoed into a header or a log field.
constexpr bool has_control_char(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
    return false;
}

} // namespace switchboard::domain
