// Continuous-refill token bucket.
#include "domain/token_bucket.hpp"

#include <algorithm>

namespace switchboard::domain {

void token_bucket::refill(time_point now) {
    if (now <= last_) return;
    double const elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(capacity_, tokens_ + elapsed * rate_);
    last_ = now;
}

bool token_bucket::try_take(double n, time_point now) {
    refill(now);
    if (tokens_ + 1e-9 < std::min(n, capacity_)) return false;
    tokens_ -= std::min(n, capacity_);
    return true;
}

duration token_bucket::time_until(double n, time_point now) {
    refill(now);
    double const missing = std::min(n, capacity_) - tokens_;
    if (missing <= 0) return duration::zero();
    if (rate_ <= 0) return std::chrono::hours(24);
    return std::chrono::duration_cast<duration>(std::chrono::duration<double>(missing / rate_));
}

void token_bucket::set_rate(double rate_per_second, time_point now) {
    refill(now);
    rate_ = rate_per_second;
}

double token_bucket::tokens(time_point now) {
    refill(now);
    return tokens_;
}

} // namespace switchboard::domain
