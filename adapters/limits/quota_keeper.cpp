// Quota reservations, settlements and alerts.
#include "adapters/limits/quota_keeper.hpp"

#include "adapters/limits/settle_later.hpp"
#include "adapters/wall_clock.hpp"

#include "adapters/observability/log.hpp"
#include "adapters/store/store_error.hpp"
#include "domain/calendar.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>

#include <cmath>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {

std::string iso_midnight(std::int64_t unix_seconds) {
    return domain::day_id(unix_seconds) + "T00:00:00Z";
}

domain::quota_limits scaled(domain::quota_limits l, double f) {
    auto s = [f](std::int64_t v) { return domain::local_share(v, f); };
    return {s(l.requests_per_day), s(l.tokens_per_day),      s(l.tokens_per_month),
            s(l.micro_usd_per_day), s(l.micro_usd_per_month), s(l.requests_per_month)};
}


json::object counts_json(std::int64_t used, std::int64_t reserved, std::int64_t limit) {
    return {{"used", used}, {"reserved", reserved}, {"limit", limit > 0 ? json::value(limit) : json::value(nullptr)}};
}

// Micro-dollars shown as dollars.
json::object usd_json(std::int64_t used, std::int64_t reserved, std::int64_t limit) {
    auto usd = [](std::int64_t micros) { return static_cast<double>(micros) / 1e6; };
    return {{"used", usd(used)},
            {"reserved", usd(reserved)},
            {"limit", limit > 0 ? json::value(usd(limit)) : json::value(nullptr)}};
}
} // namespace

// Each crossed threshold is logged and, with webhooks, published with its window ("2026-12-04"
// or "2026-12"): the same crossing reported twice (a local fallback and the store) is one event.
void quota_keeper::report_alerts(std::string const& subject, std::vector<domain::quota_alert> const& alerts) const {
    if (alerts.empty()) return;
    auto const now_ms = unix_now_ms();
    for (auto const& a : alerts) {
        log_event(a.percent >= 100 ? log_level::error : log_level::warning, "quota_threshold",
                  {{"subject", subject},
                   {"metric", domain::metric_name(a.metric)},
                   {"percent", a.percent},
                   {"counted", a.counted},
                   {"limit", a.limit}});
        if (!events_) continue;
        auto const window = domain::slot_of(a.metric).monthly ? domain::month_id(now_ms / 1000) : domain::day_id(now_ms / 1000);
        events_->publish(domain::webhooks::threshold_event(subject, a, window, now_ms));
    }
}

domain::quota_limits const* quota_keeper::tenant_limits(std::string const& tenant) const {
    if (auto it = policy_.tenants.find(tenant); it != policy_.tenants.end()) return &it->second;
    if (auto it = policy_.tenants.find("default"); it != policy_.tenants.end()) return &it->second;
    return nullptr;
}

net::awaitable<quota_verdict> quota_keeper::reserve(std::string const& subject, domain::quota_counts charge,
                                                    domain::quota_limits const& limits, bool& local,
                                                    bool& unavailable) {
    local = unavailable = false;
    std::optional<quota_verdict> verdict;
    try {
        verdict = co_await shared_.reserve(subject, charge, limits);
    } catch (store_unavailable const&) {
        if (fallbacks_) fallbacks_->fetch_add(1);
    }
    if (!verdict) {
        auto const action = domain::on_store_outage(policy_.on_store_error, local_ != nullptr);
        if (action != domain::outage_action::count_locally) {
            // Uncounted, a quota cannot be kept: without a local share it refuses either way.
            unavailable = true;
            co_return quota_verdict{};
        }
        local = true;
        verdict = co_await local_->reserve(subject, charge, scaled(limits, fraction_));
    }
    report_alerts(subject, verdict->alerts);
    co_return std::move(*verdict);
}

