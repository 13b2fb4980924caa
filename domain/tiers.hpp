#pragma once
// Cost-aware tiers: a model group may split its deployments into `simple`, `medium` and `complex`
// tiers so cheap providers take the bulk and premium ones the hard cases. A call's tier is the
// client's `X-Tier`, or follows from simple request features: prompt size, and whether tools are
// offered (tool use needs a capable model). Pure.
#include "domain/errors.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace switchboard::domain {

enum class tier { simple, medium, complex };
inline constexpr int tier_count = 3;
std::string_view tier_name(tier t);

// "simple" | "medium" | "complex" (case-insensitive); absent → nullopt; else invalid_request on X-Tier.
result<std::optional<tier>> parse_tier(std::string_view header);

struct tier_rules {
    std::int64_t simple_max_prompt_tokens = 500;  // longer prompts are at least medium
    std::int64_t medium_max_prompt_tokens = 4000; // longer prompts are complex
    tier with_tools = tier::medium;               // offering tools needs at least this tier
};

struct request_features {
    std::int64_t prompt_tokens = 0;
    bool has_tools = false;
};

tier choose_tier(std::optional<tier> requested, request_features const& f, tier_rules const& rules);

// One tier down (complex → medium → simple): degraded mode's cheaper route.
tier cheaper(tier t);

} // namespace switchboard::domain
