#pragma once
// The terms of leases (store.leases): how much of a shared limit one holder (a gateway core)
// takes from the shared store at once, for how long, and when it stops. Quota leases
// (quota_lease.hpp) and rate-limit leases (window_lease.hpp) share them.
#include "domain/time.hpp"

namespace switchboard::domain {

struct lease_terms {
    int calls = 1;             // a lease holds room for this many calls like the one that opens it; 1: off
    double max_share = 0.02;   // and for no more than this share of any limit
    milliseconds hold{1000};   // a lease takes calls for this long, then is settled
    double exact_above = 0.8;  // at this use of a limit or above, every call is counted on its own
    bool on() const { return calls > 1; }
};

} // namespace switchboard::domain
