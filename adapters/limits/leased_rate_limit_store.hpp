#pragma once
// A rate-limit store that admits most calls from rate-limit leases (domain/window_lease.hpp,
// where the semantics are): for each set of windows a caller is counted in, this core holds at
// most one lease, admissions recorded in the shared store for several calls at once; calls it
// admits cost no round trip. A lease ends at its hold or when used up, and its unused
// admissions are given back. A subject is leased once it calls a few times per hold on this core;
// until then, and from exact_above of a limit, its calls are admitted one by one as without
// leases. Calls arriving while a lease is being taken wait for it.
//
// Errors: the shared store's store_unavailable, from admit() only; a give-back the store cannot
// take is dropped (the admissions then leave their windows with them: the limit is tighter for
// one window's length, never looser).
// Thread safety: one per core, used from its thread only; the shared store is that core's.
#include "adapters/store/lease_counters.hpp"
#include "adapters/store/rate_limit_store.hpp"
#include "domain/window_lease.hpp"

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace switchboard::adapters {

class leased_rate_limit_store final : public rate_limit_store, public lease_holder {
  public:
    using steady_clock_fn = std::function<domain::time_point()>;
    // `shared` and `leases` are the same store (the Redis one); `executor` is this core's. At most
    // `max_subjects` callers are followed at once (callers are chosen by clients: a flood of
    // addresses must not grow memory); past that, a new caller's calls are admitted one by one.
    leased_rate_limit_store(net::any_io_executor executor, rate_limit_store& shared, window_lease_store& leases,
                            domain::lease_terms terms, steady_clock_fn steady = nullptr,
                            std::size_t max_subjects = 100'000);

    net::awaitable<std::vector<window_verdict>> admit(std::vector<limit_window> const& windows) override;
    bool remote() const override { return shared_.remote(); }

    // flush and close_all give back the admissions the leases ended did not use.
    net::awaitable<void> flush() override;
    net::awaitable<void> close_all() override;
    lease_counters const& counts() const override { return counts_; }
    std::size_t leases_held() const;

  private:
    struct held_lease {
        domain::window_lease lease;
        std::string member;
        std::vector<limit_window> windows;
        std::vector<window_verdict> verdicts; // the store's, after the lease's admissions
    };
    struct subject_state {
        std::optional<held_lease> lease;
        std::shared_ptr<net::steady_timer> opening; // cancelled when the lease being taken is in
        double use = 0;                             // the fullest window's, as last seen
        std::int64_t this_hold = 0, last_hold = 0;  // calls seen in the current and the previous hold
        domain::time_point hold_ends{};
    };

    void count_call(subject_state& s, domain::time_point now);
    std::vector<window_verdict> take(held_lease& held);
    net::awaitable<bool> open_lease(std::string const& subject, std::vector<limit_window> const& windows,
                                    domain::window_lease_plan plan);
    // Ends a lease: its unused admissions go back in the background.
    void end(held_lease held);

    net::any_io_executor executor_;
    rate_limit_store& shared_;
    window_lease_store& leases_;
    domain::lease_terms terms_;
    steady_clock_fn steady_;
    std::size_t max_subjects_;
    std::map<std::string, subject_state, std::less<>> subjects_;
    lease_counters counts_;
};

} // namespace switchboard::adapters
