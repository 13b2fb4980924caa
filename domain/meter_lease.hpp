#pragma once
// Key meter leases: a key's calls in flight and tokens per minute (key_meter.hpp) taken from the
// shared store for several calls at once, so most of a busy key's calls are metered without a
// round trip.
//
// A lease of s slots and t tokens holds s of the key's calls in flight (s members of its set of
// calls, each ending by itself after the call lease's length, like a call's own) and t tokens of
// its minute (its tat moved on by t tokens' time), all or nothing. A call admitted from it takes
// a slot while it runs and its estimate from the tokens; a call that ends frees its slot for the
// holder's next call and replaces its estimate by what it used. A call that finds every slot
// taken, or too few tokens left, grows the lease (more slots, up to its size; another lease's
// worth of tokens); when it cannot grow, the call is metered on its own and the lease stays.
// The lease takes calls for terms.hold; it is then closed: the slots its calls do not occupy and
// the tokens they did not use go back at once, and each call still running gives back its slot
// and its difference when it ends (as a call metered on its own does).
//
// What stays exact: a leased slot or token is counted in the store as used, so the fleet never
// has more calls in flight, nor spends tokens faster, than the key allows.
// What changes: slots and tokens one holder leased and did not use are unavailable to the others
// until its lease closes (at most terms.hold later). A lease is sized to what the key's calls
// used on this holder lately — one slot more than its most calls in flight at once, twice the
// tokens of its busiest recent hold — within terms.calls and a quarter of each limit; a key seen
// fewer than twice per hold, or at exact_above of a limit or above, is metered call by call.
#include "domain/lease_terms.hpp"

#include <cstdint>

namespace switchboard::domain {

// The most of a key's limit one lease holds.
inline constexpr double max_meter_lease_share = 0.25;

struct meter_limits {
    std::int64_t tokens_per_minute = 0; // 0: not paced
    std::int64_t max_concurrent = 0;    // 0: not counted
};

// What the key's calls did on this holder in its recent holds (the busier of the last two).
struct meter_recent {
    std::int64_t calls = 0;
    std::int64_t peak_in_flight = 0;
    std::int64_t tokens = 0; // the estimates of the calls admitted
};

struct meter_lease_plan {
    std::int64_t slots = 0;  // 0 when calls in flight are not counted
    std::int64_t tokens = 0; // 0 when tokens are not paced
    bool any() const { return slots > 0 || tokens > 0; }
};

// The lease to take for a call estimated at `estimate` tokens, the key's limits being at `use`
// (0..1, the fuller, as last seen). None (meter the call on its own): leases off, a key seen
// fewer than twice lately, `use` at exact_above or above, or a limit too small for a lease that
// fits the call (a quarter of max_concurrent below one slot, of tokens_per_minute below the
// estimate).
meter_lease_plan plan_meter_lease(meter_limits const& limits, double use, meter_recent const& recent,
                                  std::int64_t estimate, lease_terms const& terms);

struct meter_lease {
    std::int64_t slots = 0;     // held in the store
    std::int64_t tokens = 0;    // held in the store
    std::int64_t in_flight = 0; // calls running from it
    std::int64_t charged = 0;   // tokens its calls hold: the estimate while running, then the usage
    time_point ends{};          // takes calls until then
    bool closed = false;
};

// Whether the open lease admits a call of `estimate` tokens at `now`: a free slot, the tokens.
bool meter_lease_admits(meter_lease const& lease, meter_limits const& limits, std::int64_t estimate,
                        time_point now);
void meter_lease_take(meter_lease& lease, std::int64_t estimate);

// What to add to an open lease that does not admit a call of `estimate` tokens (arguments as
// plan_meter_lease's): slots up to the size a new lease would have, when every slot is taken; a
// new lease's tokens (at least what the call lacks), when they run short. None: the call is
// metered on its own and the lease kept as it is.
meter_lease_plan plan_meter_growth(meter_lease const& lease, meter_limits const& limits, double use,
                                   meter_recent const& recent, std::int64_t estimate, lease_terms const& terms);
void meter_lease_grow(meter_lease& lease, meter_lease_plan const& added);

// What goes back to the store: the slots first_slot..last_slot (members #first..#last; none when
// first > last) and `tokens` (negative: tokens used beyond the estimates, to be counted).
struct meter_give_back {
    std::int64_t first_slot = 1, last_slot = 0;
    std::int64_t tokens = 0;
    bool any() const { return first_slot <= last_slot || tokens != 0; }
};

// Closes the lease: it takes no more calls; the slots and tokens its running calls do not hold
// go back. Afterwards the lease holds exactly its running calls' slots and tokens.
meter_give_back meter_lease_close(meter_lease& lease);
// A call taken from the lease ends having used `used` tokens. Open lease: its slot and tokens stay
// the lease's (nothing goes back). Closed lease: the call's slot (the lease's last) and its
// estimate's difference go back.
meter_give_back meter_lease_end_call(meter_lease& lease, std::int64_t estimate, std::int64_t used);
// Whether nothing is left of it: closed, no call running.
inline bool meter_lease_done(meter_lease const& lease) { return lease.closed && lease.in_flight == 0; }

} // namespace switchboard::domain
