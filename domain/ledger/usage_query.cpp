// Reading GET /api/v1/usage's query (usage_query.hpp).
#include "domain/ledger/usage_query.hpp"

#include "domain/calendar.hpp"

#include <array>
#include <charconv>

namespace switchboard::domain::ledger {
namespace {
constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t default_span_ms = 30 * day_ms;

constexpr std::array<std::pair<std::string_view, usage_grouping>, 7> groupings{{
    {"total", usage_grouping::total},
    {"tenant", usage_grouping::tenant},
    {"key", usage_grouping::key},
    {"model", usage_grouping::model},
    {"provider", usage_grouping::provider},
    {"route", usage_grouping::route},
    {"day", usage_grouping::day},
}};

gateway_error bad(std::string const& param, std::string message) {
    return make_error(errc::invalid_request, std::move(message), param);
}

// An instant as Unix ms: a date (its midnight, or the next one for an inclusive `to`), an
// RFC 3339 UTC time, or Unix seconds.
std::optional<std::int64_t> instant_ms(std::string_view text, bool end_of_day) {
    std::int64_t seconds = 0;
    auto const* const end = text.data() + text.size();
    if (!text.empty() && std::from_chars(text.data(), end, seconds).ptr == end)
        return seconds >= 0 && seconds < 253'402'300'800 ? std::optional(seconds * 1000) : std::nullopt;
    auto const parsed = parse_utc_time(text);
    if (!parsed) return std::nullopt;
    bool const date_only = text.size() == 10;
    return (*parsed + (date_only && end_of_day ? 86'400 : 0)) * 1000;
}
} // namespace

std::string_view grouping_name(usage_grouping g) {
    for (auto const& [name, value] : groupings)
        if (value == g) return name;
    return "total";
}

result<usage_query> read_usage_query(std::vector<std::pair<std::string, std::string>> const& params,
                                     std::int64_t now_unix_ms) {
    usage_query q;
    q.to_unix_ms = now_unix_ms + 1; // through now
    std::optional<std::int64_t> from;
    std::vector<std::string_view> seen;
    for (auto const& [name, value] : params) {
        for (auto s : seen)
            if (s == name) return bad(name, "The parameter '" + name + "' is given more than once");
        seen.push_back(name);
        if (name == "from" || name == "to") {
            auto const at = instant_ms(value, name == "to");
            if (!at)
                return bad(name, "'" + name + "' must be a date (2026-12-01), a UTC time (2026-12-01T10:00:00Z) or Unix seconds");
            if (name == "from") from = *at;
            else q.to_unix_ms = *at;
        } else if (name == "group_by") {
            bool known = false;
            for (auto const& [text, g] : groupings)
                if (value == text) q.group_by = g, known = true;
            if (!known) return bad(name, "'group_by' is one of total, tenant, key, model, provider, route, day");
        } else if (name == "tenant") {
            if (value.empty() || value.size() > 128) return bad(name, "'tenant' names a tenant (1 to 128 characters)");
            q.tenant = value;
        } else {
            return bad(name, "Unknown parameter '" + name.substr(0, 64) + "' (from, to, group_by, tenant)");
        }
    }
    q.from_unix_ms = from.value_or(q.to_unix_ms - default_span_ms);
    if (q.from_unix_ms >= q.to_unix_ms) return bad("from", "'from' must come before 'to'");
    if (q.to_unix_ms - q.from_unix_ms > max_query_span_ms) return bad("from", "A usage query covers at most 400 days");
    return q;
}

std::string day_group(std::int64_t days_since_epoch) {
    return day_id(days_since_epoch * 86'400);
}

} // namespace switchboard::domain::ledger
