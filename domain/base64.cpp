// RFC 4648 base64 encoder.
#include "domain/base64.hpp"

namespace switchboard::domain {

std::string base64_encode(std::string_view in) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
    for (; i + 2 < in.size(); i += 3) {
        unsigned const n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    if (std::size_t rest = in.size() - i; rest > 0) {
        unsigned n = byte(i) << 16;
        if (rest == 2) n |= byte(i + 1) << 8;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

namespace {
int url_digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}
} // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned bits = 0;
    int count = 0;
    for (char c : text) {
        int const d = url_digit(c);
        if (d < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<unsigned>(d);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
    if ((bits & ((1u << count) - 1)) != 0) return std::nullopt; // non-canonical: stray low bits
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 == 0 && text.ends_with("==")) text.remove_suffix(2);
    else if (text.size() % 4 == 0 && text.ends_with("=")) text.remove_suffix(1);
    std::string url(text);
    for (char& c : url) {
        if (c == '-' || c == '_') return std::nullopt; // the URL alphabet is not this one
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return base64url_decode(url);
}

} // namespace switchboard::domain
