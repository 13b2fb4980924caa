// In-memory quota windows.
#include "adapters/store/memory_quota_store.hpp"

#include "adapters/store/evict_oldest.hpp"
#include "domain/calendar.hpp"

#include <chrono>

namespace switchboard::adapters {
using domain::quota_metric;

std::int64_t memory_quota_store::system_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

memory_quota_store::subject_windows& memory_quota_store::current(std::string const& subject, std::int64_t now) {
    if (subjects_.size() >= max_subjects_ && !subjects_.contains(subject))
        evict_oldest_tenth(subjects_, [](subject_windows const& s) { return s.last_used; });
    auto& w = subjects_[subject];
    w.last_used = ++uses_;
    auto day = domain::day_id(now);
    auto month = domain::month_id(now);
    if (w.day != day) w.day_state = {}, w.day = std::move(day);
    if (w.month != month) w.month_state = {}, w.month = std::move(month);
    return w;
}

namespace {
std::vector<domain::quota_alert> alerts_of(domain::quota_window_state& day, domain::quota_window_state& month,
                                           domain::quota_limits const& limits) {
    auto out = domain::crossed_thresholds(quota_metric::requests_per_day,
                                          day.used.requests + day.reserved.requests, limits.requests_per_day,
                                          day.alerted);
    for (auto const& a : domain::crossed_thresholds(quota_metric::tokens_per_day,
                                                    day.used.tokens + day.reserved.tokens, limits.tokens_per_day,
                                                    day.alerted))
        out.push_back(a);
    for (auto const& a : domain::crossed_thresholds(quota_metric::tokens_per_month,
                                                    month.used.tokens + month.reserved.tokens,
                                                    limits.tokens_per_month, month.alerted))
        out.push_back(a);
    return out;
}
} // namespace

net::awaitable<quota_verdict> memory_quota_store::reserve(std::string const& subject, domain::quota_counts charge,
                                                          domain::quota_limits const& limits) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    auto& w = current(subject, now);
    quota_verdict v;
    auto const check = domain::check_quota(w.day_state, w.month_state, charge, limits);
    if (!check.admitted) {
        v.use = 1.0;
        v.exhausted = check.exhausted;
        v.reset_unix = check.exhausted == quota_metric::tokens_per_month ? domain::next_month_start(now)
                                                                         : domain::next_day_start(now);
        // A refusal means the quota is used up: every threshold not yet reported is.
        auto const limit = check.exhausted == quota_metric::requests_per_day ? limits.requests_per_day
                           : check.exhausted == quota_metric::tokens_per_day ? limits.tokens_per_day
                                                                             : limits.tokens_per_month;
        auto& window = check.exhausted == quota_metric::tokens_per_month ? w.month_state : w.day_state;
        v.counted = check.exhausted == quota_metric::requests_per_day
                        ? window.used.requests + window.reserved.requests
                        : window.used.tokens + window.reserved.tokens;
        v.alerts = domain::crossed_thresholds(check.exhausted, limit, limit, window.alerted);
        co_return v;
    }
    domain::add_counts(w.day_state.reserved, charge);
    domain::add_counts(w.month_state.reserved, {0, charge.tokens});
    v.admitted = true;
    v.reservation = {subject, w.day, w.month, charge};
    v.use = domain::quota_use(w.day_state, w.month_state, limits);
    v.alerts = alerts_of(w.day_state, w.month_state, limits);
    co_return v;
}

net::awaitable<std::vector<domain::quota_alert>> memory_quota_store::settle(quota_reservation const& r,
                                                                            std::optional<domain::quota_counts> actual,
                                                                            domain::quota_limits const& limits) {
    std::lock_guard lock(mutex_);
    auto& w = current(r.subject, clock_());
    bool const same_day = w.day == r.day, same_month = w.month == r.month;
    if (same_day) {
        domain::add_counts(w.day_state.reserved, {-r.charge.requests, -r.charge.tokens});
        if (actual) domain::add_counts(w.day_state.used, *actual);
    }
    if (same_month) {
        domain::add_counts(w.month_state.reserved, {0, -r.charge.tokens});
        if (actual) domain::add_counts(w.month_state.used, {0, actual->tokens});
    }
    co_return alerts_of(w.day_state, w.month_state, limits);
}

net::awaitable<quota_snapshot> memory_quota_store::snapshot(std::string const& subject) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    auto& w = current(subject, now);
    co_return quota_snapshot{w.day, w.month, w.day_state, w.month_state, domain::next_day_start(now),
                             domain::next_month_start(now)};
}

std::size_t memory_quota_store::size() {
    std::lock_guard lock(mutex_);
    return subjects_.size();
}

std::size_t memory_quota_store::prune() {
    auto const month = domain::month_id(clock_());
    std::lock_guard lock(mutex_);
    return std::erase_if(subjects_, [&](auto const& entry) { return entry.second.month != month; });
}

} // namespace switchboard::adapters
