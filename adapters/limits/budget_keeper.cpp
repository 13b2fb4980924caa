// Budget reservations and their reconciliation.
#include "adapters/limits/budget_keeper.hpp"

#include "adapters/store/store_error.hpp"

#include <chrono>

namespace switchboard::adapters {

net::awaitable<std::optional<domain::budget_decision>> budget_keeper::reserve(std::string const& id,
                                                                              std::int64_t tokens,
                                                                              domain::priority p) {
    try {
        co_return co_await store_.reserve(id, tokens, p, limits_, std::chrono::steady_clock::now());
    } catch (store_unavailable const&) {
        if (fallbacks_) fallbacks_->fetch_add(1);
    }
    co_return std::nullopt;
}

net::awaitable<void> budget_keeper::settle(std::string id, std::int64_t reserved_tokens,
                                           std::optional<domain::budget_usage> actual) {
    domain::budget_usage const reserved{1, reserved_tokens, 0};
    try {
        co_await store_.adjust(id, domain::reconcile(reserved, actual), std::chrono::steady_clock::now());
    } catch (store_unavailable const&) {
        if (fallbacks_) fallbacks_->fetch_add(1); // the budget's own TTL bounds what is left over
    }
}

} // namespace switchboard::adapters
