// Hand-serialised response heads.
#include "adapters/http/response_head.hpp"

#include "domain/ascii.hpp"

namespace switchboard::adapters {

std::string response_head(http_response& response) {
    if (response[http::field::content_length].empty() && !response.chunked()) response.prepare_payload();
    std::string out;
    out.reserve(512);
    out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(response.result_int());
    out += ' ';
    out += response.reason();
    out += "\r\n";
    for (auto const& field : response) {
        // Defence in depth: whatever put a CR, LF or NUL into a value (a client's text copied into
        // a header), it must not split this head into more headers or a second response.
        if (domain::breaks_header_line(field.name_string()) || domain::breaks_header_line(field.value())) continue;
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

} // namespace switchboard::adapters
