// Price lookup and cost computation; the default table of list prices (USD per 1M tokens).
#include "domain/pricing.hpp"

#include "domain/ascii.hpp"

#include <algorithm>

namespace switchboard::domain {

namespace {
std::string normalize(std::string_view model) {
    if (auto slash = model.rfind('/'); slash != std::string_view::npos) model = model.substr(slash + 1);
    return ascii_lowered(model);
}
} // namespace

price_table price_table::with_defaults() {
    price_table t;
    struct row {
        char const* model;
        double in;
        double out;
        double read = -1;  // cached input (the provider's prompt cache); -1: the input price
        double write = -1; // input written to the cache
    };
    static constexpr row rows[] = {
        {"gpt-4o", 2.50, 10.00, 1.25},
        {"gpt-4o-mini", 0.15, 0.60, 0.075},
        {"gpt-4.1", 2.00, 8.00, 0.50},
        {"gpt-4.1-mini", 0.40, 1.60, 0.10},
        {"gpt-4.1-nano", 0.10, 0.40, 0.025},
        {"gpt-3.5-turbo", 0.50, 1.50},
        {"o1", 15.00, 60.00, 7.50},
        {"o3", 2.00, 8.00, 0.50},
        {"o3-mini", 1.10, 4.40, 0.55},
        {"o4-mini", 1.10, 4.40, 0.275},
        {"text-embedding-3-small", 0.02, 0},
        {"text-embedding-3-large", 0.13, 0},
        {"text-embedding-ada-002", 0.10, 0},
        {"claude-3-haiku", 0.25, 1.25, 0.03, 0.30},
        {"claude-3-5-haiku", 0.80, 4.00, 0.08, 1.00},
        {"claude-haiku-4-5", 1.00, 5.00, 0.10, 1.25},
        {"claude-3-5-sonnet", 3.00, 15.00, 0.30, 3.75},
        {"claude-3-7-sonnet", 3.00, 15.00, 0.30, 3.75},
        {"claude-sonnet-4", 3.00, 15.00, 0.30, 3.75},
        {"claude-3-opus", 15.00, 75.00, 1.50, 18.75},
        {"claude-opus-4", 15.00, 75.00, 1.50, 18.75},
        {"gemini-1.5-flash", 0.075, 0.30},
        {"gemini-1.5-pro", 1.25, 5.00},
        {"gemini-2.0-flash", 0.10, 0.40, 0.025},
        {"gemini-2.0-flash-lite", 0.075, 0.30},
        {"gemini-2.5-flash", 0.30, 2.50, 0.075},
        {"gemini-2.5-pro", 1.25, 10.00, 0.31},
        {"llama-3.1-8b-instant", 0.05, 0.08},
        {"llama-3.3-70b-versatile", 0.59, 0.79},
        {"mixtral-8x7b", 0.60, 0.60},
        {"mistral-small", 0.20, 0.60},
        {"mistral-large", 2.00, 6.00},
        {"deepseek-chat", 0.27, 1.10, 0.07},
        {"deepseek-reasoner", 0.55, 2.19, 0.14},
        {"mock", 0, 0},
    };
    for (auto const& r : rows) {
        model_price price{r.in, r.out};
        if (r.read >= 0) price.cache_read_per_million = r.read;
        if (r.write >= 0) price.cache_write_per_million = r.write;
        t.set(r.model, price);
    }
    return t;
}

void price_table::set(std::string model, model_price price) {
    prices_[normalize(model)] = price;
}

std::optional<model_price> price_table::find(std::string_view model) const {
    std::string const name = normalize(model);
    // Longest prefix in a sorted set: the greatest entry not above `key` is either a prefix of
    // it — then the longest one, as any longer prefix would sit between the two — or shares only
    // its first n characters with it, and no prefix longer than n can be in the set.
    std::string_view key(name);
    while (!key.empty()) {
        auto it = prices_.upper_bound(key);
        if (it == prices_.begin()) return std::nullopt;
        std::string_view const candidate = (--it)->first;
        if (key.starts_with(candidate)) return it->second;
        auto const common = std::mismatch(key.begin(), key.end(), candidate.begin(), candidate.end()).first;
        key = key.substr(0, static_cast<std::size_t>(common - key.begin()));
    }
    return std::nullopt;
}

double price_table::cost_usd(std::string_view model, token_usage const& usage) const {
    auto price = find(model);
    return price ? cost_of(*price, usage) : 0;
}

double price_table::cost_of(model_price const& price, token_usage const& usage) {
    // Cached reads and writes are parts of the prompt: never more than it, never below zero.
    auto const prompt = usage.prompt_tokens;
    auto const read = std::clamp<std::int64_t>(usage.cache_read_tokens, 0, std::max<std::int64_t>(0, prompt));
    auto const written = std::clamp<std::int64_t>(usage.cache_write_tokens, 0, std::max<std::int64_t>(0, prompt - read));
    auto const read_price = price.cache_read_per_million.value_or(price.input_per_million);
    auto const write_price = price.cache_write_per_million.value_or(price.input_per_million);
    return (static_cast<double>(prompt - read - written) * price.input_per_million +
            static_cast<double>(read) * read_price + static_cast<double>(written) * write_price +
            static_cast<double>(usage.completion_tokens) * price.output_per_million) /
           1e6;
}

} // namespace switchboard::domain
