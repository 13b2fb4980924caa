#pragma once
// Dollar cost of a call from its token usage. A price table maps model names to USD per
// million input/output tokens; lookups match the exact name, then the longest known prefix
// ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"), ignoring case and any "org/" prefix.
// Unknown models cost 0 and are reported as unpriced so operators can add them to config.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

struct token_usage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    // Of the prompt tokens, those the provider read from its prompt cache (OpenAI
    // prompt_tokens_details.cached_tokens, Anthropic cache_read_input_tokens) and those it wrote
    // to it (Anthropic cache_creation_input_tokens): each priced at its own rate.
    std::int64_t cache_read_tokens = 0;
    std::int64_t cache_write_tokens = 0;
    std::int64_t total() const { return prompt_tokens + completion_tokens; }
};

// What a wire reader records for a token count a provider sent that is not a non-negative
// integer (negative, fractional, beyond int64): far enough below zero that a sum of counts
// holding it stays negative, so the usage is seen as implausible.
inline constexpr std::int64_t invalid_token_count = std::numeric_limits<std::int64_t>::min() / 4;
// More tokens than any model's context window holds in one call: a count above it is a
// provider's bug (or a hostile upstream), not usage to bill.
inline constexpr std::int64_t max_plausible_tokens = 10'000'000;

constexpr bool plausible(token_usage const& u) {
    return u.prompt_tokens >= 0 && u.completion_tokens >= 0 && u.prompt_tokens <= max_plausible_tokens &&
           u.completion_tokens <= max_plausible_tokens;
}

// The usage to bill and count: the provider's when plausible, else the gateway's own estimate
// (the call's reservation), so a hostile count can neither bill 0 nor poison the counters.
constexpr token_usage billable_usage(token_usage const& reported, token_usage const& estimate) {
    return plausible(reported) ? reported : estimate;
}

struct model_price {
    double input_per_million = 0;
    double output_per_million = 0;
    std::optional<double> cache_read_per_million;  // prompt tokens read from the provider's cache (unset: the input price)
    std::optional<double> cache_write_per_million; // prompt tokens written to it (unset: the input price)
};

class price_table {
  public:
    // The built-in list prices of common models (see docs/CONFIG.md for the date they hold).
    static price_table with_defaults();

    // Adds or replaces a price; `model` is matched as a prefix as described above.
    void set(std::string model, model_price price);

    std::optional<model_price> find(std::string_view model) const;

    // 0 for unpriced models.
    double cost_usd(std::string_view model, token_usage const& usage) const;
    static double cost_of(model_price const& price, token_usage const& usage);

  private:
    std::map<std::string, model_price, std::less<>> prices_;
};

} // namespace switchboard::domain
