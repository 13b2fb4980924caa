// Outbound throttling with AIMD.
#include "domain/throttle.hpp"

#include <algorithm>

namespace switchboard::domain {

namespace {
constexpr double min_factor = 0.1;
constexpr double increase_step = 0.05;
} // namespace

deployment_throttle::deployment_throttle(throttle_config config, time_point now) : config_(config) {
    if (config_.requests_per_minute > 0) {
        double const per_second = config_.requests_per_minute / 60.0;
        requests_.emplace(std::max(1.0, per_second * config_.burst_seconds), per_second, now);
    }
    if (config_.tokens_per_minute > 0) {
        double const per_second = config_.tokens_per_minute / 60.0;
        tokens_.emplace(std::max(1.0, per_second * config_.burst_seconds), per_second, now);
    }
}

throttle_decision deployment_throttle::acquire(double tokens, time_point now) {
    if (config_.max_concurrent > 0 && in_flight_ >= config_.max_concurrent) return {false, concurrency_poll};
    duration wait = duration::zero();
    if (requests_) wait = std::max(wait, requests_->time_until(1, now));
    if (tokens_) wait = std::max(wait, tokens_->time_until(tokens, now));
    if (wait > duration::zero()) return {false, wait};
    if (requests_) requests_->try_take(1, now);
    if (tokens_) tokens_->try_take(tokens, now);
    ++in_flight_;
    return {true, duration::zero()};
}

void deployment_throttle::release() {
    if (in_flight_ > 0) --in_flight_;
}

void deployment_throttle::apply_factor(time_point now) {
    if (requests_) requests_->set_rate(factor_ * config_.requests_per_minute / 60.0, now);
    if (tokens_) tokens_->set_rate(factor_ * config_.tokens_per_minute / 60.0, now);
}

void deployment_throttle::on_throttled(time_point now) {
    factor_ = std::max(min_factor, factor_ * 0.5);
    apply_factor(now);
}

void deployment_throttle::on_success(time_point now) {
    if (factor_ >= 1.0) return;
    factor_ = std::min(1.0, factor_ + increase_step);
    apply_factor(now);
}

} // namespace switchboard::domain
