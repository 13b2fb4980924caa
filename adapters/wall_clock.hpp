#pragma once
// The wall clock, read in one place: Unix seconds for `created` fields, calendar windows,
// reset times and "when" fields in reports. (Durations use steady_clock where they are measured.)
#include <chrono>
#include <cstdint>

namespace switchboard::adapters {

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline std::int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace switchboard::adapters
