// The client's final error: a fixed order of precedence over what the call saw.
#include "domain/call/final_error.hpp"

#include "domain/calendar.hpp"

#include <algorithm>

namespace switchboard::domain::call {

gateway_error final_error(call_facts const& f) {
    if (f.resume_failure) return client_error(*f.resume_failure, false, f.last_broken);
    if (f.last) return client_error(*f.last, f.out_of_time, f.last_broken);
    if (f.shed)
        return make_error(errc::priority_shed, "Provider capacity is short; calls of priority " +
                                                   std::string(priority_name(f.prio)) +
                                                   " are shed until it recovers");
    if (f.quota_reset) {
        auto e = make_error(errc::quota_exceeded,
                            "Every provider that serves this model has used up its daily quota; it resets at " +
                                day_id(*f.quota_reset) + "T00:00:00Z");
        e.retry_after = seconds(std::max<std::int64_t>(1, *f.quota_reset - f.now_unix));
        return e;
    }
    if (f.quota_unknown) {
        auto e = make_error(errc::store_unavailable, "Provider quotas cannot be checked right now; try again shortly");
        e.retry_after = seconds(1);
        return e;
    }
    if (f.out_of_time) return make_error(errc::timeout, "The request did not complete within its deadline");
    auto e = make_error(errc::circuit_open, "Every provider for this model is temporarily unavailable");
    if (f.earliest_reopen) e.retry_after = *f.earliest_reopen - f.now;
    return e;
}

} // namespace switchboard::domain::call
