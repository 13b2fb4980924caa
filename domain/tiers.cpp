// Tier parsing and selection.
#include "domain/tiers.hpp"

#include "domain/ascii.hpp"

#include <string>

namespace switchboard::domain {

std::string_view tier_name(tier t) {
    static constexpr std::string_view names[] = {"simple", "medium", "complex"};
    return names[static_cast<int>(t)];
}

result<std::optional<tier>> parse_tier(std::string_view header) {
    if (header.empty()) return std::optional<tier>{};
    std::string const lower = ascii_lowered(header);
    for (int i = 0; i < tier_count; ++i)
        if (lower == tier_name(static_cast<tier>(i))) return std::optional<tier>{static_cast<tier>(i)};
    return make_error(errc::invalid_request, "X-Tier must be one of simple, medium, complex", "X-Tier");
}

tier choose_tier(std::optional<tier> requested, request_features const& f, tier_rules const& rules) {
    if (requested) return *requested;
    tier t = tier::simple;
    if (f.prompt_tokens > rules.medium_max_prompt_tokens)
        t = tier::complex;
    else if (f.prompt_tokens > rules.simple_max_prompt_tokens)
        t = tier::medium;
    if (f.has_tools) t = std::max(t, rules.with_tools);
    return t;
}

tier cheaper(tier t) {
    return t == tier::simple ? tier::simple : static_cast<tier>(static_cast<int>(t) - 1);
}

} // namespace switchboard::domain
