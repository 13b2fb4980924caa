// Mode transitions with hysteresis, and the actions of each mode.
#include "domain/degraded_mode.hpp"

namespace switchboard::domain {

std::string_view mode_name(gateway_mode m) {
    switch (m) {
    case gateway_mode::normal:
        return "normal";
    case gateway_mode::degraded:
        return "degraded";
    case gateway_mode::critical:
        return "critical";
    }
    return "normal";
}

namespace {
bool any_at_or_above(mode_signals const& s, mode_signals const& t, double scale) {
    return s.provider_429_rate >= t.provider_429_rate * scale ||
           s.open_breaker_share >= t.open_breaker_share * scale || s.queued_calls >= t.queued_calls * scale ||
           s.quota_use >= t.quota_use * scale;
}
} // namespace

gateway_mode degraded_mode::update(mode_signals const& s, time_point now) {
    gateway_mode target = gateway_mode::normal;
    if (any_at_or_above(s, t_.critical, 1.0))
        target = gateway_mode::critical;
    else if (any_at_or_above(s, t_.degraded, 1.0))
        target = gateway_mode::degraded;

    if (target > mode_) { // escalate at once
        mode_ = target;
        calm_ = false;
        return mode_;
    }
    if (mode_ == gateway_mode::normal) return mode_;
    // Step down one level only after a calm period below the current level's exit thresholds.
    auto const& entry = mode_ == gateway_mode::critical ? t_.critical : t_.degraded;
    if (any_at_or_above(s, entry, t_.exit_ratio)) {
        calm_ = false;
        return mode_;
    }
    if (!calm_) {
        calm_ = true;
        calm_since_ = now;
    } else if (now - calm_since_ >= t_.calm_for) {
        mode_ = mode_ == gateway_mode::critical ? gateway_mode::degraded : gateway_mode::normal;
        calm_since_ = now; // the next level down needs its own calm period
    }
    return mode_;
}

mode_actions actions_for(gateway_mode m, priority p) {
    if (p == priority::p0 || m == gateway_mode::normal) return {};
    mode_actions a;
    a.max_tokens_factor = 0.5;
    a.cheapest_first = true;
    if (m == gateway_mode::degraded) {
        a.shed = p == priority::p3;
    } else { // critical
        a.shed = p == priority::p3 || p == priority::p2;
        a.cheapest_only = p == priority::p1;
    }
    return a;
}

} // namespace switchboard::domain
