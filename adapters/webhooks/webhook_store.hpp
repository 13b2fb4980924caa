#pragma once
// The webhook store port: which events are already being delivered — by any instance — and the
// record of each delivery. With Redis every instance shares both: an event published by several
// instances is claimed by one (SET NX), and /api/v1/webhooks/deliveries on any instance lists the
// deliveries of all. In memory they are the instance's own.
//
// Errors: the memory adapter cannot fail; the Redis adapter throws store_unavailable.
// Thread safety: the memory adapter is shared by every core; a Redis adapter is one core's.
#include "adapters/net.hpp"
#include "domain/webhooks/delivery.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace switchboard::adapters {

class webhook_store {
  public:
    virtual ~webhook_store() = default;
    // True for the first claim of `event_id` within `ttl`: the caller delivers the event; any
    // later claim (another instance, the same fact reported again) is false.
    virtual net::awaitable<bool> claim(std::string const& event_id, std::chrono::milliseconds ttl) = 0;
    // Keeps `d`'s latest state (one record per event and endpoint) for `retention`.
    virtual net::awaitable<void> save(domain::webhooks::delivery const& d, std::chrono::milliseconds retention) = 0;
    // The latest `limit` deliveries, newest first.
    virtual net::awaitable<std::vector<domain::webhooks::delivery>> recent(std::size_t limit) = 0;
};

// At most this many delivery records are kept (the oldest go first).
inline constexpr std::size_t max_kept_deliveries = 1000;

} // namespace switchboard::adapters
