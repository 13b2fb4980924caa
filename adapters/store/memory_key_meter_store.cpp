// In-memory key meters.
#include "adapters/store/memory_key_meter_store.hpp"

#include "domain/key_meter.hpp"

#include <chrono>

namespace switchboard::adapters {

std::int64_t memory_key_meter_store::steady_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

net::awaitable<meter_verdict> memory_key_meter_store::acquire(meter_claim const& c) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    auto& m = meters_[c.key_id];
    std::erase_if(m.leases, [now](auto const& l) { return l.second <= now; });
    if (c.max_concurrent > 0 && static_cast<std::int64_t>(m.leases.size()) >= c.max_concurrent)
        co_return meter_verdict{meter_verdict::refusal::calls, std::chrono::seconds(1)};
    auto const pace = domain::pace_tokens(m.tat_us, now, c.tokens, c.tokens_per_minute);
    if (pace.never) co_return meter_verdict{meter_verdict::refusal::never};
    if (!pace.admitted)
        co_return meter_verdict{meter_verdict::refusal::tokens,
                                std::chrono::milliseconds((pace.retry_after_us + 999) / 1000)};
    m.tat_us = pace.tat_us;
    if (c.max_concurrent > 0) m.leases[c.lease] = now + c.lease_for.count() * 1000;
    co_return meter_verdict{};
}

net::awaitable<void> memory_key_meter_store::release(meter_claim const& c, std::int64_t used) {
    std::lock_guard lock(mutex_);
    auto it = meters_.find(c.key_id);
    if (it == meters_.end()) co_return;
    it->second.leases.erase(c.lease);
    it->second.tat_us = domain::repay_tokens(it->second.tat_us, c.tokens, used, c.tokens_per_minute);
    forget_if_idle(it, clock_());
}

void memory_key_meter_store::forget_if_idle(std::map<std::string, meter, std::less<>>::iterator it, std::int64_t now) {
    if (it->second.leases.empty() && it->second.tat_us <= now) meters_.erase(it);
}

std::size_t memory_key_meter_store::size() {
    std::lock_guard lock(mutex_);
    return meters_.size();
}

} // namespace switchboard::adapters
