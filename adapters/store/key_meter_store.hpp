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
};

struct meter_verdict {
    enum class refusal { none, calls, tokens, never } refused = refusal::none;
    std::chrono::milliseconds retry_after{0};
};

class key_meter_store {
  public:
    virtual ~key_meter_store() = default;
    virtual net::awaitable<meter_verdict> acquire(meter_claim const& claim) = 0;
    // Ends an admitted claim: frees its lease and replaces its estimate by `used` tokens.
    virtual net::awaitable<void> release(meter_claim const& claim, std::int64_t used) = 0;
    virtual bool remote() const { return false; }
};

} // namespace switchboard::adapters
