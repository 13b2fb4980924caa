// GCRA on a key's tokens.
#include "domain/key_meter.hpp"

#include <algorithm>

namespace switchboard::domain {

std::int64_t token_cost_us(std::int64_t tokens, std::int64_t per_minute) {
    if (per_minute <= 0 || tokens <= 0) return 0;
    return (tokens * meter_window_us + per_minute - 1) / per_minute;
}

pace_decision pace_tokens(std::int64_t tat_us, std::int64_t now_us, std::int64_t tokens, std::int64_t per_minute) {
    if (per_minute <= 0) return {true, false, tat_us, 0};
    if (tokens > per_minute) return {false, true, tat_us, 0};
    auto const next = std::max(tat_us, now_us) + token_cost_us(tokens, per_minute);
    if (next - now_us > meter_window_us) return {false, false, tat_us, next - now_us - meter_window_us};
    return {true, false, next, 0};
}

std::int64_t repay_tokens(std::int64_t tat_us, std::int64_t estimate, std::int64_t used, std::int64_t per_minute) {
    if (per_minute <= 0 || estimate == used) return tat_us;
    if (used < estimate) return tat_us - token_cost_us(estimate - used, per_minute);
    return tat_us + token_cost_us(used - estimate, per_minute);
}

} // namespace switchboard::domain
