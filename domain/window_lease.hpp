#pragma once
// Rate-limit leases: admissions of sliding-window logs (rate_limit.hpp) taken from the shared
// store for several calls at once, so most calls are admitted without a round trip.
//
// A lease of n records n admissions in every window of the call, all or nothing, each counted as
// made when the lease stops taking calls (now + hold): an admission made under it is recorded no
// earlier than it happened, so it stays in its windows at least as long as it should and no
// window ever holds more than its limit. The admissions a lease did not use are removed from the
// windows when it ends.
// What changes: a limit is a little tighter (an admission counts up to `hold` longer; the hold is
// at most a tenth of the shortest window), admissions leased and not yet used are unavailable to
// other holders until the lease ends, and a subject is leased only once it calls often enough to
// use one (a few calls per hold on this holder), so rarely seen callers (one IP among thousands)
// are counted call by call as before.
#include "domain/lease_terms.hpp"

#include <cstdint>
#include <span>

namespace switchboard::domain {

// A lease holds at most this many admissions (each a member of every window's log).
inline constexpr std::int64_t max_window_lease = 256;

struct window_lease_plan {
    std::int64_t admissions = 0; // 0: admit the call on its own
    milliseconds hold{0};        // how long the lease takes calls
};

// The lease to take for a call whose windows have these limits and lengths, the windows being at
// `use` (0..1, the fullest, as last seen) and the subject having made `recent` calls on this
// holder in the last terms.hold. The lease takes calls for terms.hold, at most a tenth of the
// shortest window, and holds twice the calls expected in that time at the recent rate, within
// terms.calls, max_share of the smallest limit and max_window_lease. None (admit alone) for a
// subject seen fewer than twice, below two admissions, at exact_above or above, or leases off.
window_lease_plan plan_window_lease(std::span<std::int64_t const> limits, std::span<milliseconds const> windows,
                                    double use, std::int64_t recent, lease_terms const& terms);

// One holder's lease on a subject's windows.
struct window_lease {
    std::int64_t granted = 0;
    std::int64_t taken = 0;
    time_point ends{};
};
// Whether the lease still admits a call at `now` (before its end, admissions left).
inline bool window_lease_admits(window_lease const& l, time_point now) { return l.taken < l.granted && now < l.ends; }

} // namespace switchboard::domain
