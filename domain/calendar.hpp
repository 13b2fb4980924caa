#pragma once
// UTC calendar windows for quotas. A day runs from 00:00:00 UTC to the next midnight; a month
// from the first of the month 00:00 UTC to the first of the next. Instants are Unix seconds
// given by the caller (the gateway's wall clock in memory, the Redis server's TIME in Redis;
// the Lua scripts in adapters/store/redis mirror these functions).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

// "2026-11-21": the UTC day containing `unix_seconds`.
std::string day_id(std::int64_t unix_seconds);
// "2026-11": the UTC month containing `unix_seconds`.
std::string month_id(std::int64_t unix_seconds);
// "2026-11-21T09:30:05Z": the UTC instant `unix_ms` (to the second; negative times clamp to 0).
std::string utc_text(std::int64_t unix_ms);
// The Unix second at which the next UTC day / month starts.
std::int64_t next_day_start(std::int64_t unix_seconds);
std::int64_t next_month_start(std::int64_t unix_seconds);
// "2027-01-31" (midnight UTC) or "2027-01-31T12:00:00Z" as Unix seconds; nullopt if not one.
std::optional<std::int64_t> parse_utc_time(std::string_view text);

} // namespace switchboard::domain
