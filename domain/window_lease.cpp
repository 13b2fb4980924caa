// Rate-limit leases: how many admissions, for how long.
#include "domain/window_lease.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::domain {

window_lease_plan plan_window_lease(std::span<std::int64_t const> limits, std::span<milliseconds const> windows,
                                    double use, std::int64_t recent, lease_terms const& terms) {
    if (!terms.on() || use >= terms.exact_above || limits.empty() || recent < 2) return {};
    auto hold = terms.hold;
    for (auto const w : windows) hold = std::min(hold, w / 10);
    if (hold <= milliseconds(0)) return {};
    // Twice the calls expected within the lease's hold at the recent rate.
    auto const expected = static_cast<double>(recent) * static_cast<double>(hold.count()) /
                          static_cast<double>(std::max<std::int64_t>(1, terms.hold.count()));
    auto n = std::min<std::int64_t>({terms.calls, static_cast<std::int64_t>(std::ceil(2 * expected)), max_window_lease});
    for (auto const limit : limits)
        n = std::min(n, static_cast<std::int64_t>(std::floor(static_cast<double>(limit) * terms.max_share)));
    if (n < 2) return {};
    return {n, hold};
}

} // namespace switchboard::domain
