#pragma once
// Quotas around a call: the tenant's UTC day/month token quota before dispatch, each provider's
// daily request/token quota before an attempt on it, settlement when the call ends, threshold
// alerts as structured log events, and the report of GET /api/v1/quotas.
//
// Store failure: `fail_open` (default) counts on the local per-instance store with limits
// scaled by `local_fraction`; `fail_closed` refuses (store_unavailable, 503). A settlement the
// store cannot take now is retried in the background (200 ms, 1 s, 5 s) before the reservation
// is left to expire with its window.
// Thread safety: one keeper per core; `fallbacks` is atomic.
#include "adapters/store/quota_store.hpp"
#include "adapters/webhooks/event_sink.hpp"
#include "domain/errors.hpp"
#include "domain/rate_limit.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <map>
#include <optional>

namespace switchboard::adapters {

struct quota_policy {
    std::map<std::string, domain::quota_limits, std::less<>> providers;
    // Per tenant; "default" applies to every tenant not listed.
    std::map<std::string, domain::quota_limits, std::less<>> tenants{
        {"default", domain::quota_limits{0, 50'000, 1'000'000}}};
    domain::fail_mode on_store_error = domain::fail_mode::open;
    // The thresholds reported, in percent of a limit (domain::valid_alert_levels).
    std::vector<int> alert_thresholds{domain::alert_thresholds.begin(), domain::alert_thresholds.end()};
};

struct quota_hold {
    quota_reservation reservation;
    domain::quota_limits limits;
    bool local = false; // taken on the local fallback store
    double use = 0;     // the subject's quota use after this reservation, 0..1 (tightest window)
};

class quota_keeper {
  public:
    quota_keeper(quota_policy const& policy, quota_store& shared, quota_store* local_fallback,
                 double local_fraction, std::atomic<long>* fallbacks)
        : policy_(policy), shared_(shared), local_(local_fallback), fraction_(local_fraction),
          fallbacks_(fallbacks) {}

    // nullopt hold: the tenant has no quota. Errors: quota_exceeded (Retry-After = until the
    // window resets) or store_unavailable.
    // Tenant quotas count tokens and dollars, not requests: the call's estimate is reserved.
    net::awaitable<domain::result<std::optional<quota_hold>>> reserve_tenant(std::string const& tenant,
                                                                            domain::quota_counts charge);
    // The same for an API key's own budget (subject "key:<id>"; its limits come with its grant).
    net::awaitable<domain::result<std::optional<quota_hold>>>
    reserve_key(std::string const& key_id, domain::quota_limits const& limits, domain::quota_counts charge);

    enum class room { granted, exhausted, unavailable };
    struct provider_room {
        room state = room::granted;
        std::optional<quota_hold> hold; // when granted and the provider has a quota
        std::int64_t reset_unix = 0;    // when exhausted
        double use = 0;                 // the provider's quota use after this reservation, 0..1
    };
    net::awaitable<provider_room> reserve_provider(std::string const& provider, domain::quota_counts charge);
    // Whether `provider` has a quota: reserve_provider grants any other at once, holding nothing
    // (a call whose providers have none plans no reservation).
    bool limits_provider(std::string const& provider) const;

    // Ends a hold: actual usage of a success, or nullopt to give the reservation back.
    net::awaitable<void> settle(quota_hold hold, std::optional<domain::quota_counts> actual);
    // Whether settling `hold` waits on a network round trip (its store is remote).
    bool settles_remotely(quota_hold const& hold) const { return !hold.local && shared_.remote(); }

    // Usage, limits and reset times per provider and per configured tenant.
    net::awaitable<boost::json::object> report();
    // The same report for one tenant alone (what a tenant's own key may see): no provider, no
    // other tenant.
    net::awaitable<boost::json::object> report_for(std::string const& tenant);

    // Each configured provider's quota use now, 0..1 (its current windows: a new UTC day reads 0).
    // Throws store_unavailable when neither the store nor a local fallback can answer.
    net::awaitable<std::map<std::string, double>> provider_use();

    // One key's budget use (the admin API's view of a key).
    net::awaitable<boost::json::object> report_key(std::string const& key_id, domain::quota_limits const& limits);

    // Where crossed thresholds are published, besides the log (null: the log alone).
    void report_to(event_sink* events) { events_ = events; }

  private:
    void report_alerts(std::string const& subject, std::vector<domain::quota_alert> const& alerts) const;
    net::awaitable<domain::result<std::optional<quota_hold>>> reserve_holder(std::string const& holder,
                                                                             std::string const& subject,
                                                                             domain::quota_limits const& limits,
                                                                             domain::quota_counts charge);
    // The tenant's own limits, else "default"'s; null when neither is configured.
    domain::quota_limits const* tenant_limits(std::string const& tenant) const;
    net::awaitable<boost::json::object> describe(std::string subject, std::string name,
                                                 domain::quota_limits limits);
    net::awaitable<quota_verdict> reserve(std::string const& subject, domain::quota_counts charge,
                                          domain::quota_limits const& limits, bool& local, bool& unavailable);

    quota_policy const& policy_;
    quota_store& shared_;
    quota_store* local_;
    double fraction_;
    std::atomic<long>* fallbacks_;
    event_sink* events_ = nullptr;
};

} // namespace switchboard::adapters
