// Breaker plus provider-requested cooldown.
#include "domain/deployment_health.hpp"

#include <algorithm>

namespace switchboard::domain {

call_result classify(attempt_error const& e, broken_deployment_statuses const& broken) {
    switch (e.kind) {
    case attempt_failure::connect_failed:
    case attempt_failure::reset:
    case attempt_failure::timeout:
    case attempt_failure::bad_response:
        return call_result::failure;
    case attempt_failure::unsupported:
        return call_result::neutral;
    case attempt_failure::upstream_status:
        break;
    }
    if (e.status == 429) return call_result::throttled;
    if (e.status >= 500 || e.status == 408 || broken.covers(e)) return call_result::failure;
    return call_result::neutral;
}

breaker_admission deployment_health::admit(time_point now) {
    if (now < cooldown_until_) return breaker_admission::reject;
    return breaker_.admit(now);
}

bool deployment_health::available(time_point now) const {
    return now >= cooldown_until_ && breaker_.state(now) != breaker_state::open;
}

time_point deployment_health::available_at(time_point now) const {
    time_point at = std::max(now, cooldown_until_);
    if (breaker_.state(now) == breaker_state::open) at = std::max(at, breaker_.reopens_at());
    return at;
}

void deployment_health::on_result(call_result result, time_point now, std::optional<duration> retry_after) {
    if (retry_after && now + *retry_after > cooldown_until_) cooldown_until_ = now + *retry_after;
    switch (result) {
    case call_result::success:
        breaker_.on_success(now);
        break;
    case call_result::failure:
        breaker_.on_failure(now);
        break;
    case call_result::throttled:
    case call_result::neutral:
        breaker_.on_neutral(now);
        break;
    }
}

} // namespace switchboard::domain
