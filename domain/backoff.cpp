// Backoff delays and same-deployment retry eligibility.
#include "domain/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::domain {

duration backoff_delay(retry_config const& c, int retry, double unit_random) {
    double const ceiling =
        std::min(static_cast<double>(c.backoff_cap.count()),
                 static_cast<double>(c.backoff_base.count()) * std::pow(2.0, std::max(retry, 0)));
    double const r = std::clamp(unit_random, 0.0, 1.0);
    return duration(static_cast<duration::rep>(ceiling * r));
}

bool retry_same_deployment(attempt_error const& e) {
    switch (e.kind) {
    case attempt_failure::connect_failed:
    case attempt_failure::reset:
    case attempt_failure::bad_response:
        return true;
    case attempt_failure::timeout:
    case attempt_failure::unsupported:
        return false;
    case attempt_failure::upstream_status:
        return e.status == 429 || e.status >= 500;
    }
    return false;
}

} // namespace switchboard::domain
