#pragma once
// The inbound limit of one request, decided in one place for every door: each HTTP route, the
// WebSocket upgrade, each WebSocket start message. How the verdict is awaited depends on what the
// request does. A provider call on a remote store starts the check and goes on: its round trip
// overlaps the body's parse and the tenant quota reservation, and the dispatcher awaits it before
// any upstream call (call_context::admission) — one round trip of waiting, not two. Any other
// request, and every request on the in-memory store (whose answer is immediate), has its verdict
// before it is served. Either way a refusal wins over whatever else the request would have been
// answered, and a request refused for another reason still counts against its limits.
// Thread safety: created, awaited and completed on one core.
#include "adapters/limits/pending_admission.hpp"

#include <optional>
#include <string_view>

namespace switchboard::adapters {

class admission {
  public:
    // Without a limiter (none configured, or a route that is not limited) everything passes.
    static net::awaitable<admission> begin(inbound_limiter* limiter, std::string_view route,
                                           caller_identity const& who, bool calls_provider);

    // Decided before serving, and refused: the request must not be served.
    std::optional<domain::gateway_error> const* refused_before_serving() const {
        return decided_ && decided_->refusal ? &decided_->refusal : nullptr;
    }
    // The check still running alongside the request (for its call context); null otherwise.
    pending_admission* running() { return running_ ? &*running_ : nullptr; }
    // The verdict and its windows (for the RateLimit headers); null without a limiter.
    net::awaitable<limit_outcome const*> verdict();

  private:
    std::optional<limit_outcome> decided_;
    std::optional<pending_admission> running_;
};

} // namespace switchboard::adapters
