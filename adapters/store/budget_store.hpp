#pragma once
// The budget store port: where per-request budgets live (in memory now; Redis, shared by every
// instance, in the shared-state work). Both operations are atomic per budget id, so concurrent
// calls of one budget can never overshoot it.
//
// Errors: the memory adapter cannot fail. A networked adapter reports a store failure as an
// exception, and the dispatcher applies the budget policy's fail mode.
// Thread safety: implementations are shared by every core and must be thread-safe.
#include "adapters/net.hpp"
#include "domain/budget.hpp"

#include <string>

namespace switchboard::adapters {

class budget_store {
  public:
    virtual ~budget_store() = default;

    // domain::decide() on the budget's current usage and, when admitted, records the reservation.
    // A budget id seen for the first time starts empty and expires `limits.ttl` later.
    virtual net::awaitable<domain::budget_decision> reserve(std::string const& id, std::int64_t tokens,
                                                            domain::priority p,
                                                            domain::budget_limits const& limits,
                                                            domain::time_point now) = 0;

    // Adds a (possibly negative) delta to a budget's usage: the reconciliation of a reservation.
    virtual net::awaitable<void> adjust(std::string const& id, domain::budget_usage delta,
                                        domain::time_point now) = 0;
    virtual bool remote() const { return false; }
};

} // namespace switchboard::adapters
