// Passthrough paths and headers: only what the allow-list plainly shows.
#include "domain/rest/passthrough.hpp"

#include "domain/ascii.hpp"
#include "domain/json_checks.hpp"

#include <algorithm>
#include <array>

namespace switchboard::domain::rest {
namespace {
bool hex_is(std::string_view s, std::size_t at, std::string_view lower_hex) {
    if (at + 3 > s.size()) return false;
    return ascii_lower(s[at + 1]) == lower_hex[0] && ascii_lower(s[at + 2]) == lower_hex[1];
}

// Why a path is not plain, or empty.
std::string_view flaw_of(std::string_view path) {
    if (path.empty() || path.front() != '/') return "must begin with '/'";
    for (std::size_t i = 0; i < path.size(); ++i) {
        auto const c = static_cast<unsigned char>(path[i]);
        if (c < 0x21 || c > 0x7E) return "may hold only printable ASCII";
        if (c == '\\') return "may not hold a backslash";
        if (c == '%') {
            if (hex_is(path, i, "2f") || hex_is(path, i, "5c") || hex_is(path, i, "2e") || hex_is(path, i, "00"))
                return "may not hold an encoded '/', '\\', '.' or NUL";
            if (i + 2 >= path.size()) return "has a truncated percent-encoding";
        }
    }
    for (std::size_t start = 1; start <= path.size();) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        auto const segment = path.substr(start, end - start);
        if (segment == "." || segment == "..") return "may not hold a '.' or '..' segment";
        if (segment.empty() && end != path.size()) return "may not hold an empty segment";
        start = end + 1;
    }
    return {};
}

bool under(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) return false;
    return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}
} // namespace

bool valid_passthrough_prefix(std::string_view prefix) {
    return flaw_of(prefix).empty();
}

result<void> check_passthrough(std::string_view path, std::string_view query, std::vector<std::string> const& allowed) {
    if (auto flaw = flaw_of(path); !flaw.empty())
        return make_error(errc::invalid_request, "The path " + std::string(flaw), "path");
    for (char c : query)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E || c == '#')
            return make_error(errc::invalid_request, "The query may hold only printable ASCII", "path");
    bool const allowed_path =
        std::any_of(allowed.begin(), allowed.end(), [&](std::string const& p) { return under(path, p); });
    if (!allowed_path)
        return make_error(errc::forbidden,
                          "The path '" + truncate_for_message(path, 128) + "' is not one this provider relays", "path");
    return {};
}

bool relayed_request_header(std::string_view name) {
    // Not Accept-Encoding: the gateway reads and sizes the body, so it asks for it uncompressed.
    static constexpr std::array<std::string_view, 5> names{"accept", "accept-language", "content-type", "if-none-match",
                                                           "if-modified-since"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool relayed_response_header(std::string_view name) {
    static constexpr std::array<std::string_view, 7> names{"content-type", "cache-control", "etag",          "last-modified",
                                                           "expires",      "vary",          "content-language"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace switchboard::domain::rest
