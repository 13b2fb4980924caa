// Quota leases: sizing, taking and giving back.
#include "domain/quota_lease.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::domain {

std::optional<quota_counts> lease_size(quota_counts charge, quota_limits const& limits, double use,
                                       lease_terms const& terms) {
    if (!terms.on() || use >= terms.exact_above) return std::nullopt;
    std::int64_t calls = terms.calls;
    for (auto const& slot : quota_metrics) {
        auto const limit = limits.*slot.limit;
        auto const per_call = charge.*slot.counter;
        if (limit <= 0 || per_call <= 0) continue;
        auto const share = static_cast<std::int64_t>(std::floor(static_cast<double>(limit) * terms.max_share));
        calls = std::min(calls, share / per_call);
    }
    if (calls < 2) return std::nullopt;
    return quota_counts{charge.requests * calls, charge.tokens * calls, charge.micro_usd * calls};
}

bool lease_fits(quota_lease const& l, quota_counts charge) {
    auto fits = [](std::int64_t granted, std::int64_t taken, std::int64_t used, std::int64_t c) {
        return c <= 0 || granted - taken - used >= c;
    };
    return fits(l.granted.requests, l.taken.requests, l.used.requests, charge.requests) &&
           fits(l.granted.tokens, l.taken.tokens, l.used.tokens, charge.tokens) &&
           fits(l.granted.micro_usd, l.taken.micro_usd, l.used.micro_usd, charge.micro_usd);
}

void lease_take(quota_lease& l, quota_counts charge) {
    add_counts(l.taken, charge);
    ++l.in_flight;
}

void lease_end(quota_lease& l, quota_counts charge, std::optional<quota_counts> actual) {
    add_counts(l.taken, {-charge.requests, -charge.tokens, -charge.micro_usd});
    if (actual) add_counts(l.used, *actual);
    if (l.in_flight > 0) --l.in_flight;
}

quota_counts lease_unused(quota_lease const& l) {
    auto left = [](std::int64_t granted, std::int64_t taken, std::int64_t used) {
        return std::max<std::int64_t>(0, granted - taken - used);
    };
    return {left(l.granted.requests, l.taken.requests, l.used.requests),
            left(l.granted.tokens, l.taken.tokens, l.used.tokens),
            left(l.granted.micro_usd, l.taken.micro_usd, l.used.micro_usd)};
}

bool lease_worth_shrinking(quota_lease const& l) {
    auto const unused = lease_unused(l);
    return !l.open && l.in_flight > 0 && (unused.requests > 0 || unused.tokens > 0 || unused.micro_usd > 0);
}

bool lease_expired(quota_lease const& l, time_point now, lease_terms const& terms) {
    return l.open && now - l.opened >= terms.hold;
}

} // namespace switchboard::domain
