// The table of a key's limits.
#include "domain/auth/key_limits.hpp"

namespace switchboard::domain {
namespace {
constexpr std::int64_t most_per_minute = 1'000'000'000;
constexpr std::int64_t most_tokens = 1'000'000'000'000'000;
constexpr std::int64_t most_micro_usd = 1'000'000'000'000'000; // a billion dollars
} // namespace

std::array<key_limit_field, 8> const key_limit_fields{{
    {"requests_per_minute", [](key_limits& l) -> std::int64_t& { return l.requests_per_minute; }, most_per_minute},
    {"tokens_per_minute", [](key_limits& l) -> std::int64_t& { return l.tokens_per_minute; }, most_tokens},
    {"max_concurrent", [](key_limits& l) -> std::int64_t& { return l.max_concurrent; }, 1'000'000},
    {"requests_per_day", [](key_limits& l) -> std::int64_t& { return l.budget.requests_per_day; }, most_tokens},
    {"tokens_per_day", [](key_limits& l) -> std::int64_t& { return l.budget.tokens_per_day; }, most_tokens},
    {"tokens_per_month", [](key_limits& l) -> std::int64_t& { return l.budget.tokens_per_month; }, most_tokens},
    {"usd_per_day", [](key_limits& l) -> std::int64_t& { return l.budget.micro_usd_per_day; }, most_micro_usd, true},
    {"usd_per_month", [](key_limits& l) -> std::int64_t& { return l.budget.micro_usd_per_month; }, most_micro_usd,
     true},
}};

} // namespace switchboard::domain
