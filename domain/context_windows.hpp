#pragma once
// The context windows (in tokens) of common models, so that a prompt too long for one deployment
// goes on only to deployments that may hold it. A deployment's own `context_window` overrides
// this table; a model found in neither has an unknown window (0). Figures are the providers'
// published limits (input + output) and change rarely; a wrong one only costs a wasted attempt or
// a skipped fallback, never a wrong answer.
#include "domain/routing.hpp"

#include <cstdint>
#include <string_view>

namespace switchboard::domain {

// The known window of `model` (exact name first, then the longest listed prefix), else 0.
std::int64_t known_context_window(std::string_view model);

// A deployment's window: its configured `context_window`, else the table's, else 0 (unknown).
std::int64_t context_window_of(deployment const& d);

// Whether `d` may hold a prompt too long for a window of `floor` tokens: its window is larger,
// or unknown. Never one known to be smaller or equal.
bool may_hold_longer_prompt(deployment const& d, std::int64_t floor);

} // namespace switchboard::domain
