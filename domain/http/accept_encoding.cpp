// Accept-Encoding, for gzip (accept_encoding.hpp).
#include "domain/http/accept_encoding.hpp"

#include "domain/ascii.hpp"

#include <optional>

namespace switchboard::domain {
namespace {
// The q-value of a member's parameters ("q=0.5"), 1 without one; nullopt when it is not a
// qvalue (0 to 1, at most three decimals).
std::optional<int> q_thousandths(std::string_view params) {
    int q = 1000;
    while (!params.empty()) {
        auto const semi = params.find(';');
        auto const param = trimmed_ows(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
        auto const v = param.substr(2);
        if (v.empty() || (v[0] != '0' && v[0] != '1')) return std::nullopt;
        int whole = v[0] - '0', frac = 0, digits = 0;
        if (v.size() > 1) {
            if (v[1] != '.' || v.size() > 5) return std::nullopt;
            for (char c : v.substr(2)) {
                if (c < '0' || c > '9') return std::nullopt;
                frac = frac * 10 + (c - '0'), ++digits;
            }
        }
        while (digits++ < 3) frac *= 10;
        q = whole * 1000 + frac;
        if (q > 1000) return std::nullopt;
    }
    return q;
}
} // namespace

bool accepts_gzip(std::string_view header) {
    std::optional<int> gzip, any;
    while (!header.empty()) {
        auto const comma = header.find(',');
        auto const member = trimmed_ows(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        auto const semi = member.find(';');
        auto const coding = ascii_lowered(trimmed_ows(member.substr(0, semi)));
        auto const q = q_thousandths(semi == std::string_view::npos ? std::string_view{} : member.substr(semi + 1));
        if (!q) continue;
        if (coding == "gzip" || coding == "x-gzip") gzip = *q;
        else if (coding == "*") any = *q;
    }
    if (gzip) return *gzip > 0;
    return any.value_or(0) > 0;
}

} // namespace switchboard::domain
