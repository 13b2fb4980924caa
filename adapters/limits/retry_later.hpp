#pragma once
// A store write no caller waits for (a settlement, a give-back), retried in the background while
// the store is unavailable: after 200 ms, 1 s and 5 s (and first at once when asked), so no caller
// waits on an outage. `lost` runs when the last try fails too. Other exceptions end the task and
// are logged under `task`.
#include "adapters/net.hpp"

#include <functional>
#include <string_view>

namespace switchboard::adapters {

void retry_later(net::any_io_executor executor, std::function<net::awaitable<void>()> attempt,
                 std::function<void()> lost, std::string_view task, bool first_at_once = false);

} // namespace switchboard::adapters
