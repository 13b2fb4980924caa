// Circuit breaker transitions.
#include "domain/breaker.hpp"

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

void circuit_breaker::on_success(time_point) {
    state_ = breaker_state::closed;
    failures_ = 0;
    probes_in_flight_ = 0;
}

void circuit_breaker::on_failure(time_point now) {
    if (state_ == breaker_state::half_open) return trip(now);
    if (state_ == breaker_state::open) return; // a straggler from before the trip
    if (++failures_ >= config_.failure_threshold) trip(now);
}

void circuit_breaker::on_neutral(time_point) {
    if (state_ == breaker_state::half_open && probes_in_flight_ > 0) --probes_in_flight_;
}

void circuit_breaker::trip(time_point now) {
    state_ = breaker_state::open;
    opened_at_ = now;
    probes_in_flight_ = 0;
}

} // namespace switchboard::domain
