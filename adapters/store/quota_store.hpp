#pragma once
// The quota store port: per-subject UTC day/month counters with reservations (domain/quota.hpp).
// A subject is "provider:<name>" or "tenant:<name>"; its windows are the UTC day and month of
// the store's clock (the Redis server's TIME for Redis).
//
// Errors: a networked adapter throws store_unavailable; the memory adapter cannot fail.
// Thread safety: implementations are thread-safe, or owned by one core.
#include "adapters/net.hpp"
#include "domain/quota.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::adapters {

// What to settle later: the windows the reservation was taken in, and its amount.
struct quota_reservation {
    std::string subject;
    std::string day;   // "2026-11-21"
    std::string month; // "2026-11"
    domain::quota_counts charge;
    std::string lease_id; // a remote store's handle on the reservation (empty in memory)
    std::uint64_t from_lease = 0; // the quota lease this call was taken from (leased_quota_store; 0: none)
};

struct quota_verdict {
    bool admitted = false;
    domain::quota_metric exhausted = domain::quota_metric::tokens_per_day; // when refused
    std::int64_t reset_unix = 0; // when the refusing window starts over (Unix seconds)
    std::int64_t counted = 0;    // when refused: used + reserved of the refusing metric before this call
    quota_reservation reservation; // when admitted
    double use = 0; // highest (used + reserved) / limit over the limited metrics after this call
    std::vector<domain::quota_alert> alerts; // thresholds this call crossed first in its window
};

struct quota_snapshot {
    std::string day, month;
    domain::quota_window_state day_state, month_state;
    std::int64_t day_reset_unix = 0, month_reset_unix = 0;
};

class quota_store {
  public:
    virtual ~quota_store() = default;
    // `report_refusal`: whether a refusal reports the refusing metric's thresholds not yet
    // reported (a call's refusal does: the quota is used up for it). A quota lease's refusal does
    // not: the call is then reserved on its own, and that answer reports.
    virtual net::awaitable<quota_verdict> reserve(std::string const& subject, domain::quota_counts charge,
                                                  domain::quota_limits const& limits,
                                                  bool report_refusal = true) = 0;
    // Ends a reservation: `actual` usage of a success moves into `used`; nullopt (failed or
    // cancelled) only gives the reservation back. A window that has already ended is left alone.
    virtual net::awaitable<std::vector<domain::quota_alert>>
    settle(quota_reservation const& reservation, std::optional<domain::quota_counts> actual,
           domain::quota_limits const& limits) = 0;
    virtual net::awaitable<quota_snapshot> snapshot(std::string const& subject) = 0;
    // Whether an answer takes a network round trip (worth taking off the request's path).
    virtual bool remote() const { return false; }

    // The thresholds reported (quotas.alert_thresholds; domain::valid_alert_levels). Set before
    // the store is used.
    void set_alert_levels(std::vector<int> levels) { levels_ = std::move(levels); }

  protected:
    std::vector<int> levels_{domain::alert_thresholds.begin(), domain::alert_thresholds.end()};
};

} // namespace switchboard::adapters
