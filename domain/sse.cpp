// Event-stream parsing and framing.
#include "domain/sse.hpp"

namespace switchboard::domain {

std::optional<std::vector<sse_event>> sse_parser::feed(std::string_view bytes) {
    std::vector<sse_event> out;
    while (!bytes.empty()) {
        if (last_was_cr_ && bytes.front() == '\n') { // the LF of a CRLF: the line already ended at CR
            last_was_cr_ = false;
            bytes.remove_prefix(1);
            continue;
        }
        last_was_cr_ = false;
        auto const end = bytes.find_first_of("\r\n");
        std::string_view const piece = bytes.substr(0, end);
        if (end == std::string_view::npos) { // the line goes on in the next bytes: kept until then
            line_ += piece;
            if (line_.size() + current_.data.size() > max_event_bytes_) return std::nullopt;
            break;
        }
        last_was_cr_ = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        // A line read whole is taken where it lies; only one split across reads is copied.
        std::string_view line = piece;
        if (!line_.empty()) {
            line_ += piece;
            line = line_;
        }
        if (line.size() + current_.data.size() > max_event_bytes_) return std::nullopt;
        line_complete(line, out);
        line_.clear();
    }
    return out;
}

void sse_parser::line_complete(std::string_view line, std::vector<sse_event>& out) {
    if (line.empty()) { // a blank line ends the event
        if (has_fields_) out.push_back(std::move(current_));
        current_ = {};
        has_fields_ = has_data_ = false;
        return;
    }
    if (line.front() == ':') return; // a comment (keep-alive)
    auto const colon = line.find(':');
    std::string_view const field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
        if (has_data_) current_.data += '\n';
        current_.data += value;
        has_fields_ = has_data_ = true;
    } else if (field == "event") {
        current_.event = std::string(value);
        has_fields_ = true;
    }
}

std::string sse_data(std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 8);
    out += "data: ";
    out += payload;
    out += "\n\n";
    return out;
}

std::string sse_named(std::string_view event, std::string_view payload) {
    std::string out = "event: ";
    out += event;
    out += '\n';
    out += sse_data(payload);
    return out;
}

} // namespace switchboard::domain
