// Cache-Control directives of a provider's answer, and If-None-Match lists.
#include "domain/rest/freshness.hpp"

#include "domain/ascii.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace switchboard::domain::rest {
namespace {
std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls `directive(name, value)` for each comma-separated directive (name lower-cased).
template <class F> void each_directive(std::string_view header, F directive) {
    while (!header.empty()) {
        auto const comma = header.find(',');
        auto const item = trimmed(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        auto const eq = item.find('=');
        auto const name = ascii_lowered(trimmed(item.substr(0, eq)));
        auto value = eq == std::string_view::npos ? std::string_view{} : trimmed(item.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        directive(name, value);
    }
}

std::optional<std::int64_t> delta_seconds(std::string_view v) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc::result_out_of_range) return std::int64_t{1} << 31; // "a very large number"
    if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
}
} // namespace

freshness freshness_of(seconds configured_ttl, std::string_view cache_control, bool has_validator) {
    bool no_store = false, no_cache = false;
    std::optional<std::int64_t> max_age, s_maxage;
    each_directive(cache_control, [&](std::string const& name, std::string_view value) {
        if (name == "no-store" || name == "private") no_store = true;
        else if (name == "no-cache") no_cache = true;
        else if (name == "max-age") max_age = delta_seconds(value).value_or(0); // invalid: stale (RFC 9111 §4.2.1)
        else if (name == "s-maxage") s_maxage = delta_seconds(value).value_or(0);
    });
    if (no_store || configured_ttl <= seconds::zero()) return {};
    seconds fresh = configured_ttl;
    if (auto upstream = s_maxage ? s_maxage : max_age) fresh = std::min(fresh, seconds(*upstream));
    if (no_cache) fresh = seconds::zero();
    if (fresh == seconds::zero() && !has_validator) return {}; // nothing to serve, nothing to revalidate
    return {true, fresh, has_validator ? fresh + configured_ttl : fresh};
}

cache_plan plan_rest_cache(seconds endpoint_ttl, cache_control const& control, std::string_view tenant,
                           std::string_view shared_namespace) {
    cache_plan plan;
    if (endpoint_ttl <= seconds::zero()) return plan;
    plan.ttl = control.ttl ? std::min(*control.ttl, endpoint_ttl) : endpoint_ttl;
    plan.read = !control.no_read;
    plan.write = !control.no_store && plan.ttl > seconds::zero();
    std::string const base(shared_namespace.empty() ? tenant : shared_namespace);
    plan.cache_namespace = control.cache_namespace.empty() ? base : base + "/" + control.cache_namespace;
    plan.tags = control.tags;
    return plan;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (etag.empty()) return false;
    bool found = false;
    // If-None-Match is a list of entity tags (weak comparison, RFC 9110 §13.1.2) or "*".
    std::string_view rest = if_none_match;
    auto const strip_weak = [](std::string_view t) { return t.starts_with("W/") ? t.substr(2) : t; };
    while (!rest.empty() && !found) {
        auto const comma = rest.find(',');
        auto const tag = trimmed(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        found = tag == "*" || strip_weak(tag) == strip_weak(etag);
    }
    return found;
}

} // namespace switchboard::domain::rest
