#pragma once
// Runs several awaitables at once on the caller's executor and returns when every one has ended,
// so that independent store calls share one round trip (a Redis link writes what is queued in
// one go) instead of taking one each. The first exception, if any, is rethrown once all have
// ended. The tasks may refer to the caller's frame: it outlives them.
#include "adapters/net.hpp"

#include <vector>

namespace switchboard::adapters {

net::awaitable<void> all_at_once(std::vector<net::awaitable<void>> tasks);

} // namespace switchboard::adapters
