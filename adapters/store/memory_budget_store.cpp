// In-memory budgets.
#include "adapters/store/memory_budget_store.hpp"

#include "adapters/store/evict_oldest.hpp"

namespace switchboard::adapters {

void memory_budget_store::sweep(domain::time_point now) {
    if (++operations_ % 256 != 0) return;
    for (auto it = budgets_.begin(); it != budgets_.end();)
        it = it->second.expires <= now ? budgets_.erase(it) : std::next(it);
}

net::awaitable<domain::budget_decision> memory_budget_store::reserve(std::string const& id,
                                                                     std::int64_t tokens, domain::priority p,
                                                                     domain::budget_limits const& limits,
                                                                     domain::time_point now) {
    std::lock_guard lock(mutex_);
    sweep(now);
    auto it = budgets_.find(id);
    if (it != budgets_.end() && it->second.expires <= now) {
        budgets_.erase(it);
        it = budgets_.end();
    }
    if (it == budgets_.end() && budgets_.size() >= max_budgets_) {
        std::erase_if(budgets_, [&](auto const& b) { return b.second.expires <= now; });
        if (budgets_.size() >= max_budgets_) evict_oldest_tenth(budgets_, [](entry const& e) { return e.expires; });
    }
    if (it == budgets_.end()) it = budgets_.emplace(id, entry{{}, now + limits.ttl}).first;
    auto decision = domain::decide(it->second.usage, tokens, p, limits);
    if (decision.admitted) it->second.usage = decision.after;
    co_return decision;
}

net::awaitable<void> memory_budget_store::adjust(std::string const& id, domain::budget_usage delta,
                                                 domain::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = budgets_.find(id);
    if (it == budgets_.end() || it->second.expires <= now) co_return; // expired meanwhile: nothing to fix
    it->second.usage.calls += delta.calls;
    it->second.usage.tokens += delta.tokens;
    it->second.usage.usd += delta.usd;
    co_return;
}

std::size_t memory_budget_store::size() const {
    std::lock_guard lock(mutex_);
    return budgets_.size();
}

} // namespace switchboard::adapters
