#pragma once
// Caps retries across the whole process so an outage cannot become a retry storm: over a
// sliding window (default 10 s), retries may be at most `ratio` (20%) of requests, with a floor
// of `min_per_second` (3/s) so a quiet gateway can still retry. Counted in one-second buckets.
// Single-threaded by contract (the adapter shares one instance under a lock).
#include "domain/time.hpp"

#include <array>
#include <cstdint>

namespace switchboard::domain {

struct retry_budget_config {
    double ratio = 0.2;
    double min_per_second = 3;
    seconds window = seconds(10); // at most 60
};

class retry_budget {
  public:
    explicit retry_budget(retry_budget_config config = {}) : config_(config) {}

    void on_request(time_point now);
    // True and counted when a retry fits the budget; false: do not retry.
    bool try_spend(time_point now);

  private:
    struct bucket {
        std::int64_t second = -1;
        std::int64_t requests = 0;
        std::int64_t retries = 0;
    };
    bucket& current(time_point now);
    void totals(time_point now, std::int64_t& requests, std::int64_t& retries) const;

    retry_budget_config config_;
    std::array<bucket, 60> buckets_{};
};

} // namespace switchboard::domain
