// Event-stream parsing and framing.
#include "domain/sse.hpp"

namespace switchboard::domain {

std::optional<std::vector<sse_event>> sse_parser::feed(std::string_view bytes) {
    std::vector<sse_event> out;
    for (char c : bytes) {
        if (last_was_cr_ && c == '\n') { // the LF of a CRLF: the line already ended at CR
            last_was_cr_ = false;
            continue;
        }
        last_was_cr_ = c == '\r';
        if (c == '\r' || c == '\n') {
            line_complete(out);
            continue;
        }
        line_ += c;
        if (line_.size() + current_.data.size() > max_event_bytes_) return std::nullopt;
    }
    return out;
}

void sse_parser::line_complete(std::vector<sse_event>& out) {
    if (line_.empty()) { // a blank line ends the event
        if (has_fields_) out.push_back(std::move(current_));
        current_ = {};
        has_fields_ = has_data_ = false;
        return;
    }
    std::string_view line(line_);
    if (line.front() == ':') { // a comment (keep-alive)
        line_.clear();
        return;
    }
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
    line_.clear();
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
