// Rate-limit rules and the sliding-window-log decision.
#include "domain/rate_limit.hpp"

#include <algorithm>
#include <cmath>

#include <array>

namespace switchboard::domain {

std::string_view scope_name(limit_scope s) {
    switch (s) {
    case limit_scope::ip:
        return "ip";
    case limit_scope::key:
        return "key";
    case limit_scope::tenant:
        return "tenant";
    case limit_scope::global:
        return "global";
    }
    return "ip";
}

std::optional<limit_scope> parse_scope(std::string_view name) {
    for (auto s : {limit_scope::ip, limit_scope::key, limit_scope::tenant, limit_scope::global})
        if (scope_name(s) == name) return s;
    return std::nullopt;
}

std::string_view fail_mode_name(fail_mode m) {
    return m == fail_mode::open ? "fail_open" : "fail_closed";
}

outage_action on_store_outage(fail_mode mode, bool has_local_fallback) {
    if (mode == fail_mode::closed) return outage_action::refuse;
    return has_local_fallback ? outage_action::count_locally : outage_action::let_through;
}

std::int64_t local_share(std::int64_t limit, double fraction) {
    if (limit <= 0) return limit;
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(static_cast<double>(limit) * fraction)));
}

std::vector<rate_limit_rule> default_rate_limits() {
    return {
        {"/v1/chat/completions", limit_scope::ip, 60, milliseconds(60'000), fail_mode::open},
        {"/v1/embeddings", limit_scope::ip, 30, milliseconds(60'000), fail_mode::open},
        {"", limit_scope::ip, 100, milliseconds(60'000), fail_mode::open},
    };
}

std::vector<rate_limit_rule const*> rules_for(std::vector<rate_limit_rule> const& rules, std::string_view path) {
    std::array<bool, 4> specific{};
    for (auto const& r : rules)
        if (!r.route.empty() && r.route == path) specific[static_cast<std::size_t>(r.per)] = true;
    std::vector<rate_limit_rule const*> out;
    for (auto const& r : rules) {
        bool const applies =
            r.route.empty() ? !specific[static_cast<std::size_t>(r.per)] : r.route == path;
        if (applies) out.push_back(&r);
    }
    return out;
}

window_decision peek_window(std::deque<time_point>& log, time_point now, std::int64_t limit, duration window) {
    while (!log.empty() && log.front() <= now - window) log.pop_front();
    auto const count = static_cast<std::int64_t>(log.size());
    if (count >= limit) {
        auto const reset = log.empty() ? window : log.front() + window - now;
        return {false, 0, reset};
    }
    auto const oldest = log.empty() ? now : log.front();
    return {true, limit - count - 1, oldest + window - now};
}

void record_admission(std::deque<time_point>& log, time_point now) {
    log.push_back(now);
}

} // namespace switchboard::domain
