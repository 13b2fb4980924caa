// Key meter leases: sizing, and the bookkeeping of the calls taken from one.
#include "domain/meter_lease.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::domain {
namespace {
std::int64_t quarter_of(std::int64_t limit) {
    return static_cast<std::int64_t>(std::floor(static_cast<double>(limit) * max_meter_lease_share));
}
} // namespace

meter_lease_plan plan_meter_lease(meter_limits const& limits, double use, meter_recent const& recent,
                                  std::int64_t estimate, lease_terms const& terms) {
    if (!terms.on() || use >= terms.exact_above || recent.calls < 2) return {};
    if (limits.max_concurrent <= 0 && limits.tokens_per_minute <= 0) return {};
    meter_lease_plan plan;
    if (limits.max_concurrent > 0) {
        plan.slots = std::min<std::int64_t>({terms.calls, recent.peak_in_flight + 1, quarter_of(limits.max_concurrent)});
        if (plan.slots < 1) return {};
    }
    if (limits.tokens_per_minute > 0) {
        auto const wanted = std::max(2 * recent.tokens, 2 * estimate);
        plan.tokens = std::min({wanted, static_cast<std::int64_t>(terms.calls) * std::max<std::int64_t>(estimate, 1),
                                quarter_of(limits.tokens_per_minute)});
        if (plan.tokens < estimate || plan.tokens < 1) return {};
    }
    return plan;
}

bool meter_lease_admits(meter_lease const& lease, meter_limits const& limits, std::int64_t estimate,
                        time_point now) {
    if (lease.closed || now >= lease.ends) return false;
    if (limits.max_concurrent > 0 && lease.in_flight >= lease.slots) return false;
    if (limits.tokens_per_minute > 0 && lease.charged + estimate > lease.tokens) return false;
    return true;
}

void meter_lease_take(meter_lease& lease, std::int64_t estimate) {
    ++lease.in_flight;
    lease.charged += estimate;
}

meter_lease_plan plan_meter_growth(meter_lease const& lease, meter_limits const& limits, double use,
                                   meter_recent const& recent, std::int64_t estimate, lease_terms const& terms) {
    auto const target = plan_meter_lease(limits, use, recent, estimate, terms);
    if (!target.any()) return {};
    meter_lease_plan added;
    if (limits.max_concurrent > 0 && lease.in_flight >= lease.slots) {
        added.slots = target.slots - lease.slots;
        if (added.slots < 1) return {}; // the lease is as large as it may be
    }
    if (limits.tokens_per_minute > 0 && lease.charged + estimate > lease.tokens)
        added.tokens = std::max(target.tokens, lease.charged + estimate - lease.tokens);
    return added;
}

void meter_lease_grow(meter_lease& lease, meter_lease_plan const& added) {
    lease.slots += added.slots;
    lease.tokens += added.tokens;
}

meter_give_back meter_lease_close(meter_lease& lease) {
    meter_give_back back;
    if (lease.closed) return back;
    lease.closed = true;
    auto const held_slots = std::min(lease.slots, lease.in_flight);
    back.first_slot = held_slots + 1;
    back.last_slot = lease.slots;
    back.tokens = lease.tokens - lease.charged;
    lease.slots = held_slots;
    lease.tokens = lease.charged;
    return back;
}

meter_give_back meter_lease_end_call(meter_lease& lease, std::int64_t estimate, std::int64_t used) {
    meter_give_back back;
    if (lease.in_flight <= 0) return back; // not this lease's call: nothing to free
    --lease.in_flight;
    lease.charged += used - estimate;
    if (!lease.closed) return back;
    if (lease.slots > 0) {
        back.first_slot = back.last_slot = lease.slots;
        --lease.slots;
    }
    back.tokens = estimate - used;
    lease.charged -= used;
    lease.tokens = lease.charged;
    return back;
}

} // namespace switchboard::domain
