#pragma once
// Quota windows in memory, for one instance (and as the local fallback of a shared store). A
// subject's windows start over when the injected wall clock enters a new UTC day / month.
#include "adapters/store/quota_store.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>

namespace switchboard::adapters {

class memory_quota_store final : public quota_store {
  public:
    using clock_fn = std::function<std::int64_t()>; // Unix seconds
    // At most `max_subjects` subjects are kept (tenant ids come from clients): when full, the
    // tenth least recently used are forgotten (their windows start over if they come back).
    explicit memory_quota_store(clock_fn clock = system_seconds, std::size_t max_subjects = 100'000)
        : clock_(std::move(clock)), max_subjects_(std::max<std::size_t>(1, max_subjects)) {}
    static std::int64_t system_seconds();

    net::awaitable<quota_verdict> reserve(std::string const& subject, domain::quota_counts charge,
                                          domain::quota_limits const& limits,
                                          bool report_refusal = true) override;
    net::awaitable<std::vector<domain::quota_alert>> settle(quota_reservation const& reservation,
                                                            std::optional<domain::quota_counts> actual,
                                                            domain::quota_limits const& limits) override;
    net::awaitable<quota_snapshot> snapshot(std::string const& subject) override;

    // Forgets subjects whose windows have all ended (their month is over): tenants seen once do
    // not stay in memory for ever. Returns how many were dropped.
    std::size_t prune();
    std::size_t size();

  private:
    struct subject_windows {
        std::string day, month;
        domain::quota_window_state day_state, month_state;
        std::uint64_t last_used = 0; // a use counter, for the least-recently-used bound
    };
    // The subject's windows, started over if the clock left them.
    subject_windows& current(std::string const& subject, std::int64_t now);

    clock_fn clock_;
    std::size_t max_subjects_;
    std::uint64_t uses_ = 0;
    std::mutex mutex_;
    std::map<std::string, subject_windows, std::less<>> subjects_;
};

} // namespace switchboard::adapters
