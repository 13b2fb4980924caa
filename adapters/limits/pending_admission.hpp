#pragma once
// The inbound limit check of one request, started before the request's own work and awaited
// just before its first upstream call. Its store round trip then overlaps the tenant quota
// reservation's (both are in flight on the core's store connection at once) instead of coming
// before it: one round trip of waiting on the hot path, not two.
//
// The check runs to its end even when nobody awaits it any more, so a request refused for
// another reason (bad body, quota) still counts against its limits, as when the check came
// first. A refusal by the limit wins over any other answer the request would have had.
// Thread safety: created, awaited and completed on one core.
#include "adapters/limits/inbound_limiter.hpp"
#include "adapters/net.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string_view>

namespace switchboard::adapters {

class pending_admission {
  public:
    // Starts the check (it runs when the caller next suspends).
    pending_admission(net::any_io_executor executor, inbound_limiter& limiter, std::string_view path,
                      caller_identity who);
    // The check's outcome, once it has one; rethrows what the check threw.
    net::awaitable<limit_outcome const*> outcome();

    struct state; // shared with the running check, which may outlive this object

  private:
    std::shared_ptr<state> state_;
};

} // namespace switchboard::adapters
