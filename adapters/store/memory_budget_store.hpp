#pragma once
// In-memory budget store for a single instance: a mutex around a map, expired budgets swept
// every few hundred operations. Thread-safe.
#include "adapters/store/budget_store.hpp"

#include <map>
#include <mutex>

namespace switchboard::adapters {

class memory_budget_store final : public budget_store {
  public:
    // At most `max_budgets` budgets are kept (their ids come from clients): when full, expired
    // ones go, then the tenth nearest to expiry (a budget only limits its own caller's calls, so
    // forgetting one early lends no one else anything).
    explicit memory_budget_store(std::size_t max_budgets = 100'000) : max_budgets_(max_budgets) {}
    net::awaitable<domain::budget_decision> reserve(std::string const& id, std::int64_t tokens,
                                                    domain::priority p, domain::budget_limits const& limits,
                                                    domain::time_point now) override;
    net::awaitable<void> adjust(std::string const& id, domain::budget_usage delta,
                                domain::time_point now) override;

    std::size_t size() const;

  private:
    struct entry {
        domain::budget_usage usage;
        domain::time_point expires;
    };
    void sweep(domain::time_point now);

    mutable std::mutex mutex_;
    std::map<std::string, entry, std::less<>> budgets_;
    unsigned operations_ = 0;
    std::size_t max_budgets_;
};

} // namespace switchboard::adapters
