#pragma once
// The webhook store of a single instance: claims and delivery records under a mutex, bounded
// (claims expire; at most max_kept_deliveries records). Thread-safe.
#include "adapters/webhooks/webhook_store.hpp"

#include <functional>
#include <map>
#include <mutex>

namespace switchboard::adapters {

class memory_webhook_store final : public webhook_store {
  public:
    using clock_fn = std::function<std::int64_t()>; // Unix milliseconds
    explicit memory_webhook_store(clock_fn clock, std::size_t max_claims = 100'000)
        : clock_(std::move(clock)), max_claims_(max_claims) {}

    net::awaitable<bool> claim(std::string const& event_id, std::chrono::milliseconds ttl) override;
    net::awaitable<void> save(domain::webhooks::delivery const& d, std::chrono::milliseconds retention) override;
    net::awaitable<std::vector<domain::webhooks::delivery>> recent(std::size_t limit) override;

  private:
    std::mutex mutex_;
    clock_fn clock_;
    std::size_t max_claims_;
    std::map<std::string, std::int64_t> claims_; // event id → until (Unix ms)
    struct kept {
        domain::webhooks::delivery d;
        std::int64_t until = 0;
    };
    std::map<std::string, kept> deliveries_; // by "<event id> <endpoint>"
};

} // namespace switchboard::adapters
