#pragma once
// A cached answer as the shared cache (Redis) holds it: one JSON object with a version, so an
// instance never serves an entry it cannot read (an unreadable entry is a miss, never an error).
//   {"v":1, "body", "model", "deployment_model", "prompt_tokens", "completion_tokens",
//    "cost_usd", "ns", "tags":[...], "stored_unix_ms"}
// and, for a REST answer that must be revalidated once stale, "fresh_until_unix_ms",
// "validator" and "served_by" (absent on a model's answer).
// The entry's clock is the wall clock (instances share it); an instance turns it into its own
// cache clock when it reads one.
#include "adapters/cache/memory_cache.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace switchboard::adapters {

std::string encode_answer(cached_answer const& answer, std::int64_t stored_unix_ms);

struct answer_clocks {
    std::int64_t local_now_ms = 0; // the reading cache's clock
    std::int64_t unix_now_ms = 0;  // the wall clock
    std::int64_t remaining_ms = 0; // the entry's time left in the shared store
};
// The entry, on the reader's clock (stored_ms, expires_ms), or nullopt when it is not one.
std::optional<cached_answer> decode_answer(std::string_view entry, answer_clocks const& clocks);

} // namespace switchboard::adapters
