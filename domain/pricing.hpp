#pragma once
// Dollar cost of a call from its token usage. A price table maps model names to USD per
// million input/output tokens; lookups match the exact name, then the longest known prefix
// ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"), ignoring case and any "org/" prefix.
// Unknown models cost 0 and are reported as unpriced so operators can add them to config.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

struct token_usage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t total() const { return prompt_tokens + completion_tokens; }
};

struct model_price {
    double input_per_million = 0;
    double output_per_million = 0;
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
