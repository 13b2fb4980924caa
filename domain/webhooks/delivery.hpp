#pragma once
// One event's delivery to one endpoint, as a small state machine on an injected clock:
//
//   pending ──2xx──▶ delivered
//   pending ──any other answer, or no answer──▶ pending (next attempt after the schedule's wait)
//                                            └─▶ failed (the schedule has no wait left)
//
// The schedule bounds the time a delivery is retried: the sum of its waits (by default about
// 8 hours, as Standard Webhooks senders do: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 5 h).
// Pure: times are Unix milliseconds given by the caller.
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain::webhooks {

struct delivery_policy {
    // The wait before the 2nd, 3rd… attempt; after the last one, a failed attempt is final.
    std::vector<duration> retry_waits{seconds(5),    seconds(30),   seconds(120),  seconds(600),
                                      seconds(1800), seconds(3600), seconds(7200), seconds(18000)};
    duration timeout = seconds(10); // of one attempt: connect, send, the answer's head and body
};

enum class delivery_state { pending, delivered, failed };
std::string_view state_name(delivery_state s);

struct delivery {
    std::string event_id;
    std::string event_type;
    std::string endpoint; // the endpoint's name in the config
    delivery_state state = delivery_state::pending;
    int attempts = 0;
    int last_status = 0;    // the receiver's latest HTTP status (0: it never answered)
    std::string last_error; // the latest failure: "status 503", "timeout", "connect_failed"…
    std::int64_t created_unix_ms = 0;
    std::int64_t next_attempt_unix_ms = 0; // pending: when the next attempt is due
    std::int64_t last_attempt_unix_ms = 0;
    std::int64_t done_unix_ms = 0; // delivered or failed: when
};

// A new delivery, due at once.
delivery new_delivery(std::string event_id, std::string event_type, std::string endpoint, std::int64_t now_unix_ms);

// What one attempt got: the receiver's status, or the transport failure that left it without one.
struct attempt_result {
    int status = 0;
    std::string failure; // non-empty: no answer ("timeout", "connect_failed", "reset", "bad_response")
};

// Records an attempt made at `now_unix_ms` and decides what comes next.
void record_attempt(delivery& d, attempt_result const& result, delivery_policy const& policy,
                    std::int64_t now_unix_ms);

bool due(delivery const& d, std::int64_t now_unix_ms);

// The form stored and shown by /api/v1/webhooks/deliveries: every field, times as Unix
// milliseconds and as UTC text ("created_at"…).
boost::json::object delivery_json(delivery const& d);
// A delivery read back from the store; nullopt when the value is not one.
std::optional<delivery> delivery_from_json(boost::json::value const& v);

// How long a delivery may be retried in all (the schedule's waits added up).
duration retry_span(delivery_policy const& policy);

} // namespace switchboard::domain::webhooks
