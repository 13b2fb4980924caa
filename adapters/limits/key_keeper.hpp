#pragma once
// An API key's own limits around a call (domain/auth/key_limits.hpp): its tokens per minute and
// calls in flight (the key meter), and its budget per UTC day/month (a quota of subject
// "key:<id>", kept by the quota keeper). reserve() takes all of them or none; settle() ends what
// it took: the lease is freed, unused tokens come back, the budget is charged the call's usage.
// The meter and the budget are asked at once, so each costs the call one store round trip in all.
//
// Store failure: as the quota policy says. fail_open meters the key on this instance's own store
// with its limits scaled by `local_fraction` (calls in flight: at least 1); fail_closed refuses
// (store_unavailable, 503).
// Thread safety: one keeper per core; the stores are thread-safe.
#include "adapters/limits/quota_keeper.hpp"
#include "adapters/store/key_meter_store.hpp"
#include "domain/auth/key_limits.hpp"

namespace switchboard::adapters {

struct key_hold {
    std::optional<meter_claim> meter;
    bool meter_local = false;
    std::optional<quota_hold> budget;
};

struct key_meter_policy {
    key_meter_store* shared = nullptr;
    key_meter_store* local = nullptr; // null: no local share (fail_open lets the call through)
    double local_fraction = 0.2;
    domain::fail_mode on_store_error = domain::fail_mode::open;
    std::chrono::milliseconds lease{120'000}; // longer than any call runs
};

class key_keeper {
  public:
    // `executor`: this core's, where a claim lost to a store failure is abandoned in the background.
    key_keeper(net::any_io_executor executor, key_meter_policy policy, quota_keeper& quotas,
               std::atomic<long>* fallbacks)
        : executor_(std::move(executor)), policy_(policy), quotas_(quotas), fallbacks_(fallbacks) {}

    // Errors: rate_limit_exceeded (tokens per minute, calls in flight; Retry-After),
    // quota_exceeded (the budget; Retry-After until its window resets), store_unavailable.
    net::awaitable<domain::result<key_hold>> reserve(std::string const& key_id, domain::key_limits const& limits,
                                                     domain::quota_counts estimate);
    // `actual`: a served call's usage; nullopt gives everything back.
    net::awaitable<void> settle(key_hold hold, std::optional<domain::quota_counts> actual);
    // Whether settling waits on a network round trip.
    bool remote() const { return policy_.shared && policy_.shared->remote(); }

  private:
    net::awaitable<std::optional<domain::gateway_error>> acquire(meter_claim& claim, bool& local);
    net::awaitable<void> claim_meter(meter_claim claim, key_hold& hold, std::optional<domain::gateway_error>& refused);
    net::awaitable<void> reserve_budget(std::string const& key_id, domain::quota_limits const& limits,
                                        domain::quota_counts estimate, key_hold& hold,
                                        std::optional<domain::gateway_error>& refused);
    net::awaitable<void> release_meter(meter_claim claim, bool local, std::int64_t used);
    void abandon_later(meter_claim const& claim);

    net::any_io_executor executor_;
    key_meter_policy policy_;
    quota_keeper& quotas_;
    std::atomic<long>* fallbacks_;
};

} // namespace switchboard::adapters
