// Sliding-window retry budget.
#include "domain/retry_budget.hpp"

#include <algorithm>

namespace switchboard::domain {

namespace {
std::int64_t second_of(time_point now) {
    return std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
}
} // namespace

retry_budget::bucket& retry_budget::current(time_point now) {
    auto const s = second_of(now);
    auto& b = buckets_[static_cast<std::size_t>(((s % 60) + 60) % 60)];
    if (b.second != s) b = bucket{s, 0, 0};
    return b;
}

void retry_budget::totals(time_point now, std::int64_t& requests, std::int64_t& retries) const {
    auto const s = second_of(now);
    auto const window = std::clamp<std::int64_t>(config_.window.count(), 1, 60);
    requests = retries = 0;
    for (auto const& b : buckets_)
        if (b.second > s - window && b.second <= s) {
            requests += b.requests;
            retries += b.retries;
        }
}

void retry_budget::on_request(time_point now) {
    ++current(now).requests;
}

bool retry_budget::try_spend(time_point now) {
    std::int64_t requests = 0, retries = 0;
    totals(now, requests, retries);
    double const window = static_cast<double>(std::clamp<std::int64_t>(config_.window.count(), 1, 60));
    double const allowed =
        std::max(config_.ratio * static_cast<double>(requests), config_.min_per_second * window);
    if (static_cast<double>(retries) + 1 > allowed) return false;
    ++current(now).retries;
    return true;
}

} // namespace switchboard::domain
