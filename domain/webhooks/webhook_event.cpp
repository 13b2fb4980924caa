// Webhook events: names, identities and the Standard Webhooks payload.
#include "domain/webhooks/webhook_event.hpp"

#include "domain/calendar.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::domain::webhooks {
namespace json = boost::json;

namespace {
constexpr std::array<std::string_view, all_event_types.size()> names{
    "quota.threshold", "budget.threshold",      "breaker.opened", "breaker.closed",
    "degraded_mode.entered", "degraded_mode.left", "key.expiring",   "ledger.dropped"};

bool dollars(quota_metric m) {
    return m == quota_metric::usd_per_day || m == quota_metric::usd_per_month;
}

std::string joined(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) {
        if (!out.empty()) out += '|';
        out += p;
    }
    return out;
}
} // namespace

std::string_view type_name(event_type t) {
    return names[static_cast<std::size_t>(t)];
}

std::optional<event_type> parse_event_type(std::string_view name) {
    for (auto t : all_event_types)
        if (type_name(t) == name) return t;
    return std::nullopt;
}

std::string payload(event const& e) {
    json::object body{{"type", type_name(e.type)}, {"timestamp", utc_text(e.at_unix_ms)}, {"data", e.data}};
    return json::serialize(body);
}

event threshold_event(std::string_view subject, quota_alert const& alert, std::string_view window,
                      std::int64_t now_unix_ms) {
    bool const usd = dollars(alert.metric);
    auto const percent = std::to_string(alert.percent);
    event e{usd ? event_type::budget_threshold : event_type::quota_threshold,
            joined({"threshold", subject, metric_name(alert.metric), window, percent}),
            now_unix_ms,
            {{"subject", subject}, {"metric", metric_name(alert.metric)}, {"window", window}, {"percent", alert.percent}}};
    if (usd) {
        e.data["counted_usd"] = static_cast<double>(alert.counted) / 1e6;
        e.data["limit_usd"] = static_cast<double>(alert.limit) / 1e6;
    } else {
        e.data["counted"] = alert.counted;
        e.data["limit"] = alert.limit;
    }
    return e;
}

event breaker_event(std::string_view deployment, bool opened, std::string_view instance, std::int64_t now_unix_ms) {
    auto const type = opened ? event_type::breaker_opened : event_type::breaker_closed;
    return {type,
            joined({type_name(type), deployment, instance, std::to_string(now_unix_ms)}),
            now_unix_ms,
            {{"deployment", deployment}, {"instance", instance}}};
}

event mode_event(gateway_mode from, gateway_mode to, std::string_view instance, std::int64_t now_unix_ms) {
    auto const type = to == gateway_mode::normal ? event_type::mode_left : event_type::mode_entered;
    return {type,
            joined({type_name(type), mode_name(from), mode_name(to), instance, std::to_string(now_unix_ms)}),
            now_unix_ms,
            {{"mode", mode_name(to)}, {"previous", mode_name(from)}, {"instance", instance}}};
}

bool expires_soon(key_facts const& k, std::int64_t now_unix, std::int64_t notice_seconds) {
    return !k.revoked && k.expires_unix > now_unix && k.expires_unix - now_unix <= notice_seconds;
}

event key_expiring_event(key_facts const& k, std::int64_t now_unix_ms) {
    return {event_type::key_expiring,
            joined({"key.expiring", k.id, std::to_string(k.expires_unix)}),
            now_unix_ms,
            {{"key_id", k.id},
             {"tenant", k.tenant},
             {"name", k.name},
             {"expires_at", utc_text(k.expires_unix * 1000)},
             {"expires_in_seconds", k.expires_unix - now_unix_ms / 1000}}};
}

event ledger_drop_event(std::int64_t dropped, std::int64_t total, std::string_view instance, std::int64_t now_unix_ms) {
    return {event_type::ledger_dropped,
            joined({"ledger.dropped", instance, std::to_string(total)}),
            now_unix_ms,
            {{"dropped", dropped}, {"dropped_total", total}, {"instance", instance}}};
}

} // namespace switchboard::domain::webhooks
