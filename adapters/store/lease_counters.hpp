#pragma once
// What a core's quota leases did (leased_quota_store), read by health and metrics from another
// thread. Each core has its own (no cache line shared between cores on the request path); the
// readers sum them.
#include <atomic>
#include <cstdint>

namespace switchboard::adapters {

struct lease_counters {
    std::atomic<std::uint64_t> leases{0};     // leases reserved in the shared store
    std::atomic<std::uint64_t> from_lease{0}; // calls admitted from a lease, without a round trip
    std::atomic<std::uint64_t> alone{0};      // calls reserved on their own
};

} // namespace switchboard::adapters
