#pragma once
// What a core's leases did (leased_quota_store, leased_rate_limit_store, leased_key_meter_store),
// read by health and metrics from another thread. Each core has its own (no cache line shared between cores on the request path); the
// readers sum them.
#include "adapters/net.hpp"

#include <atomic>
#include <cstdint>

namespace switchboard::adapters {

struct lease_counters {
    std::atomic<std::uint64_t> leases{0};     // leases reserved in the shared store
    std::atomic<std::uint64_t> from_lease{0}; // calls admitted from a lease, without a round trip
    std::atomic<std::uint64_t> alone{0};      // calls reserved on their own
};

// A core's leased store of one kind (quotas, rate limits, key meters), as the runtime drives it.
class lease_holder {
  public:
    virtual ~lease_holder() = default;
    // Closes the leases past their hold (what no call holds goes back) and forgets idle subjects.
    // Run every terms.hold, so idle leases do not keep their room.
    virtual net::awaitable<void> flush() = 0;
    // Closes every lease (at shutdown, after the drain).
    virtual net::awaitable<void> close_all() = 0;
    virtual lease_counters const& counts() const = 0;
};

} // namespace switchboard::adapters
