// Circuit breaker transitions.
#include "domain/breaker.hpp"

#include <algorithm>

namespace switchboard::domain {

breaker_state circuit_breaker::state(time_point now) const {
    if (state_ == breaker_state::open && now - opened_at_ >= config_.open_for)
        return breaker_state::half_open;
    return state_;
}

breaker_admission circuit_breaker::admit(time_point now) {
    if (state_ == breaker_state::open && now - opened_at_ >= config_.open_for) {
        state_ = breaker_state::half_open;
        probes_in_flight_ = 0;
    }
    switch (state_) {
    case breaker_state::closed:
        return breaker_admission::allow;
    case breaker_state::open:
        return breaker_admission::reject;
    case breaker_state::half_open:
        if (probes_in_flight_ >= config_.half_open_probes) return breaker_admission::reject;
        ++probes_in_flight_;
        return breaker_admission::probe;
    }
    return breaker_admission::reject;
}

namespace {
std::int64_t second_of(time_point t) {
    return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}
} // namespace

void circuit_breaker::count(time_point now, bool failed) {
    if (config_.failure_rate <= 0) return;
    auto const s = second_of(now);
    auto& c = recent_[static_cast<std::size_t>(((s % 60) + 60) % 60)];
    if (c.second != s) c = {s, 0, 0};
    ++c.calls;
    c.failures += failed;
}

bool circuit_breaker::rate_exceeded(time_point now) const {
    if (config_.failure_rate <= 0) return false;
    auto const s = second_of(now);
    auto const window = std::clamp<std::int64_t>(config_.window.count(), 1, 60);
    int calls = 0, failures = 0;
    for (auto const& c : recent_)
        if (c.second > s - window && c.second <= s) {
            calls += c.calls;
            failures += c.failures;
        }
    return calls >= config_.min_calls && failures >= config_.failure_rate * calls;
}

void circuit_breaker::on_success(time_point now) {
    if (state_ == breaker_state::closed) count(now, false);
    state_ = breaker_state::closed;
    failures_ = 0;
    probes_in_flight_ = 0;
}

void circuit_breaker::on_failure(time_point now) {
    if (state_ == breaker_state::half_open) return trip(now);
    if (state_ == breaker_state::open) return; // a straggler from before the trip
    count(now, true);
    if (++failures_ >= config_.failure_threshold || rate_exceeded(now)) trip(now);
}

void circuit_breaker::on_neutral(time_point) {
    if (state_ == breaker_state::half_open && probes_in_flight_ > 0) --probes_in_flight_;
}

void circuit_breaker::trip(time_point now) {
    recent_ = {}; // a fresh window after recovery
    state_ = breaker_state::open;
    opened_at_ = now;
    probes_in_flight_ = 0;
}

} // namespace switchboard::domain
