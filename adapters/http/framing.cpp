// Smuggling-shape checks on raw request bytes.
#include "adapters/http/framing.hpp"

#include "domain/ascii.hpp"

namespace switchboard::adapters {

namespace {
bool is_chunked(std::string_view coding) {
    constexpr std::string_view chunked = "chunked";
    if (coding.size() != chunked.size()) return false;
    for (std::size_t i = 0; i < chunked.size(); ++i)
        if (domain::ascii_lower(coding[i]) != chunked[i]) return false;
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = domain::ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
} // namespace

bool has_obs_fold(std::string_view header_block) {
    for (auto at = header_block.find('\n'); at != std::string_view::npos; at = header_block.find('\n', at + 1))
        if (at + 1 < header_block.size() && (header_block[at + 1] == ' ' || header_block[at + 1] == '\t'))
            return true;
    return false;
}

bool ends_with_chunked(std::string_view te) {
    auto const comma = te.rfind(',');
    return is_chunked(domain::trimmed_ows(comma == std::string_view::npos ? te : te.substr(comma + 1)));
}

transfer_codings check_transfer_codings(std::string_view value) {
    if (!ends_with_chunked(value)) return transfer_codings::malformed; // RFC 9112 §6.3: 400
    int chunked = 0;
    bool other = false;
    for (std::size_t start = 0; start <= value.size();) {
        auto const comma = value.find(',', start);
        auto const coding = domain::trimmed_ows(value.substr(start, comma == std::string_view::npos ? value.npos : comma - start));
        if (coding.empty() || coding.find_first_of(";= \t") != std::string_view::npos)
            return transfer_codings::malformed;
        if (is_chunked(coding))
            ++chunked;
        else
            other = true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (chunked > 1) return transfer_codings::malformed; // chunked applied twice: never valid
    return other ? transfer_codings::unsupported : transfer_codings::chunked;
}

chunked_body_scan::verdict chunked_body_scan::feed(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size() && state_ != state::done && state_ != state::bad; ++i) {
        char const c = bytes[i];
        switch (state_) {
        case state::size:
            if (int const v = hex_value(c); v >= 0) {
                if (++digits_ > 16) state_ = state::bad;
                remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
            } else if (digits_ == 0) {
                state_ = state::bad;
            } else if (c == '\r') {
                state_ = state::size_lf;
            } else if (c == ';' || c == ' ' || c == '\t') {
                state_ = state::extension;
            } else {
                state_ = state::bad; // a bare LF included
            }
            break;
        case state::extension:
            if (c == '\r') state_ = state::size_lf;
            else if (c == '\n') state_ = state::bad;
            break;
        case state::size_lf:
            if (c != '\n') state_ = state::bad;
            else state_ = remaining_ == 0 ? state::trailer_start : state::data;
            digits_ = 0;
            break;
        case state::data: {
            auto const take = std::min<std::uint64_t>(remaining_, bytes.size() - i);
            remaining_ -= take;
            i += static_cast<std::size_t>(take) - 1;
            if (remaining_ == 0) state_ = state::data_cr;
            break;
        }
        case state::data_cr:
            state_ = c == '\r' ? state::data_lf : state::bad;
            break;
        case state::data_lf:
            state_ = c == '\n' ? state::size : state::bad;
            break;
        case state::trailer_start:
            if (c == '\r') state_ = state::end_lf;
            else if (c == '\n') state_ = state::bad;
            else state_ = state::trailer;
            break;
        case state::trailer:
            if (c == '\r') state_ = state::trailer_lf;
            else if (c == '\n') state_ = state::bad;
            break;
        case state::trailer_lf:
            state_ = c == '\n' ? state::trailer_start : state::bad;
            break;
        case state::end_lf:
            state_ = c == '\n' ? state::done : state::bad;
            break;
        case state::done:
        case state::bad:
            break;
        }
    }
    if (state_ == state::done) return verdict::done;
    if (state_ == state::bad) return verdict::bad;
    return verdict::more;
}

} // namespace switchboard::adapters
