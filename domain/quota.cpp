// Quota admission and threshold alerts.
#include "domain/quota.hpp"

#include <algorithm>

namespace switchboard::domain {

std::string_view metric_name(quota_metric m) {
    switch (m) {
    case quota_metric::requests_per_day:
        return "requests_per_day";
    case quota_metric::tokens_per_day:
        return "tokens_per_day";
    case quota_metric::tokens_per_month:
        return "tokens_per_month";
    }
    return "tokens_per_day";
}

quota_check check_quota(quota_window_state const& day, quota_window_state const& month, quota_counts charge,
                        quota_limits const& limits) {
    auto fits = [](std::int64_t used, std::int64_t reserved, std::int64_t add, std::int64_t limit) {
        return limit <= 0 || used + reserved + add <= limit;
    };
    if (!fits(day.used.requests, day.reserved.requests, charge.requests, limits.requests_per_day))
        return {false, quota_metric::requests_per_day};
    if (!fits(day.used.tokens, day.reserved.tokens, charge.tokens, limits.tokens_per_day))
        return {false, quota_metric::tokens_per_day};
    if (!fits(month.used.tokens, month.reserved.tokens, charge.tokens, limits.tokens_per_month))
        return {false, quota_metric::tokens_per_month};
    return {};
}

std::vector<quota_alert> crossed_thresholds(quota_metric metric, std::int64_t counted, std::int64_t limit,
                                            unsigned& alerted) {
    std::vector<quota_alert> out;
    if (limit <= 0) return out;
    for (std::size_t i = 0; i < alert_thresholds.size(); ++i) {
        unsigned const bit = 1u << (static_cast<unsigned>(metric) * 3 + i);
        // counted / limit >= percent / 100, in integers.
        if ((alerted & bit) == 0 && counted * 100 >= limit * alert_thresholds[i]) {
            alerted |= bit;
            out.push_back({metric, alert_thresholds[i], counted, limit});
        }
    }
    return out;
}

double quota_use(quota_window_state const& day, quota_window_state const& month, quota_limits const& limits) {
    double use = 0;
    auto u = [&use](std::int64_t counted, std::int64_t limit) {
        if (limit > 0) use = std::max(use, static_cast<double>(counted) / static_cast<double>(limit));
    };
    u(day.used.requests + day.reserved.requests, limits.requests_per_day);
    u(day.used.tokens + day.reserved.tokens, limits.tokens_per_day);
    u(month.used.tokens + month.reserved.tokens, limits.tokens_per_month);
    return use;
}

void add_counts(quota_counts& target, quota_counts delta) {
    target.requests = std::max<std::int64_t>(0, target.requests + delta.requests);
    target.tokens = std::max<std::int64_t>(0, target.tokens + delta.tokens);
}

} // namespace switchboard::domain
