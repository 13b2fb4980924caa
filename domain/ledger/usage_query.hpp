#pragma once
// A question to the usage ledger: the calls that ended in [from, to), optionally of one tenant,
// summed per tenant, key, model, provider, route or UTC day (or in one total). Read from the query
// of GET /api/v1/usage; what a tenant's key may ask is decided by the caller (its own tenant only).
// Pure.
#include "domain/errors.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::domain::ledger {

enum class usage_grouping { total, tenant, key, model, provider, route, day };
std::string_view grouping_name(usage_grouping g);

struct usage_query {
    std::int64_t from_unix_ms = 0;
    std::int64_t to_unix_ms = 0; // exclusive
    usage_grouping group_by = usage_grouping::total;
    std::optional<std::string> tenant; // only this tenant's calls
    bool served_only = false;          // only calls a provider answered (not errors, not cache hits)
};

// The most groups one answer lists (a key or model a client chose can make many); the store is
// asked for one more, to tell the answer was cut.
inline constexpr std::size_t max_usage_groups = 1000;

// The longest span one query may cover (what retention can keep at most, with room).
inline constexpr std::int64_t max_query_span_ms = 400LL * 86'400'000;

// `from` and `to` as "2026-12-01" (a date: from its midnight UTC; `to` a date means through that
// day) or "2026-12-01T10:00:00Z" or Unix seconds; defaults: the 30 days before `now_unix_ms`.
// `group_by` one of total, tenant, key, model, provider, route, day; `tenant` a filter.
// Unknown parameters, repeated ones, bad values, an empty or inverted or too long span: 400
// naming the parameter.
result<usage_query> read_usage_query(std::vector<std::pair<std::string, std::string>> const& params,
                                     std::int64_t now_unix_ms);

// One group's sums.
struct usage_sums {
    std::string group; // the group's value ("" for total; "2026-12-01" for a day)
    std::int64_t requests = 0;
    std::int64_t errors = 0; // status ≥ 400
    std::int64_t tokens_in = 0;
    std::int64_t tokens_out = 0;
    std::int64_t tokens_cached = 0;
    double cost_usd = 0;
    double saved_usd = 0;
    std::int64_t cache_hits = 0;
    std::int64_t latency_us = 0;  // summed (mean = latency_us / requests)
    std::int64_t overhead_us = 0; // summed
    double error_rate() const { return requests ? static_cast<double>(errors) / static_cast<double>(requests) : 0.0; }
};

// A call that failed, as the recent-errors list shows it.
struct failed_call {
    std::int64_t at_unix_ms = 0;
    std::string request_id, tenant, route, model_group, provider, error_code;
    int status = 0;
};
inline constexpr std::size_t max_recent_errors = 200;

// A day group's value as the stores give it (days since the Unix epoch) in the API's form.
std::string day_group(std::int64_t days_since_epoch);

} // namespace switchboard::domain::ledger
