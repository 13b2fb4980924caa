#pragma once
// A quota settlement the store could not take now, retried in the background (after 200 ms, 1 s
// and 5 s) so that no caller waits on an outage. After the last try the reservation is left to
// the store's own expiry of unsettled reservations, and `quota_settlement_lost` is logged.
#include "adapters/store/quota_store.hpp"

#include <optional>

namespace switchboard::adapters {

void settle_later(net::any_io_executor executor, quota_store& store, quota_reservation reservation,
                  std::optional<domain::quota_counts> actual, domain::quota_limits limits);

} // namespace switchboard::adapters
