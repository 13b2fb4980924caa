// In-memory webhook claims and delivery records.
#include "adapters/webhooks/memory_webhook_store.hpp"

#include <algorithm>

namespace switchboard::adapters {

net::awaitable<bool> memory_webhook_store::claim(std::string const& event_id, std::chrono::milliseconds ttl) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    if (claims_.size() >= max_claims_)
        std::erase_if(claims_, [now](auto const& c) { return c.second <= now; });
    if (claims_.size() >= max_claims_) claims_.erase(claims_.begin()); // still full: forget one
    auto [at, fresh] = claims_.try_emplace(event_id, now + ttl.count());
    if (!fresh && at->second <= now) {
        at->second = now + ttl.count();
        fresh = true;
    }
    co_return fresh;
}

net::awaitable<void> memory_webhook_store::save(domain::webhooks::delivery const& d, std::chrono::milliseconds retention) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    deliveries_[d.event_id + " " + d.endpoint] = {d, now + retention.count()};
    std::erase_if(deliveries_, [now](auto const& e) { return e.second.until <= now; });
    while (deliveries_.size() > max_kept_deliveries) {
        auto oldest = std::min_element(deliveries_.begin(), deliveries_.end(), [](auto const& a, auto const& b) {
            return a.second.d.created_unix_ms < b.second.d.created_unix_ms;
        });
        deliveries_.erase(oldest);
    }
    co_return;
}

net::awaitable<std::vector<domain::webhooks::delivery>> memory_webhook_store::recent(std::size_t limit) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    std::vector<domain::webhooks::delivery> out;
    for (auto const& [k, e] : deliveries_)
        if (e.until > now) out.push_back(e.d);
    std::sort(out.begin(), out.end(), [](auto const& a, auto const& b) { return a.created_unix_ms > b.created_unix_ms; });
    if (out.size() > limit) out.resize(limit);
    co_return out;
}

} // namespace switchboard::adapters
