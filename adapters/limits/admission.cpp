// The inbound limit of one request: decided now, or running alongside a provider call.
#include "adapters/limits/admission.hpp"

#include <boost/asio/this_coro.hpp>

namespace switchboard::adapters {

net::awaitable<admission> admission::begin(inbound_limiter* limiter, std::string_view route,
                                           caller_identity const& who, bool calls_provider) {
    admission out;
    if (!limiter) co_return out;
    if (calls_provider && limiter->remote()) {
        auto executor = co_await net::this_coro::executor;
        out.running_.emplace(executor, *limiter, route, who);
    } else {
        out.decided_ = co_await limiter->check(route, who);
    }
    co_return out;
}

net::awaitable<limit_outcome const*> admission::verdict() {
    if (running_) co_return co_await running_->outcome();
    co_return decided_ ? &*decided_ : nullptr;
}

} // namespace switchboard::adapters
