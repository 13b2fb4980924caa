// The store link's transitions.
#include "domain/store_link.hpp"

#include <algorithm>

namespace switchboard::domain {

link_action link_machine::connect(time_point now) {
    state_ = link_state::connecting;
    return {.what = link_action::kind::connect, .deadline = now + config_.connect_timeout};
}

link_action link_machine::start(time_point now) {
    if (state_ == link_state::stopped) return {};
    return connect(now);
}

link_action link_machine::on_transport_open() {
    if (state_ == link_state::stopped) return {};
    state_ = link_state::handshake;
    return {.what = link_action::kind::connect}; // the handshake, under the same deadline
}

link_action link_machine::on_handshake_done() {
    if (state_ == link_state::stopped) return {};
    state_ = link_state::ready;
    suspect_ = false;
    outage_reported_ = false;
    backoff_ = config_.first_backoff;
    return {.what = link_action::kind::serve, .report_connected = true};
}

link_action link_machine::on_connect_failed(time_point now, double draw) {
    if (state_ == link_state::stopped) return {};
    state_ = link_state::down;
    // Full jitter over the upper half: uniform in [backoff/2, backoff].
    auto const half = backoff_ / 2;
    auto const jittered = half + duration(static_cast<duration::rep>(
                                     static_cast<double>((backoff_ - half).count()) * std::clamp(draw, 0.0, 1.0)));
    backoff_ = std::min(backoff_ * 2, config_.max_backoff);
    link_action a{.what = link_action::kind::sleep, .until = now + jittered};
    a.report_unreachable = !outage_reported_;
    outage_reported_ = true;
    return a;
}

link_action link_machine::on_woke(time_point now) {
    if (state_ == link_state::stopped) return {};
    return connect(now);
}

bool link_machine::lose() {
    bool const was_ready = state_ == link_state::ready;
    if (state_ != link_state::stopped) state_ = link_state::down;
    suspect_ = false;
    return was_ready;
}

link_action link_machine::on_lost_wait_over(time_point now) {
    if (state_ == link_state::stopped) return {};
    return connect(now); // a link that was up reconnects at once; failures then back off
}

call_verdict link_machine::admit_call(bool internal) const {
    if (state_ == link_state::ready) return suspect_ ? call_verdict::not_answering : call_verdict::go;
    if (internal && state_ == link_state::handshake) return call_verdict::go;
    return call_verdict::not_connected;
}

bool link_machine::stalled(time_point oldest_sent, time_point now) const {
    return state_ == link_state::ready && oldest_sent + config_.stall_timeout <= now;
}

} // namespace switchboard::domain
