// Quota admission and threshold alerts.
#include "domain/quota.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::domain {

std::string_view metric_name(quota_metric m) {
    switch (m) {
    case quota_metric::requests_per_day:
        return "requests_per_day";
    case quota_metric::tokens_per_day:
        return "tokens_per_day";
    case quota_metric::tokens_per_month:
        return "tokens_per_month";
    case quota_metric::usd_per_day:
        return "usd_per_day";
    case quota_metric::usd_per_month:
        return "usd_per_month";
    case quota_metric::requests_per_month:
        return "requests_per_month";
    }
    return "tokens_per_day";
}

std::int64_t to_micro_usd(double usd) {
    if (!(usd > 0)) return 0;
    return static_cast<std::int64_t>(std::ceil(usd * 1e6 - 1e-6));
}

metric_slot const& slot_of(quota_metric m) {
    return quota_metrics[static_cast<std::size_t>(m)];
}

namespace {
std::int64_t counted(quota_window_state const& w, metric_slot const& s) {
    return w.used.*s.counter + w.reserved.*s.counter;
}
} // namespace

quota_check check_quota(quota_window_state const& day, quota_window_state const& month, quota_counts charge,
                        quota_limits const& limits) {
    for (auto const& s : quota_metrics) {
        auto const limit = limits.*s.limit;
        if (limit > 0 && counted(s.monthly ? month : day, s) + charge.*s.counter > limit) return {false, s.metric};
    }
    return {};
}

bool valid_alert_levels(std::span<int const> levels) {
    if (levels.empty() || levels.size() > max_alert_levels) return false;
    for (std::size_t i = 0; i < levels.size(); ++i)
        if (levels[i] < 1 || levels[i] > 100 || (i > 0 && levels[i] <= levels[i - 1])) return false;
    return true;
}

std::vector<quota_alert> crossed_thresholds(quota_metric metric, std::int64_t counted, std::int64_t limit,
                                            unsigned& alerted, std::span<int const> levels) {
    std::vector<quota_alert> out;
    if (limit <= 0) return out;
    for (std::size_t i = 0; i < levels.size() && i < max_alert_levels; ++i) {
        unsigned const bit = 1u << (static_cast<unsigned>(metric) * max_alert_levels + i);
        // counted / limit >= percent / 100, in integers.
        if ((alerted & bit) == 0 && counted * 100 >= limit * levels[i]) {
            alerted |= bit;
            out.push_back({metric, levels[i], counted, limit});
        }
    }
    return out;
}

double quota_use(quota_window_state const& day, quota_window_state const& month, quota_limits const& limits) {
    double use = 0;
    for (auto const& s : quota_metrics) {
        auto const limit = limits.*s.limit;
        if (limit > 0)
            use = std::max(use, static_cast<double>(counted(s.monthly ? month : day, s)) / static_cast<double>(limit));
    }
    return use;
}

std::vector<quota_alert> window_alerts(quota_window_state& day, quota_window_state& month, quota_limits const& limits,
                                       std::span<int const> levels) {
    std::vector<quota_alert> out;
    for (auto const& s : quota_metrics) {
        auto& w = s.monthly ? month : day;
        for (auto const& a : crossed_thresholds(s.metric, counted(w, s), limits.*s.limit, w.alerted, levels))
            out.push_back(a);
    }
    return out;
}

void add_counts(quota_counts& target, quota_counts delta) {
    target.requests = std::max<std::int64_t>(0, target.requests + delta.requests);
    target.tokens = std::max<std::int64_t>(0, target.tokens + delta.tokens);
    target.micro_usd = std::max<std::int64_t>(0, target.micro_usd + delta.micro_usd);
}

} // namespace switchboard::domain
