// An inbound limit check running alongside the request's own work.
#include "adapters/limits/pending_admission.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <string>

namespace switchboard::adapters {

struct pending_admission::state {
    state(net::any_io_executor executor, inbound_limiter& l, std::string_view p, caller_identity w)
        : limiter(l), path(p), who(std::move(w)), finished(std::move(executor), net::steady_timer::time_point::max()) {}
    inbound_limiter& limiter;
    std::string path;
    caller_identity who;
    std::optional<limit_outcome> outcome;
    std::exception_ptr failure;
    bool done = false;
    net::steady_timer finished; // cancelled when the check ends: wakes whoever waits
};

namespace {
net::awaitable<void> run_check(std::shared_ptr<pending_admission::state> s) {
    s->outcome = co_await s->limiter.check(s->path, s->who);
}
} // namespace

pending_admission::pending_admission(net::any_io_executor executor, inbound_limiter& limiter, std::string_view path,
                                     caller_identity who)
    : state_(std::make_shared<state>(executor, limiter, path, std::move(who))) {
    net::co_spawn(executor, run_check(state_), [s = state_](std::exception_ptr e) {
        s->failure = e;
        s->done = true;
        s->finished.cancel();
    });
}

net::awaitable<limit_outcome const*> pending_admission::outcome() {
    auto s = state_;
    if (!s->done) co_await s->finished.async_wait(net::as_tuple(net::use_awaitable));
    if (s->failure) std::rethrow_exception(s->failure);
    co_return &*s->outcome;
}

} // namespace switchboard::adapters
