// The delivery state machine and its retry schedule.
#include "domain/webhooks/delivery.hpp"

#include "domain/calendar.hpp"

#include <type_traits>

namespace switchboard::domain::webhooks {

std::string_view state_name(delivery_state s) {
    switch (s) {
    case delivery_state::pending:
        return "pending";
    case delivery_state::delivered:
        return "delivered";
    case delivery_state::failed:
        return "failed";
    }
    return "pending";
}

delivery new_delivery(std::string event_id, std::string event_type, std::string endpoint, std::int64_t now_unix_ms) {
    delivery d;
    d.event_id = std::move(event_id);
    d.event_type = std::move(event_type);
    d.endpoint = std::move(endpoint);
    d.created_unix_ms = now_unix_ms;
    d.next_attempt_unix_ms = now_unix_ms;
    return d;
}

void record_attempt(delivery& d, attempt_result const& result, delivery_policy const& policy,
                    std::int64_t now_unix_ms) {
    if (d.state != delivery_state::pending) return;
    ++d.attempts;
    d.last_attempt_unix_ms = now_unix_ms;
    d.last_status = result.status;
    if (result.failure.empty() && result.status >= 200 && result.status < 300) {
        d.state = delivery_state::delivered;
        d.last_error.clear();
        d.next_attempt_unix_ms = 0;
        d.done_unix_ms = now_unix_ms;
        return;
    }
    d.last_error = result.failure.empty() ? "status " + std::to_string(result.status) : result.failure;
    auto const waits_used = static_cast<std::size_t>(d.attempts - 1);
    if (waits_used >= policy.retry_waits.size()) {
        d.state = delivery_state::failed;
        d.next_attempt_unix_ms = 0;
        d.done_unix_ms = now_unix_ms;
        return;
    }
    auto const wait = std::chrono::duration_cast<std::chrono::milliseconds>(policy.retry_waits[waits_used]);
    d.next_attempt_unix_ms = now_unix_ms + wait.count();
}

bool due(delivery const& d, std::int64_t now_unix_ms) {
    return d.state == delivery_state::pending && d.next_attempt_unix_ms <= now_unix_ms;
}

boost::json::object delivery_json(delivery const& d) {
    auto when = [](std::int64_t ms) { return ms > 0 ? boost::json::value(utc_text(ms)) : boost::json::value(nullptr); };
    return {{"event_id", d.event_id},
            {"event_type", d.event_type},
            {"endpoint", d.endpoint},
            {"state", state_name(d.state)},
            {"attempts", d.attempts},
            {"last_status", d.last_status},
            {"last_error", d.last_error},
            {"created_unix_ms", d.created_unix_ms},
            {"next_attempt_unix_ms", d.next_attempt_unix_ms},
            {"last_attempt_unix_ms", d.last_attempt_unix_ms},
            {"done_unix_ms", d.done_unix_ms},
            {"created_at", when(d.created_unix_ms)},
            {"next_attempt_at", when(d.next_attempt_unix_ms)},
            {"done_at", when(d.done_unix_ms)}};
}

std::optional<delivery> delivery_from_json(boost::json::value const& v) {
    auto const* o = v.if_object();
    if (!o) return std::nullopt;
    delivery d;
    auto str = [&](char const* k, std::string& out) {
        auto const* f = o->if_contains(k);
        if (!f || !f->is_string()) return false;
        out.assign(f->get_string().data(), f->get_string().size());
        return true;
    };
    auto num = [&](char const* k, auto& out) {
        auto const* f = o->if_contains(k);
        if (!f || !f->is_int64()) return false;
        out = static_cast<std::remove_reference_t<decltype(out)>>(f->get_int64());
        return true;
    };
    std::string state;
    if (!str("event_id", d.event_id) || !str("event_type", d.event_type) || !str("endpoint", d.endpoint) ||
        !str("state", state) || !num("attempts", d.attempts) || !num("last_status", d.last_status) ||
        !str("last_error", d.last_error) || !num("created_unix_ms", d.created_unix_ms) ||
        !num("next_attempt_unix_ms", d.next_attempt_unix_ms) || !num("last_attempt_unix_ms", d.last_attempt_unix_ms) ||
        !num("done_unix_ms", d.done_unix_ms))
        return std::nullopt;
    if (state == "delivered") d.state = delivery_state::delivered;
    else if (state == "failed") d.state = delivery_state::failed;
    else if (state == "pending") d.state = delivery_state::pending;
    else return std::nullopt;
    return d;
}

duration retry_span(delivery_policy const& policy) {
    duration total{};
    for (auto w : policy.retry_waits) total += w;
    return total;
}

} // namespace switchboard::domain::webhooks
