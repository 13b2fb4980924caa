// In-memory quota windows.
#include "adapters/store/memory_quota_store.hpp"

#include "adapters/store/evict_oldest.hpp"
#include "domain/calendar.hpp"

#include <chrono>

namespace switchboard::adapters {

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


net::awaitable<quota_verdict> memory_quota_store::reserve(std::string const& subject, domain::quota_counts charge,
                                                          domain::quota_limits const& limits,
                                                          bool report_refusal) {
    std::lock_guard lock(mutex_);
    auto const now = clock_();
    auto& w = current(subject, now);
    quota_verdict v;
    auto const check = domain::check_quota(w.day_state, w.month_state, charge, limits);
    if (!check.admitted) {
        v.use = 1.0;
        v.exhausted = check.exhausted;
        auto const& slot = domain::slot_of(check.exhausted);
        v.reset_unix = slot.monthly ? domain::next_month_start(now) : domain::next_day_start(now);
        // A refusal means the quota is used up: every threshold not yet reported is.
        auto const limit = limits.*slot.limit;
        auto& window = slot.monthly ? w.month_state : w.day_state;
        v.counted = window.used.*slot.counter + window.reserved.*slot.counter;
        if (report_refusal) v.alerts = domain::crossed_thresholds(check.exhausted, limit, limit, window.alerted, levels_);
        co_return v;
    }
    domain::add_counts(w.day_state.reserved, charge);
    domain::add_counts(w.month_state.reserved, charge);
    v.admitted = true;
    v.reservation = {subject, w.day, w.month, charge};
    v.use = domain::quota_use(w.day_state, w.month_state, limits);
    v.alerts = domain::window_alerts(w.day_state, w.month_state, limits, levels_);
    co_return v;
}

net::awaitable<std::vector<domain::quota_alert>> memory_quota_store::settle(quota_reservation const& r,
                                                                            std::optional<domain::quota_counts> actual,
                                                                            domain::quota_limits const& limits) {
    std::lock_guard lock(mutex_);
    auto& w = current(r.subject, clock_());
    bool const same_day = w.day == r.day, same_month = w.month == r.month;
    if (same_day) {
        domain::add_counts(w.day_state.reserved, {-r.charge.requests, -r.charge.tokens, -r.charge.micro_usd});
        if (actual) domain::add_counts(w.day_state.used, *actual);
    }
    if (same_month) {
        domain::add_counts(w.month_state.reserved, {-r.charge.requests, -r.charge.tokens, -r.charge.micro_usd});
        if (actual) domain::add_counts(w.month_state.used, *actual);
    }
    co_return domain::window_alerts(w.day_state, w.month_state, limits, levels_);
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
