// Thread-safe wrapper around the domain's deployment health and retry budget.
#include "adapters/dispatch/resilience_state.hpp"

#include <algorithm>

namespace switchboard::adapters {

domain::breaker_admission resilience_state::admit(std::string const& key,
                                                  domain::breaker_config const& config,
                                                  domain::time_point now) {
    std::lock_guard lock(mutex_);
    touch_locked(key);
    auto it = health_.try_emplace(key, config).first;
    return it->second.admit(now);
}

void resilience_state::bound_dynamic(std::set<std::string, std::less<>> fixed, std::size_t max_dynamic) {
    std::lock_guard lock(mutex_);
    fixed_ = std::move(fixed);
    max_dynamic_ = std::max<std::size_t>(1, max_dynamic);
}

std::size_t resilience_state::tracked() const {
    std::lock_guard lock(mutex_);
    std::set<std::string_view> keys;
    for (auto const& [k, v] : health_) keys.insert(k);
    for (auto const& [k, v] : throttles_) keys.insert(k);
    for (auto const& [k, v] : last_errors_) keys.insert(k);
    return keys.size();
}

bool resilience_state::dynamic_locked(std::string_view key) const {
    return fixed_ && !fixed_->contains(key);
}

void resilience_state::touch_locked(std::string const& key) {
    if (!dynamic_locked(key)) return;
    if (auto at = dynamic_at_.find(key); at != dynamic_at_.end()) {
        dynamic_lru_.splice(dynamic_lru_.begin(), dynamic_lru_, at->second);
        return;
    }
    dynamic_lru_.push_front(key);
    dynamic_at_.emplace(key, dynamic_lru_.begin());
    while (dynamic_lru_.size() > max_dynamic_) {
        auto const& oldest = dynamic_lru_.back();
        health_.erase(oldest);
        throttles_.erase(oldest); // a slot it still holds is released into nothing: harmless
        last_errors_.erase(oldest);
        dynamic_at_.erase(oldest);
        dynamic_lru_.pop_back();
    }
}

bool resilience_state::available(std::string_view key, domain::time_point now) const {
    std::lock_guard lock(mutex_);
    auto it = health_.find(key);
    return it == health_.end() || it->second.available(now);
}

domain::time_point resilience_state::cooldown_until(std::string const& key) const {
    std::lock_guard lock(mutex_);
    auto it = health_.find(key);
    return it == health_.end() ? domain::time_point{} : it->second.cooldown_until();
}

domain::time_point resilience_state::available_at(std::string const& key, domain::time_point now) const {
    std::lock_guard lock(mutex_);
    auto it = health_.find(key);
    return it == health_.end() ? now : it->second.available_at(now);
}

void resilience_state::report(std::string const& key, domain::call_result result, domain::time_point now,
                              std::optional<domain::duration> retry_after, bool held_slot) {
    std::lock_guard lock(mutex_);
    if (auto it = health_.find(key); it != health_.end()) {
        auto const before = it->second.state(now);
        it->second.on_result(result, now, retry_after);
        report_breaker_locked(key, before, now);
    }
    if (result != domain::call_result::neutral || held_slot) {
        auto const second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        auto& c = attempts_[static_cast<std::size_t>(second % 10)];
        if (c.second != second) c = {second, 0, 0};
        ++c.attempts;
        if (result == domain::call_result::throttled) ++c.throttled;
    }
    if (auto it = throttles_.find(key); it != throttles_.end()) {
        if (held_slot) it->second.release();
        if (result == domain::call_result::throttled) it->second.on_throttled(now);
        if (result == domain::call_result::success) it->second.on_success(now);
    }
}

domain::throttle_decision resilience_state::acquire(std::string const& key,
                                                    domain::throttle_config const& config, double tokens,
                                                    domain::time_point now) {
    std::lock_guard lock(mutex_);
    touch_locked(key);
    auto it = throttles_.try_emplace(key, config, now).first;
    return it->second.acquire(tokens, now);
}

void resilience_state::on_request(domain::time_point now) {
    std::lock_guard lock(mutex_);
    budget_.on_request(now);
    auto const before = current_mode_.load(std::memory_order_relaxed);
    auto const after = mode_.update(signals_locked(now), now);
    current_mode_.store(after, std::memory_order_relaxed);
    if (events_ && after != before) events_->publish(domain::webhooks::mode_event(before, after, instance_, unix_ms_()));
}

void resilience_state::on_quota_use(std::string const& provider, double use) {
    std::lock_guard lock(mutex_);
    quota_use_[provider] = use;
}

void resilience_state::on_queue_change(int delta) {
    std::lock_guard lock(mutex_);
    queued_ += delta;
}

domain::mode_signals resilience_state::signals(domain::time_point now) const {
    std::lock_guard lock(mutex_);
    return signals_locked(now);
}

domain::mode_signals resilience_state::signals_locked(domain::time_point now) const {
    // Below this many recent attempts the 429 rate says nothing (one 429 out of one is not a storm).
    constexpr std::int64_t min_samples = 10;
    auto const second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::int64_t attempts = 0, throttled = 0;
    for (auto const& c : attempts_)
        if (c.second > second - 10 && c.second <= second) {
            attempts += c.attempts;
            throttled += c.throttled;
        }
    domain::mode_signals s;
    if (attempts >= min_samples)
        s.provider_429_rate = static_cast<double>(throttled) / static_cast<double>(attempts);
    if (!health_.empty()) {
        std::size_t open = 0;
        for (auto const& [key, h] : health_) open += h.state(now) == domain::breaker_state::open;
        s.open_breaker_share = static_cast<double>(open) / static_cast<double>(health_.size());
    }
    s.queued_calls = queued_;
    // The gateway runs short of provider quota only when every provider does: the least used
    // provider is the signal (providers without a quota count as 0).
    if (!quota_use_.empty()) {
        s.quota_use = 1.0;
        for (auto const& [provider, use] : quota_use_) s.quota_use = std::min(s.quota_use, use);
    }
    return s;
}

bool resilience_state::try_spend_retry(domain::time_point now) {
    std::lock_guard lock(mutex_);
    return budget_.try_spend(now);
}

std::vector<deployment_status> resilience_state::snapshot(domain::time_point now) const {
    std::lock_guard lock(mutex_);
    std::vector<deployment_status> out;
    for (auto const& [key, h] : health_) {
        if (dynamic_locked(key)) continue; // a client-chosen name: not reported
        out.push_back({key, h.state(now), h.consecutive_failures(), h.cooldown_until(), {}, 0});
        if (auto e = last_errors_.find(key); e != last_errors_.end()) {
            out.back().last_error = e->second.first;
            out.back().last_error_unix = e->second.second;
        }
    }
    return out;
}

void resilience_state::on_probe_failure(std::string const& key, domain::breaker_config const& config,
                                        domain::time_point now, std::string summary, std::int64_t unix_seconds) {
    std::lock_guard lock(mutex_);
    touch_locked(key);
    auto& health = health_.try_emplace(key, config).first->second;
    auto const before = health.state(now);
    health.on_result(domain::call_result::failure, now);
    report_breaker_locked(key, before, now);
    last_errors_[key] = {std::move(summary), unix_seconds};
}

void resilience_state::note_error(std::string const& key, std::string summary, std::int64_t unix_seconds) {
    std::lock_guard lock(mutex_);
    if (dynamic_locked(key) && !dynamic_at_.contains(key)) return; // forgotten already
    last_errors_[key] = {std::move(summary), unix_seconds};
}

void resilience_state::report_to(event_sink* events, std::string instance, std::function<std::int64_t()> unix_ms) {
    std::lock_guard lock(mutex_);
    events_ = events;
    instance_ = std::move(instance);
    unix_ms_ = std::move(unix_ms);
}

// A closed breaker that is now open has opened; one that was open or half-open and is now closed
// has closed. A failed half-open probe reopening it is not news (the deployment is still down: one
// event per outage, not one per probe). Deployments reached
// through client-chosen names are not reported: clients cannot make events by inventing names.
void resilience_state::report_breaker_locked(std::string const& key, domain::breaker_state before,
                                             domain::time_point now) {
    if (!events_ || dynamic_locked(key)) return;
    auto const after = health_.at(key).state(now);
    bool const opened = after == domain::breaker_state::open && before == domain::breaker_state::closed;
    bool const closed = after == domain::breaker_state::closed && before != domain::breaker_state::closed;
    if (opened || closed) events_->publish(domain::webhooks::breaker_event(key, opened, instance_, unix_ms_()));
}

} // namespace switchboard::adapters
