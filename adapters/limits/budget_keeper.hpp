#pragma once
// Budgets (X-Budget-Id) beside the quota keeper: a reservation of one call and its estimate
// before dispatch, its reconciliation with what the call used after. The store may be shared
// (Redis): an outage is reported, not thrown, and counted as a fallback; what to do about it is
// the fail mode's (domain::on_store_outage, applied by the call machine).
// Thread safety: one per core, like the dispatcher that uses it; the store is thread-safe.
#include "adapters/store/budget_store.hpp"

#include <atomic>
#include <optional>

namespace switchboard::adapters {

class budget_keeper {
  public:
    budget_keeper(budget_store& store, domain::budget_limits limits, std::atomic<long>* fallbacks = nullptr)
        : store_(store), limits_(limits), fallbacks_(fallbacks) {}

    // nullopt: the store could not answer.
    net::awaitable<std::optional<domain::budget_decision>> reserve(std::string const& id, std::int64_t tokens,
                                                                   domain::priority p);
    // Ends an admitted reservation of `reserved_tokens`: the call's actual usage, or nullopt to
    // give it back. A store that cannot take it leaves the difference to the budget's TTL.
    // (`id` by value: a settlement may run on after the call that started it.)
    net::awaitable<void> settle(std::string id, std::int64_t reserved_tokens,
                                std::optional<domain::budget_usage> actual);

    // Whether settling waits on a network round trip.
    bool remote() const { return store_.remote(); }

  private:
    budget_store& store_;
    domain::budget_limits limits_;
    std::atomic<long>* fallbacks_;
};

} // namespace switchboard::adapters
