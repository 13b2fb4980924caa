#pragma once
// A key's limits held while its calls run: tokens per minute, paced by the generic cell rate
// algorithm (GCRA), and calls in flight, counted by leases. Pure: the stores apply these
// decisions atomically (a lock in memory, a script in Redis: adapters/store/redis).
//
// Tokens per minute: each token costs the key 60 s / per_minute of time; `tat` (the theoretical
// arrival time) is when everything admitted so far is paid off. A call estimated at n tokens is
// admitted when max(tat, now) + n·cost ≤ now + 60 s: a whole minute's tokens may go at once, and
// afterwards they come back at per_minute per minute. When the call ends its estimate is replaced
// by its usage (unused tokens come back at once). Calls in flight: a call takes a lease that
// ends when the call settles, or on its own after the lease's length (a lost instance cannot
// leak the key's slots).
#include <cstdint>

namespace switchboard::domain {

inline constexpr std::int64_t meter_window_us = 60'000'000; // the token rate's minute

struct pace_decision {
    bool admitted = false;
    bool never = false;             // the estimate alone is more than a minute's tokens
    std::int64_t tat_us = 0;        // the key's new tat when admitted
    std::int64_t retry_after_us = 0; // refused: until the estimate fits
};

// `tokens` cost of the key's time at `per_minute` (rounded up: never under-counted).
std::int64_t token_cost_us(std::int64_t tokens, std::int64_t per_minute);

pace_decision pace_tokens(std::int64_t tat_us, std::int64_t now_us, std::int64_t tokens, std::int64_t per_minute);

// The tat once a call estimated at `estimate` tokens has used `used`.
std::int64_t repay_tokens(std::int64_t tat_us, std::int64_t estimate, std::int64_t used, std::int64_t per_minute);

} // namespace switchboard::domain
