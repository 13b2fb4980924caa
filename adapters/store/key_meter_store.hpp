#pragma once
// The key meter port: a key's tokens per minute and calls in flight (domain/key_meter.hpp),
// shared by every instance when the store is. acquire() is all-or-nothing: a call refused by
// one limit takes nothing from the other.
//
// Errors: a networked adapter throws store_unavailable; the memory adapter cannot fail.
// Thread safety: implementations are thread-safe.
#include "adapters/net.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace switchboard::adapters {

struct meter_claim {
    std::string key_id;
    std::int64_t tokens = 0;            // the call's estimate
    std::int64_t tokens_per_minute = 0; // 0: not paced
    std::int64_t max_concurrent = 0;    // 0: not counted
    std::string lease;                  // the call's lease id (unique)
    std::chrono::milliseconds lease_for{120'000}; // a lease left unreleased ends by itself
    std::uint64_t from_lease = 0; // the meter lease the call was admitted from (leased_key_meter_store; 0: none)
};

struct meter_verdict {
    enum class refusal { none, calls, tokens, never } refused = refusal::none;
    std::chrono::milliseconds retry_after{0};
    std::uint64_t from_lease = 0; // admitted from this meter lease (to be set on the claim released)
};

class key_meter_store {
  public:
    virtual ~key_meter_store() = default;
    virtual net::awaitable<meter_verdict> acquire(meter_claim const& claim) = 0;
    // Ends an admitted claim: frees its lease and replaces its estimate by `used` tokens.
    virtual net::awaitable<void> release(meter_claim const& claim, std::int64_t used) = 0;
    // A claim whose verdict never came (the store call failed or timed out) may still have been
    // taken: frees the slot it may hold; its tokens, if taken, stay counted (tighter for their
    // minute, never looser). Freeing a slot never taken is harmless. (A store that cannot fail
    // has nothing to do.)
    virtual net::awaitable<void> abandon(meter_claim const&) { co_return; }
    virtual bool remote() const { return false; }
};

// A shared meter store that leases (domain/meter_lease.hpp; leased_key_meter_store). The claim
// names the key, its limits, the lease's member prefix (`lease`: members "<lease>#1".."#slots",
// each ending by itself after lease_for) and `tokens` is ignored.
class meter_lease_store {
  public:
    struct lease_grant {
        bool admitted = false;
        double use = 0; // the fuller limit's use once the lease is in, 0..1 (1 when refused)
    };
    virtual ~meter_lease_store() = default;
    // `slots` slots (members #first_slot onwards) and `tokens` tokens, all or nothing, granted
    // only if every limit stays below `below` (0..1) of what it allows once they are taken. A
    // lease grows by the same call with the next first_slot.
    virtual net::awaitable<lease_grant> lease(meter_claim const& claim, std::int64_t first_slot, std::int64_t slots,
                                              std::int64_t tokens, double below) = 0;
    // Frees members #first_slot..#last_slot and gives `tokens` back (negative: counts them).
    virtual net::awaitable<void> give_back(meter_claim const& claim, std::int64_t first_slot, std::int64_t last_slot,
                                           std::int64_t tokens) = 0;
};

} // namespace switchboard::adapters
