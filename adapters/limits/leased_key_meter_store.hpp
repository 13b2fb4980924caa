#pragma once
// A key meter store that meters most of a busy key's calls from meter leases
// (domain/meter_lease.hpp, where the semantics are): for each key (and its limits) this core
// holds at most one open lease, slots and tokens taken from the shared store for several calls;
// a call admitted from it, and its release, cost no round trip. A lease grows when a call finds
// it full, and takes calls for a hold; then what its calls do not hold goes back at once, and
// each call still running gives back its own when it ends. A key is leased once it calls a few times per hold on
// this core, and only while a lease leaves each limit below exact_above (the store checks it);
// otherwise its calls are metered one by one as without leases. Calls arriving while a lease is
// being taken wait for it.
//
// Errors: the shared store's store_unavailable, from acquire() and from the release of a call
// that outlived its lease. A give-back in the background is retried while the store is
// unavailable (retry_later), then dropped with `meter_give_back_lost` logged: the slots end by
// themselves after the call lease's length, the tokens stay counted (tighter for a minute, never
// looser). A lease whose reply never came gives back the slots it may hold the same way.
// Thread safety: one per core, used from its thread only; the shared store is that core's.
#include "adapters/store/key_meter_store.hpp"
#include "adapters/store/lease_counters.hpp"
#include "domain/meter_lease.hpp"

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace switchboard::adapters {

class leased_key_meter_store final : public key_meter_store, public lease_holder {
  public:
    using steady_clock_fn = std::function<domain::time_point()>;
    // `shared` and `leases` are the same store (the Redis one); `executor` is this core's. At most
    // `max_subjects` keys are followed at once; past that, a new key's calls are metered one by one.
    leased_key_meter_store(net::any_io_executor executor, key_meter_store& shared, meter_lease_store& leases,
                           domain::lease_terms terms, steady_clock_fn steady = nullptr,
                           std::size_t max_subjects = 100'000);

    net::awaitable<meter_verdict> acquire(meter_claim const& claim) override;
    net::awaitable<void> release(meter_claim const& claim, std::int64_t used) override;
    net::awaitable<void> abandon(meter_claim const& claim) override { return shared_.abandon(claim); }
    bool remote() const override { return shared_.remote(); }

    // close_all returns once what the open leases hold for no call is given back.
    net::awaitable<void> flush() override;
    net::awaitable<void> close_all() override;
    lease_counters const& counts() const override { return counts_; }
    std::size_t leases_held() const { return leases_.size(); }

  private:
    struct held_lease {
        domain::meter_lease lease;
        meter_claim claim; // the key, its limits and the lease's member prefix
        std::string subject;
    };
    struct subject_state {
        std::uint64_t open = 0;                     // the lease taking calls (0: none)
        std::shared_ptr<net::steady_timer> opening; // cancelled when the lease being taken is in
        double use = 0;                             // from the store's last answer to a lease
        domain::time_point use_seen{};
        std::int64_t in_flight = 0;                 // this core's calls of the key running
        domain::meter_recent this_hold, last_hold;
        domain::time_point hold_ends{};
    };

    subject_state& note_call(std::string const& subject, std::int64_t estimate);
    void note_admitted(subject_state& s);
    void note_ended(std::string const& subject);
    domain::meter_recent recent(subject_state const& s) const;
    net::awaitable<bool> take_lease(std::string const& subject, meter_claim const& claim, domain::meter_lease_plan plan,
                                    std::uint64_t serial);
    // Stops the lease taking calls; what its calls do not hold goes back in the background.
    void close(std::uint64_t serial);
    void give_back_later(meter_claim claim, domain::meter_give_back back);

    net::any_io_executor executor_;
    key_meter_store& shared_;
    meter_lease_store& leases_store_;
    domain::lease_terms terms_;
    steady_clock_fn steady_;
    std::size_t max_subjects_;
    std::map<std::string, subject_state, std::less<>> subjects_;
    std::unordered_map<std::uint64_t, held_lease> leases_;
    std::uint64_t next_serial_ = 0;
    lease_counters counts_;
};

} // namespace switchboard::adapters
