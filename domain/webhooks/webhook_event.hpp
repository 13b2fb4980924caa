#pragma once
// What the gateway tells operators through webhooks (docs/WEBHOOKS.md), as values: what happened
// (`type`), to what (`data`), when, and the `identity` of the fact. Two reports of one fact — a
// quota threshold seen by two instances, an expiring key found by every instance's watch — have
// one identity, so the store delivers the event once. Facts of one instance (its breakers, its
// mode, its ledger queue) name the instance in their identity and data. Pure: the time is a
// parameter.
#include "domain/degraded_mode.hpp"
#include "domain/quota.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain::webhooks {

enum class event_type {
    quota_threshold,  // a request or token quota reached 75/90/100 % (configurable) in its window
    budget_threshold, // a dollar quota (a budget) did
    breaker_opened,
    breaker_closed,
    mode_entered, // the gateway entered degraded or critical mode (or moved between them)
    mode_left,    // ... and came back to normal
    key_expiring, // an API key expires within the notice period
    ledger_dropped // the usage ledger's queue was full: rows were dropped
};
inline constexpr std::array all_event_types{event_type::quota_threshold, event_type::budget_threshold,
                                            event_type::breaker_opened,  event_type::breaker_closed,
                                            event_type::mode_entered,    event_type::mode_left,
                                            event_type::key_expiring,    event_type::ledger_dropped};

// "quota.threshold", "budget.threshold", "breaker.opened", "breaker.closed",
// "degraded_mode.entered", "degraded_mode.left", "key.expiring", "ledger.dropped".
std::string_view type_name(event_type t);
std::optional<event_type> parse_event_type(std::string_view name);

struct event {
    event_type type = event_type::quota_threshold;
    std::string identity; // one fact, one identity (the dedupe key across instances)
    std::int64_t at_unix_ms = 0;
    boost::json::object data;
};

// The body sent, as the Standard Webhooks specification recommends:
// {"type": …, "timestamp": "2026-12-04T10:00:00Z", "data": {…}}.
std::string payload(event const& e);

// A threshold of `subject`'s quota ("tenant:acme", "provider:openai") crossed in `window`
// ("2026-12-04" or "2026-12"): budget.threshold for a dollar metric, quota.threshold otherwise.
event threshold_event(std::string_view subject, quota_alert const& alert, std::string_view window,
                      std::int64_t now_unix_ms);

// Deployment `deployment`'s breaker on `instance` opened (or closed again).
event breaker_event(std::string_view deployment, bool opened, std::string_view instance, std::int64_t now_unix_ms);

// `instance` went from mode `from` to `to` (one of them not normal).
event mode_event(gateway_mode from, gateway_mode to, std::string_view instance, std::int64_t now_unix_ms);

struct key_facts {
    std::string id, tenant, name;
    std::int64_t expires_unix = 0; // 0: never
    bool revoked = false;
};
// Whether the key expires within `notice_seconds` of `now_unix` (and has not yet, nor been revoked).
bool expires_soon(key_facts const& k, std::int64_t now_unix, std::int64_t notice_seconds);
// One event per key and expiry date: every instance's watch reports the same fact.
event key_expiring_event(key_facts const& k, std::int64_t now_unix_ms);

// `dropped` rows were dropped on `instance` since its last report (`total` since it started).
event ledger_drop_event(std::int64_t dropped, std::int64_t total, std::string_view instance, std::int64_t now_unix_ms);

} // namespace switchboard::domain::webhooks
