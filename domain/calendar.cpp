// UTC calendar arithmetic on std::chrono's civil calendar (no time zone database involved).
#include "domain/calendar.hpp"

#include <chrono>
#include <cstdio>

namespace switchboard::domain {
namespace {
using namespace std::chrono;

year_month_day civil(std::int64_t unix_seconds) {
    return year_month_day{floor<days>(sys_seconds{seconds{unix_seconds}})};
}
} // namespace

std::string day_id(std::int64_t unix_seconds) {
    auto const d = civil(unix_seconds);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

std::string month_id(std::int64_t unix_seconds) {
    auto const d = civil(unix_seconds);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()));
    return buf;
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
