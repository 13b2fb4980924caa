#pragma once
// Key meters in memory: one instance's (and a shared store's local fallback).
#include "adapters/store/key_meter_store.hpp"

#include <functional>
#include <map>
#include <mutex>

namespace switchboard::adapters {

class memory_key_meter_store final : public key_meter_store {
  public:
    using clock_fn = std::function<std::int64_t()>; // microseconds
    explicit memory_key_meter_store(clock_fn clock = steady_micros) : clock_(std::move(clock)) {}
    static std::int64_t steady_micros();

    net::awaitable<meter_verdict> acquire(meter_claim const& claim) override;
    net::awaitable<void> release(meter_claim const& claim, std::int64_t used) override;
    std::size_t size();

  private:
    struct meter {
        std::int64_t tat_us = 0;
        std::map<std::string, std::int64_t, std::less<>> leases; // id → end (µs)
    };
    void forget_if_idle(std::map<std::string, meter, std::less<>>::iterator it, std::int64_t now);

    clock_fn clock_;
    std::mutex mutex_;
    std::map<std::string, meter, std::less<>> meters_; // by key id: keys are few (made by admins)
};

} // namespace switchboard::adapters
