#pragma once
// Quota leases: one holder's (a gateway core's) share of a subject's quota, reserved in the
// shared store for several calls at once, so that most calls are admitted without a round trip
// and a whole lease costs the store one reservation and one settlement.
//
// What stays exact: a lease is an ordinary reservation in the shared store, so every lease of
// every holder is counted before any other call is admitted: the fleet never admits past a
// limit. Calls taken from a lease are checked against what it has left; an actual usage above
// its estimate is kept and settled like a call's.
// What changes:
//  - usage reaches the store when the lease is settled: at most `hold` after it opened, once its
//    last call has ended (the store's report counts the rest as reserved until then);
//  - room a holder has leased and not used is unavailable to the others until then: a call can
//    be refused while other holders still have leased room. Leases are sized so this stays small
//    (each at most `max_share` of any limit), and at `exact_above` of a limit used, calls are
//    reserved one by one again, as without leases: the last of a quota is shared exactly;
//  - threshold alerts fire when a lease's reservation crosses them, up to one lease early.
#include "domain/lease_terms.hpp"
#include "domain/quota.hpp"
#include "domain/time.hpp"

#include <optional>

namespace switchboard::domain {

// What a new lease reserves for a call charged `charge`, the subject's quota being at `use`
// (0..1, from the store's last answer): `charge` times the calls it holds room for. nullopt:
// reserve the call on its own (leases off, `use` at `exact_above` or above, or a limit too small
// for two such calls within `max_share`).
std::optional<quota_counts> lease_size(quota_counts charge, quota_limits const& limits, double use,
                                       lease_terms const& terms);

struct quota_lease {
    quota_counts granted; // reserved in the store
    quota_counts taken;   // by the calls in flight
    quota_counts used;    // by the calls that ended, to settle into the store
    int in_flight = 0;
    time_point opened{};
    bool open = true; // takes calls; once closed it is settled when its last call ends
};

// Whether `charge` fits what the lease has left (granted − taken − used), for every counter the
// charge uses (a counter it does not use is not the lease's to bound).
bool lease_fits(quota_lease const& lease, quota_counts charge);
void lease_take(quota_lease& lease, quota_counts charge);
// A call taken with `charge` ends: its charge is freed; a success's `actual` usage is kept.
void lease_end(quota_lease& lease, quota_counts charge, std::optional<quota_counts> actual);
// Whether an open lease has taken calls for as long as it may.
bool lease_expired(quota_lease const& lease, time_point now, lease_terms const& terms);
// Whether a lease is to be settled now: closed, no call in flight.
inline bool lease_done(quota_lease const& lease) { return !lease.open && lease.in_flight == 0; }
// Room it holds that no call has taken or used (granted − taken − used, any counter above 0).
quota_counts lease_unused(quota_lease const& lease);
// Whether a closed lease still waits on calls while holding room none of them will use: it is
// then worth shrinking to what its calls in flight hold (a long stream would otherwise keep a
// lease's whole room reserved until it ends).
bool lease_worth_shrinking(quota_lease const& lease);

} // namespace switchboard::domain
