// UTC calendar arithmetic on std::chrono's civil calendar (no time zone database involved).
#include "domain/calendar.hpp"

#include <cstdio>
#include <chrono>

namespace switchboard::domain {
namespace {
using namespace std::chrono;

year_month_day civil(std::int64_t unix_seconds) {
    return year_month_day{floor<days>(sys_seconds{seconds{unix_seconds}})};
}
} // namespace

namespace {
// "2026-11" (+ "-21"): digits written directly; these ids are formatted several times per call
// (quota windows), where snprintf's format parsing showed in profiles.
void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

std::string date_id(year_month_day const& d, bool with_day) {
    std::string out(with_day ? 10 : 7, '-');
    auto const year = static_cast<int>(d.year());
    put_digits(out.data(), static_cast<unsigned>(year < 0 ? 0 : year), 4);
    put_digits(out.data() + 5, static_cast<unsigned>(d.month()), 2);
    if (with_day) put_digits(out.data() + 8, static_cast<unsigned>(d.day()), 2);
    return out;
}
} // namespace

std::string day_id(std::int64_t unix_seconds) {
    return date_id(civil(unix_seconds), true);
}

std::string month_id(std::int64_t unix_seconds) {
    return date_id(civil(unix_seconds), false);
}

std::string utc_text(std::int64_t unix_ms) {
    auto const seconds = unix_ms < 0 ? 0 : unix_ms / 1000;
    auto const in_day = seconds % 86'400;
    char time[16];
    std::snprintf(time, sizeof time, "T%02d:%02d:%02dZ", static_cast<int>(in_day / 3600),
                  static_cast<int>(in_day % 3600 / 60), static_cast<int>(in_day % 60));
    return day_id(seconds) + time;
}

std::int64_t next_day_start(std::int64_t unix_seconds) {
    auto const today = floor<days>(sys_seconds{seconds{unix_seconds}});
    return duration_cast<seconds>((today + days{1}).time_since_epoch()).count();
}

std::int64_t next_month_start(std::int64_t unix_seconds) {
    auto const d = civil(unix_seconds);
    auto const first_of_next = year_month_day{d.year() / d.month() / 1} + months{1};
    return duration_cast<seconds>(sys_days{first_of_next}.time_since_epoch()).count();
}

namespace {
// The digits of text[at, at + n) as a number, or -1.
int digits(std::string_view text, std::size_t at, std::size_t n) {
    if (at + n > text.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}
} // namespace

std::optional<std::int64_t> parse_utc_time(std::string_view text) {
    using namespace std::chrono;
    if (text.size() != 10 && text.size() != 20) return std::nullopt;
    int const y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
    if (y < 0 || mo < 0 || d < 0 || text[4] != '-' || text[7] != '-') return std::nullopt;
    year_month_day const date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    std::int64_t seconds = duration_cast<std::chrono::seconds>(sys_days{date}.time_since_epoch()).count();
    if (text.size() == 10) return seconds;
    int const h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
    if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || s < 0 || s > 59)
        return std::nullopt;
    return seconds + h * 3600 + mi * 60 + s;
}

} // namespace switchboard::domain
