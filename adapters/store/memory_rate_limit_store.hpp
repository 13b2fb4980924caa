#pragma once
// Sliding-window logs in memory, for one instance (and as the local fallback of a shared store).
// A mutex around a map; logs that emptied are swept every few hundred calls. The clock is
// injected so tests control time.
#include "adapters/store/rate_limit_store.hpp"
#include "domain/time.hpp"

#include <deque>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace switchboard::adapters {

class memory_rate_limit_store final : public rate_limit_store {
  public:
    using clock_fn = std::function<domain::time_point()>;
    explicit memory_rate_limit_store(clock_fn clock = [] { return std::chrono::steady_clock::now(); })
        : clock_(std::move(clock)) {}

    net::awaitable<std::vector<window_verdict>> admit(std::vector<limit_window> const& windows) override;

  private:
    std::vector<window_verdict> admit_now(std::vector<limit_window> const& windows);
    struct log {
        std::deque<domain::time_point> admitted;
        domain::duration window{};
    };
    void sweep(domain::time_point now);

    clock_fn clock_;
    std::mutex mutex_;
    std::unordered_map<std::string, log> logs_;
    unsigned calls_ = 0;
};

} // namespace switchboard::adapters