namespace {
// "1200 tokens", "$0.0042".
std::string amount(domain::quota_metric m, std::int64_t v) {
    if (m == domain::quota_metric::usd_per_day || m == domain::quota_metric::usd_per_month) {
        char text[48];
        std::snprintf(text, sizeof text, "$%.6f", static_cast<double>(v) / 1e6);
        return text;
    }
    bool const requests = m == domain::quota_metric::requests_per_day || m == domain::quota_metric::requests_per_month;
    return std::to_string(v) + (requests ? " requests" : " tokens");
}

// Says which: a quota with room left refused only because this call's estimate did not fit.
domain::gateway_error quota_refusal(std::string const& holder, quota_verdict const& v, domain::quota_limits const& limits,
                                    domain::quota_counts charge) {
    auto const& slot = domain::slot_of(v.exhausted);
    auto const limit = limits.*slot.limit;
    std::string const quota = "The " + std::string(domain::metric_name(v.exhausted)) + " quota of " + holder;
    std::string const resets = iso_midnight(v.reset_unix);
    std::string const fewer = slot.counter == &domain::quota_counts::micro_usd ? "less" : "fewer";
    auto e = domain::make_error(
        domain::errc::quota_exceeded,
        v.counted >= limit ? quota + " is used up; it resets at " + resets
                           : quota + " has " + amount(v.exhausted, limit - v.counted) + " left, " + fewer +
                                 " than this call's estimate of " + amount(v.exhausted, charge.*slot.counter) +
                                 " (lower max_tokens, or wait until it resets at " + resets + ")");
    e.retry_after = std::chrono::seconds(std::max<std::int64_t>(1, v.reset_unix - unix_now()));
    return e;
}
} // namespace

net::awaitable<domain::result<std::optional<quota_hold>>>
quota_keeper::reserve_holder(std::string const& holder, std::string const& subject, domain::quota_limits const& limits,
                             domain::quota_counts charge) {
    if (!limits.any()) co_return std::optional<quota_hold>{};
    bool local = false, unavailable = false;
    auto v = co_await reserve(subject, charge, limits, local, unavailable);
    if (unavailable) {
        auto e = domain::make_error(domain::errc::store_unavailable,
                                    "Quotas cannot be checked right now; try again shortly");
        e.retry_after = std::chrono::seconds(1);
        co_return e;
    }
    if (!v.admitted) co_return quota_refusal(holder, v, limits, charge);
    co_return std::optional<quota_hold>{quota_hold{v.reservation, local ? scaled(limits, fraction_) : limits, local, v.use}};
}

net::awaitable<domain::result<std::optional<quota_hold>>> quota_keeper::reserve_tenant(std::string const& tenant,
                                                                                     domain::quota_counts charge) {
    auto const* limits = tenant_limits(tenant);
    if (!limits) co_return std::optional<quota_hold>{};
    co_return co_await reserve_holder("tenant '" + tenant + "'", "tenant:" + tenant, *limits, {0, charge.tokens, charge.micro_usd});
}

net::awaitable<domain::result<std::optional<quota_hold>>>
quota_keeper::reserve_key(std::string const& key_id, domain::quota_limits const& limits, domain::quota_counts charge) {
    co_return co_await reserve_holder("API key '" + key_id + "'", "key:" + key_id, limits, charge);
}

bool quota_keeper::limits_provider(std::string const& provider) const {
    auto it = policy_.providers.find(provider);
    return it != policy_.providers.end() && it->second.any();
}

net::awaitable<quota_keeper::provider_room> quota_keeper::reserve_provider(std::string const& provider,
                                                                           domain::quota_counts charge) {
    if (!limits_provider(provider)) co_return provider_room{};
    auto it = policy_.providers.find(provider);
    bool local = false, unavailable = false;
    auto v = co_await reserve("provider:" + provider, charge, it->second, local, unavailable);
    if (unavailable) co_return provider_room{room::unavailable, std::nullopt, 0, 0};
    if (!v.admitted) co_return provider_room{room::exhausted, std::nullopt, v.reset_unix, 1.0};
    co_return provider_room{room::granted,
                            quota_hold{v.reservation, local ? scaled(it->second, fraction_) : it->second, local},
                            0, v.use};
}

