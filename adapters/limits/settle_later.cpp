// Background retries of quota settlements.
#include "adapters/limits/settle_later.hpp"

#include "adapters/observability/log.hpp"
#include "adapters/spawned.hpp"
#include "adapters/store/store_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace switchboard::adapters {
namespace {

net::awaitable<void> retry(quota_store& store, quota_reservation r, std::optional<domain::quota_counts> actual,
                           domain::quota_limits limits) {
    for (auto delay : {std::chrono::milliseconds(200), std::chrono::milliseconds(1000),
                       std::chrono::milliseconds(5000)}) {
        net::steady_timer t(co_await net::this_coro::executor, delay);
        co_await t.async_wait(net::use_awaitable);
        try {
            co_await store.settle(r, actual, limits);
            co_return;
        } catch (store_unavailable const&) {
        }
    }
    log_event(log_level::warning, "quota_settlement_lost",
              {{"subject", r.subject}, {"reserved_tokens", r.charge.tokens}});
}

} // namespace

void settle_later(net::any_io_executor executor, quota_store& store, quota_reservation reservation,
                  std::optional<domain::quota_counts> actual, domain::quota_limits limits) {
    net::co_spawn(executor, retry(store, std::move(reservation), actual, limits), logged("quota_settlement_retry"));
}

} // namespace switchboard::adapters
