// Hand-serialised response heads.
#include "adapters/http/response_head.hpp"

#include "domain/ascii.hpp"

#include <cstring>

namespace switchboard::adapters {
namespace {
constexpr std::string_view hardening_fields = "x-content-type-options: nosniff\r\n"
                                              "x-frame-options: DENY\r\n"
                                              "referrer-policy: no-referrer\r\n";
// Every answer but one that sets its own (the dashboard's page) may load nothing.
constexpr std::string_view default_content_security_policy =
    "content-security-policy: default-src 'none'; frame-ancestors 'none'\r\n";

void append_status_line(std::string& out, http_response const& response) {
    out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(response.result_int());
    out += ' ';
    out += response.reason();
    out += "\r\n";
}

// The header lines; `checked`: a field whose name or value holds a CR, LF or NUL is left out.
// Returns how many lines were written.
std::size_t append_fields(std::string& out, http_response const& response, bool checked) {
    std::size_t lines = 0;
    for (auto const& field : response) {
        if (checked && (domain::breaks_header_line(field.name_string()) || domain::breaks_header_line(field.value())))
            continue;
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
        ++lines;
    }
    return lines;
}

// How many times `c` occurs in `text` (memchr leaps between occurrences).
std::size_t count_of(std::string_view text, char c) {
    std::size_t n = 0;
    for (auto const* at = text.data(), *end = text.data() + text.size();
         (at = static_cast<char const*>(std::memchr(at, c, static_cast<std::size_t>(end - at)))) != nullptr; ++at)
        ++n;
    return n;
}

// Whether the only CR, LF and NUL bytes of `head` are the `lines` line ends it was built with.
bool only_line_ends(std::string_view head, std::size_t lines) {
    return count_of(head, '\n') == lines && count_of(head, '\r') == lines &&
           std::memchr(head.data(), '\0', head.size()) == nullptr;
}
} // namespace

std::string response_head(http_response& response) {
    if (response[http::field::content_length].empty() && !response.chunked()) response.prepare_payload();
    std::string out;
    out.reserve(1024); // the head of an answer with its rate-limit and cache fields: ~700 bytes
    append_status_line(out, response);
    auto const lines = 1 + append_fields(out, response, false);
    // Defence in depth: whatever put a CR, LF or NUL into a field (a client's text copied into a
    // header), it must not split this head into more fields or a second response. One scan of
    // the head; only a head that fails it is built again without the offending fields.
    if (!only_line_ends(out, lines)) {
        out.clear();
        append_status_line(out, response);
        append_fields(out, response, true);
    }
    out += hardening_fields;
    if (response.find("content-security-policy") == response.end()) out += default_content_security_policy;
    out += "\r\n";
    return out;
}

} // namespace switchboard::adapters
