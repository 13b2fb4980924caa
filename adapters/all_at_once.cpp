// One counter and one timer for the whole group: the timer is the event the caller waits on.
#include "adapters/all_at_once.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>

namespace switchboard::adapters {
namespace {
struct group {
    explicit group(net::any_io_executor const& ex, std::size_t n) : left(n), done(ex) {}
    std::size_t left;
    std::exception_ptr error;
    net::steady_timer done;
};
} // namespace

net::awaitable<void> all_at_once(std::vector<net::awaitable<void>> tasks) {
    if (tasks.empty()) co_return;
    if (tasks.size() == 1) {
        co_await std::move(tasks.front());
        co_return;
    }
    auto executor = co_await net::this_coro::executor;
    auto g = std::make_shared<group>(executor, tasks.size());
    g->done.expires_at(net::steady_timer::time_point::max());
    for (auto& task : tasks)
        net::co_spawn(executor, std::move(task), [g](std::exception_ptr e) {
            if (e && !g->error) g->error = e;
            if (--g->left == 0) g->done.cancel();
        });
    while (g->left > 0) co_await g->done.async_wait(net::as_tuple(net::use_awaitable));
    if (g->error) std::rethrow_exception(g->error);
}

} // namespace switchboard::adapters