net::awaitable<void> quota_keeper::settle(quota_hold hold, std::optional<domain::quota_counts> actual) {
    auto& store = hold.local ? *local_ : shared_;
    try {
        report_alerts(hold.reservation.subject, co_await store.settle(hold.reservation, actual, hold.limits));
        co_return;
    } catch (store_unavailable const&) {
        if (fallbacks_) fallbacks_->fetch_add(1);
    }
    // Retried in the background so the caller is not held up by the outage.
    settle_later(co_await net::this_coro::executor, store, std::move(hold.reservation), actual, hold.limits);
}

net::awaitable<json::object> quota_keeper::describe(std::string subject, std::string name,
                                                   domain::quota_limits limits) {
    std::optional<quota_snapshot> shared;
    try {
        shared = co_await shared_.snapshot(subject);
    } catch (store_unavailable const&) {
        if (!local_) throw;
    }
    std::string const source = shared ? "shared" : "local";
    quota_snapshot s;
    if (shared)
        s = std::move(*shared);
    else
        s = co_await local_->snapshot(subject);
    json::object day{{"window", s.day},
                     {"resets_at", iso_midnight(s.day_reset_unix)},
                     {"requests", counts_json(s.day_state.used.requests, s.day_state.reserved.requests,
                                              limits.requests_per_day)},
                     {"tokens", counts_json(s.day_state.used.tokens, s.day_state.reserved.tokens,
                                            limits.tokens_per_day)},
                     {"usd", usd_json(s.day_state.used.micro_usd, s.day_state.reserved.micro_usd,
                                      limits.micro_usd_per_day)}};
    json::object month{{"window", s.month},
                       {"resets_at", iso_midnight(s.month_reset_unix)},
                       {"requests", counts_json(s.month_state.used.requests, s.month_state.reserved.requests,
                                                limits.requests_per_month)},
                       {"tokens", counts_json(s.month_state.used.tokens, s.month_state.reserved.tokens,
                                              limits.tokens_per_month)},
                       {"usd", usd_json(s.month_state.used.micro_usd, s.month_state.reserved.micro_usd,
                                        limits.micro_usd_per_month)}};
    json::object out;
    out["name"] = name;
    out["source"] = source;
    out["day"] = std::move(day);
    out["month"] = std::move(month);
    co_return out;
}

// (Each co_await stands alone in a statement: GCC 12 miscompiles some awaits inside calls.)
net::awaitable<json::object> quota_keeper::report() {
    json::array providers, tenants;
    for (auto const& [name, limits] : policy_.providers) {
        auto entry = co_await describe("provider:" + name, name, limits);
        providers.push_back(std::move(entry));
    }
    for (auto const& [name, limits] : policy_.tenants) {
        auto entry = co_await describe("tenant:" + name, name, limits);
        tenants.push_back(std::move(entry));
    }
    json::object out;
    out["object"] = "quotas";
    out["providers"] = std::move(providers);
    out["tenants"] = std::move(tenants);
    co_return out;
}

net::awaitable<json::object> quota_keeper::report_for(std::string const& tenant) {
    json::array tenants;
    if (auto const* limits = tenant_limits(tenant)) {
        auto entry = co_await describe("tenant:" + tenant, tenant, *limits);
        tenants.push_back(std::move(entry));
    }
    json::object out;
    out["object"] = "quotas";
    out["providers"] = json::array();
    out["tenants"] = std::move(tenants);
    co_return out;
}

net::awaitable<json::object> quota_keeper::report_key(std::string const& key_id, domain::quota_limits const& limits) {
    co_return co_await describe("key:" + key_id, key_id, limits);
}

net::awaitable<std::map<std::string, double>> quota_keeper::provider_use() {
    std::map<std::string, double> out;
    for (auto const& [name, limits] : policy_.providers) {
        std::string const subject = "provider:" + name;
        std::optional<quota_snapshot> s;
        try {
            s = co_await shared_.snapshot(subject);
        } catch (store_unavailable const&) {
            if (!local_) throw;
        }
        if (!s) s = co_await local_->snapshot(subject);
        out[name] = domain::quota_use(s->day_state, s->month_state, limits);
    }
    co_return out;
}

} // namespace switchboard::adapters
