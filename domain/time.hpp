#pragma once
// Time in the domain is always a parameter: callers pass `now`; nothing here reads a clock.
// Monotonic instants for windows and cooldowns; wall-clock instants only to interpret
// HTTP-dates sent by providers.
#include <chrono>

namespace switchboard::domain {
using time_point = std::chrono::steady_clock::time_point;
using wall_time = std::chrono::system_clock::time_point;
using duration = std::chrono::nanoseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
} // namespace switchboard::domain
