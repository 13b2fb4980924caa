// Background retries of quota settlements.
#include "adapters/limits/settle_later.hpp"

#include "adapters/limits/retry_later.hpp"
#include "adapters/observability/log.hpp"

namespace switchboard::adapters {

void settle_later(net::any_io_executor executor, quota_store& store, quota_reservation reservation,
                  std::optional<domain::quota_counts> actual, domain::quota_limits limits) {
    auto const subject = reservation.subject;
    auto const tokens = reservation.charge.tokens;
    retry_later(
        executor,
        [&store, reservation = std::move(reservation), actual, limits]() -> net::awaitable<void> {
            co_await store.settle(reservation, actual, limits);
        },
        [subject, tokens] {
            log_event(log_level::warning, "quota_settlement_lost", {{"subject", subject}, {"reserved_tokens", tokens}});
        },
        "quota_settlement_retry");
}

} // namespace switchboard::adapters
