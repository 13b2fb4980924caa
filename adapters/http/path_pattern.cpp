// Segment-by-segment matching of a route pattern against a request path.
#include "adapters/http/path_pattern.hpp"

#include <boost/url/pct_string_view.hpp>

namespace switchboard::adapters {
namespace {
// The next segment of `s` after its leading '/', and what follows it.
std::string_view next_segment(std::string_view& s) {
    s.remove_prefix(1); // the '/'
    auto const end = s.find('/');
    auto const segment = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view() : s.substr(end);
    return segment;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
} // namespace

path_match match_path(std::string_view pattern, std::string_view path) {
    path_match m;
    while (!pattern.empty()) {
        if (path.empty() || path.front() != '/' || pattern.front() != '/') return {};
        auto const want = next_segment(pattern);
        if (is_param(want) && want[want.size() - 2] == '*') {
            // The rest: one or more non-empty segments.
            auto const rest = path.substr(1);
            if (rest.empty() || rest.find("//") != std::string_view::npos || rest.back() == '/') return {};
            m.param = rest;
            m.matched = pattern.empty();
            return m;
        }
        auto const got = next_segment(path);
        if (is_param(want)) {
            if (got.empty()) return {};
            m.param = got;
        } else if (got != want) {
            return {};
        }
    }
    m.matched = path.empty();
    return m;
}

std::optional<std::string> percent_decoded(std::string_view raw) {
    auto pct = boost::urls::make_pct_string_view(raw);
    if (!pct) return std::nullopt;
    return pct->decode();
}

} // namespace switchboard::adapters
