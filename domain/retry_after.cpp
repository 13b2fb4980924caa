// Retry-After and rate-limit reset header parsing.
#include "domain/retry_after.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace switchboard::domain {

namespace {
constexpr duration max_delay = std::chrono::hours(24);
// The longest duration parsed (about 31 years): far below what nanoseconds in 64 bits hold.
constexpr double max_duration_ms = 1e12;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

template <class T> std::optional<T> number(std::string_view s) {
    T v{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's algorithm).
long days_from_civil(long y, unsigned m, unsigned d) {
    y -= m <= 2;
    long const era = (y >= 0 ? y : y - 399) / 400;
    unsigned const yoe = static_cast<unsigned>(y - era * 400);
    unsigned const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}
} // namespace

std::optional<duration> parse_go_duration(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    double total_ms = 0;
    while (!text.empty()) {
        std::size_t i = 0;
        while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
        if (i == 0) return std::nullopt;
        auto value = number<double>(text.substr(0, i));
        if (!value) return std::nullopt;
        text.remove_prefix(i);
        std::size_t u = 0;
        while (u < text.size() && text[u] >= 'a' && text[u] <= 'z') ++u;
        std::string_view unit = text.substr(0, u);
        text.remove_prefix(u);
        double scale = 0;
        if (unit == "ms")
            scale = 1;
        else if (unit == "s")
            scale = 1e3;
        else if (unit == "m")
            scale = 60e3;
        else if (unit == "h")
            scale = 3600e3;
        else
            return std::nullopt;
        total_ms = std::min(total_ms + *value * scale, max_duration_ms); // saturates: no overflow
    }
    return std::chrono::duration_cast<duration>(std::chrono::duration<double, std::milli>(total_ms));
}

std::optional<wall_time> parse_http_date(std::string_view text) {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    text = trim(text);
    if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return std::nullopt;
    static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto day = number<unsigned>(text.substr(5, 2));
    auto month_it = std::find(months.begin(), months.end(), text.substr(8, 3));
    auto year = number<long>(text.substr(12, 4));
    auto hh = number<unsigned>(text.substr(17, 2));
    auto mm = number<unsigned>(text.substr(20, 2));
    auto ss = number<unsigned>(text.substr(23, 2));
    // Years outside 1900-2200 are refused: nanoseconds since 1970 hold ±292 years.
    if (!day || month_it == months.end() || !year || !hh || !mm || !ss || *day < 1 || *day > 31 || *hh > 23 ||
        *mm > 59 || *ss > 60 || *year < 1900 || *year > 2200)
        return std::nullopt;
    unsigned const month = static_cast<unsigned>(month_it - months.begin()) + 1;
    auto const days = days_from_civil(*year, month, *day);
    auto const since_epoch = std::chrono::seconds(days * 86400L + *hh * 3600L + *mm * 60L + *ss);
    return wall_time(std::chrono::duration_cast<wall_time::duration>(since_epoch));
}

std::optional<duration> retry_delay(rate_limit_headers const& h, wall_time wall_now) {
    auto clamp = [](duration d) { return std::clamp<duration>(d, duration::zero(), max_delay); };
    // Counts are bounded before they become nanoseconds (a huge one would overflow).
    auto bounded = [](long long n, long long per_day) { return std::clamp<long long>(n, 0, per_day); };
    // An explicit Retry-After (ms first, as the official SDKs read it) is the provider's answer.
    if (auto ms = number<long long>(trim(h.retry_after_ms)))
        return clamp(std::chrono::milliseconds(bounded(*ms, 86'400'000)));
    auto const ra = trim(h.retry_after);
    if (auto secs = number<long long>(ra)) return clamp(std::chrono::seconds(bounded(*secs, 86'400)));
    if (auto date = parse_http_date(ra)) return clamp(std::chrono::duration_cast<duration>(*date - wall_now));
    // Otherwise the rate-limit reset hints; we cannot tell which limit was hit, so wait for both.
    std::optional<duration> best;
    for (auto hint : {h.reset_requests, h.reset_tokens})
        if (auto d = hint.empty() ? std::nullopt : parse_go_duration(hint); d && (!best || *d > *best))
            best = clamp(*d);
    return best;
}

} // namespace switchboard::domain
