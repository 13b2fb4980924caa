// Background retries of store writes.
#include "adapters/limits/retry_later.hpp"

#include "adapters/spawned.hpp"
#include "adapters/store/store_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace switchboard::adapters {
namespace {

net::awaitable<void> retry(std::function<net::awaitable<void>()> attempt, std::function<void()> lost,
                           bool first_at_once) {
    using std::chrono::milliseconds;
    for (auto delay : {milliseconds(0), milliseconds(200), milliseconds(1000), milliseconds(5000)}) {
        if (delay.count() == 0 && !first_at_once) continue;
        if (delay.count() > 0) {
            net::steady_timer t(co_await net::this_coro::executor, delay);
            co_await t.async_wait(net::use_awaitable);
        }
        try {
            co_await attempt();
            co_return;
        } catch (store_unavailable const&) {
        }
    }
    if (lost) lost();
}

} // namespace

void retry_later(net::any_io_executor executor, std::function<net::awaitable<void>()> attempt,
                 std::function<void()> lost, std::string_view task, bool first_at_once) {
    net::co_spawn(executor, retry(std::move(attempt), std::move(lost), first_at_once), logged(task));
}

} // namespace switchboard::adapters
