// UTC calendar arithmetic on std::chrono's civil calendar (no time zone database involved).
#include "domain/calendar.hpp"

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

std::int64_t next_day_start(std::int64_t unix_seconds) {
    auto const today = floor<days>(sys_seconds{seconds{unix_seconds}});
    return duration_cast<seconds>((today + days{1}).time_since_epoch()).count();
}

std::int64_t next_month_start(std::int64_t unix_seconds) {
    auto const d = civil(unix_seconds);
    auto const first_of_next = year_month_day{d.year() / d.month() / 1} + months{1};
    return duration_cast<seconds>(sys_days{first_of_next}.time_since_epoch()).count();
}

} // namespace switchboard::domain
