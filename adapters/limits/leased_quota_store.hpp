#pragma once
// A quota store that admits most calls from quota leases (domain/quota_lease.hpp, where the
// semantics are): for each subject this core holds at most one open lease, a reservation made in
// the shared store for several calls at once; calls that fit it are admitted here, without a
// round trip. A call that does not fit opens a new lease (the old one takes no more calls; calls
// that arrive while it is being reserved wait for it rather than reserve alone). A
// lease is closed once it has been held `terms.hold` and settled into the shared store with
// what its calls used when its last call ends. Where a lease is not worth it (domain::lease_size)
// or the store refuses one, the call is reserved on its own, exactly as without leases.
//
// Errors: the shared store's store_unavailable, from reserve() only; a lease's settlement the
// store cannot take is retried in the background (settle_later).
// Thread safety: one per core, used from its thread only; the shared store is that core's.
#include "adapters/store/lease_counters.hpp"
#include "adapters/store/quota_store.hpp"
#include "domain/quota_lease.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

namespace switchboard::adapters {

class leased_quota_store final : public quota_store, public lease_holder {
  public:
    using steady_clock_fn = std::function<domain::time_point()>;
    using wall_clock_fn = std::function<std::int64_t()>; // Unix seconds: which UTC day a lease is in
    // `executor`: this core's, where a lease closed by a call is settled in the background. At
    // most `max_subjects` subjects are followed at once (a tenant id can come from a client);
    // past that, a new subject's calls are reserved one by one.
    leased_quota_store(net::any_io_executor executor, quota_store& shared, domain::lease_terms terms,
                       steady_clock_fn steady = nullptr, wall_clock_fn wall = nullptr,
                       std::size_t max_subjects = 100'000);

    net::awaitable<quota_verdict> reserve(std::string const& subject, domain::quota_counts charge,
                                          domain::quota_limits const& limits,
                                          bool report_refusal = true) override;
    net::awaitable<std::vector<domain::quota_alert>> settle(quota_reservation const& reservation,
                                                            std::optional<domain::quota_counts> actual,
                                                            domain::quota_limits const& limits) override;
    net::awaitable<quota_snapshot> snapshot(std::string const& subject) override;
    bool remote() const override { return shared_.remote(); }

    // flush: settles the closed leases with no call in flight and shrinks the others to their
    // calls in flight. close_all: settles those with no call in flight.
    net::awaitable<void> flush() override;
    net::awaitable<void> close_all() override;
    lease_counters const& counts() const override { return counts_; }
    std::size_t leases_held() const { return leases_.size(); }

  private:
    struct held_lease {
        domain::quota_lease lease;
        quota_reservation reservation; // the lease's own, in the shared store
        domain::quota_limits limits;
        std::int64_t day_end = 0; // the next UTC day's first second when it opened: it takes no call of another day
        bool shrinking = false;   // its reservation is being replaced (shrink): not settled meanwhile
        bool shrunk = false;
    };
    struct subject_state {
        std::uint64_t open = 0; // the open lease's id (0: none)
        double use = 0;         // the quota's use in the store's last answer (kept: at exact_above, calls go alone)
        // While a lease is being reserved: cancelled when it is in (the subject's other calls
        // wait on it rather than each reserve alone).
        std::shared_ptr<net::steady_timer> opening;
        domain::time_point seen{}; // its latest call
    };

    // Takes `charge` from the subject's open lease if it fits; closes the lease when it has been
    // held long enough or is of another day. nullopt: the call was not taken.
    std::optional<quota_verdict> take_from_lease(std::string const& subject, subject_state& s,
                                                 domain::quota_counts charge);
    net::awaitable<std::optional<quota_verdict>> open_lease(std::string const& subject, domain::quota_counts lease,
                                                            domain::quota_counts charge,
                                                            domain::quota_limits const& limits);
    void close(std::uint64_t id);
    // Settles a done lease into the shared store and forgets it; its alerts.
    net::awaitable<std::vector<domain::quota_alert>> settle_lease(std::uint64_t id);
    // Settles the done leases in the background (none waits on it).
    void settle_done_later(std::uint64_t id);
    // Replaces a closed lease's reservation by one for its calls in flight alone, and settles what
    // its ended calls used: the room nobody will use goes back now, not when its last call ends.
    // Kept as it is if the store cannot take the smaller reservation.
    net::awaitable<void> shrink(std::uint64_t id);

    net::any_io_executor executor_;
    quota_store& shared_;
    domain::lease_terms terms_;
    steady_clock_fn steady_;
    wall_clock_fn wall_;
    std::size_t max_subjects_;
    std::uint64_t next_id_ = 1;
    std::map<std::string, subject_state, std::less<>> subjects_;
    std::unordered_map<std::uint64_t, held_lease> leases_;
    lease_counters counts_;
};

} // namespace switchboard::adapters
