#pragma once
// Quotas on UTC calendar windows, reservation-based. A subject (a provider, a tenant, an API key)
// has limits per UTC day (requests, tokens, dollars) and per UTC month (tokens, dollars, requests);
// 0 means unlimited. Dollars are counted in micro-dollars: integers, exact in every store.
//
// Reservation model: before dispatch a call reserves its estimate (1 request, prompt tokens +
// max_tokens, the dollars those tokens cost at the dearest deployment that may serve it); the
// check is `used + reserved + charge <= limit` for every limited metric, so concurrent calls can
// never overshoot. When the call ends, the reservation is settled: a
// success moves its actual usage into `used`; a failed or cancelled call just gives the
// reservation back. Counters of a window start at zero when the window starts.
//
// Threshold alerts: at 75 %, 90 % and 100 % of each limit (of used + reserved) unless configured
// otherwise (1 to 5 levels), once per window: the window remembers which thresholds it already
// reported in a bit mask (bit metric * max_alert_levels + the level's index). A refused
// reservation counts as 100 % of the refusing limit (reservations never let the count pass it).
#include <array>
#include <span>
#include <cstdint>
#include <string_view>
#include <vector>

namespace switchboard::domain {

struct quota_limits {
    std::int64_t requests_per_day = 0;
    std::int64_t tokens_per_day = 0;
    std::int64_t tokens_per_month = 0;
    std::int64_t micro_usd_per_day = 0;
    std::int64_t micro_usd_per_month = 0;
    std::int64_t requests_per_month = 0; // last: the stores' wire order of metrics
    bool any() const {
        return requests_per_day > 0 || tokens_per_day > 0 || tokens_per_month > 0 || micro_usd_per_day > 0 ||
               micro_usd_per_month > 0 || requests_per_month > 0;
    }
};

struct quota_counts {
    std::int64_t requests = 0;
    std::int64_t tokens = 0;
    std::int64_t micro_usd = 0;
};

// Dollars to the micro-dollars quotas count, rounded up (a reservation never undercounts).
std::int64_t to_micro_usd(double usd);

// One window's counters.
struct quota_window_state {
    quota_counts used;
    quota_counts reserved;
    unsigned alerted = 0; // bit (metric * 3 + threshold index) once reported
};

// The order is the stores' wire format (Redis scripts return the metric's number).
enum class quota_metric { requests_per_day, tokens_per_day, tokens_per_month, usd_per_day, usd_per_month, requests_per_month };
std::string_view metric_name(quota_metric m);
constexpr std::array<int, 3> alert_thresholds{75, 90, 100};
inline constexpr std::size_t max_alert_levels = 5;
// Whether `levels` can be alert thresholds: 1 to 5 percentages in 1..100, strictly ascending.
bool valid_alert_levels(std::span<int const> levels);

// Where each metric is counted: its window (day or month), its counter and its limit.
struct metric_slot {
    quota_metric metric;
    bool monthly;
    std::int64_t quota_counts::*counter;
    std::int64_t quota_limits::*limit;
};
inline constexpr std::array<metric_slot, 6> quota_metrics{{
    {quota_metric::requests_per_day, false, &quota_counts::requests, &quota_limits::requests_per_day},
    {quota_metric::tokens_per_day, false, &quota_counts::tokens, &quota_limits::tokens_per_day},
    {quota_metric::tokens_per_month, true, &quota_counts::tokens, &quota_limits::tokens_per_month},
    {quota_metric::usd_per_day, false, &quota_counts::micro_usd, &quota_limits::micro_usd_per_day},
    {quota_metric::usd_per_month, true, &quota_counts::micro_usd, &quota_limits::micro_usd_per_month},
    {quota_metric::requests_per_month, true, &quota_counts::requests, &quota_limits::requests_per_month},
}};
metric_slot const& slot_of(quota_metric m);

struct quota_check {
    bool admitted = true;
    quota_metric exhausted = quota_metric::tokens_per_day; // the first limit that refused
};

// Whether `charge` fits both windows' used + reserved under `limits`.
quota_check check_quota(quota_window_state const& day, quota_window_state const& month, quota_counts charge,
                        quota_limits const& limits);

struct quota_alert {
    quota_metric metric;
    int percent = 0;         // 75, 90 or 100
    std::int64_t counted = 0; // used + reserved when crossed
    std::int64_t limit = 0;
};

// Thresholds of `metric` that `counted` has reached and `alerted` has not reported yet; marks
// them reported.
std::vector<quota_alert> crossed_thresholds(quota_metric metric, std::int64_t counted, std::int64_t limit,
                                            unsigned& alerted, std::span<int const> levels = alert_thresholds);

// Highest (used + reserved) / limit over the limited metrics (0 when nothing is limited).
double quota_use(quota_window_state const& day, quota_window_state const& month, quota_limits const& limits);

// Every threshold the windows' counts have reached and not reported yet (marked reported).
std::vector<quota_alert> window_alerts(quota_window_state& day, quota_window_state& month, quota_limits const& limits,
                                       std::span<int const> levels = alert_thresholds);

// Applies `delta` to `state.reserved` / `state.used`, never below zero.
void add_counts(quota_counts& target, quota_counts delta);

} // namespace switchboard::domain
