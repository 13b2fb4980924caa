#pragma once
// The one error a client hears of when no deployment served its call, from what the call saw.
#include "domain/attempt_outcome.hpp"
#include "domain/boxed.hpp"
#include "domain/budget.hpp"

#include <cstdint>
#include <optional>

namespace switchboard::domain::call {

// (The attempts' errors are boxed: a call's facts live as long as its stream, and are set only
// when an attempt fails.)
struct call_facts {
    boxed<attempt_error> last;                   // the latest failed attempt
    broken_deployment_statuses last_broken;      // its provider's broken-deployment statuses
    boxed<attempt_error> resume_failure;         // streams: the failure after content began
    bool stopped = false;                        // the failure was the client's own, or the client left
    bool out_of_time = false;                    // the deadline passed
    bool shed = false;                           // a deployment had no capacity this priority could wait for
    std::optional<std::int64_t> quota_reset;     // earliest reset of providers skipped for quota (Unix s)
    std::int64_t now_unix = 0;                   // when that was seen
    bool quota_unknown = false;                  // a provider was skipped: its quota store was down
    std::optional<time_point> earliest_reopen;   // of deployments skipped unattempted
    time_point now{};
    priority prio = priority::p1;
};

// In order: the failure that cut a stream the client already partly has; the latest attempt's
// failure (or `timeout` when the deadline passed); shedding; every provider's quota used up (with
// its reset time); quotas that could not be checked; the deadline; else every deployment shut off
// (breaker or cooldown), with when the first one reopens.
gateway_error final_error(call_facts const& f);

} // namespace switchboard::domain::call
