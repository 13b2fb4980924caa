// Budget admission by priority share, and reconciliation.
#include "domain/budget.hpp"

#include <cctype>

namespace switchboard::domain {

result<priority> parse_priority(std::string_view h) {
    if (h.empty()) return priority::p1;
    if (h.size() == 2 && (h[0] == 'P' || h[0] == 'p') && h[1] >= '0' && h[1] <= '3')
        return static_cast<priority>(h[1] - '0');
    return make_error(errc::invalid_request, "X-Priority must be one of P0, P1, P2, P3", "X-Priority");
}

std::string_view priority_name(priority p) {
    static constexpr std::string_view names[] = {"P0", "P1", "P2", "P3"};
    return names[static_cast<int>(p)];
}

budget_decision decide(budget_usage const& used, std::int64_t tokens, priority p,
                       budget_limits const& limits) {
    budget_usage after{used.calls + 1, used.tokens + tokens, used.usd};
    if (p == priority::p0) return {true, after};
    double const share = limits.shares[static_cast<std::size_t>(p)];
    auto fits = [share](double value, double limit) { return limit <= 0 || value <= limit * share + 1e-9; };
    // Dollars are known only after calls end, so the check is on what is already spent.
    bool const ok = fits(static_cast<double>(after.calls), static_cast<double>(limits.max_calls)) &&
                    fits(static_cast<double>(after.tokens), static_cast<double>(limits.max_tokens)) &&
                    (limits.max_usd <= 0 || used.usd < limits.max_usd * share);
    if (!ok) return {false, used};
    return {true, after};
}

budget_usage reconcile(budget_usage const& reserved, std::optional<budget_usage> actual) {
    if (!actual) return {-reserved.calls, -reserved.tokens, 0};
    return {0, actual->tokens - reserved.tokens, actual->usd};
}

} // namespace switchboard::domain
