// Typed JSON field checks shared by the request validators.
#include "domain/json_checks.hpp"

#include "domain/ascii.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
std::string path(std::string const& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}
} // namespace

std::optional<gateway_error> invalid(std::string const& param, std::string const& problem) {
    std::string message = param.empty() ? problem : "'" + param + "' " + problem;
    return make_error(errc::invalid_request, std::move(message), param);
}

std::string truncate_for_message(std::string_view s, std::size_t max) {
    std::string out;
    for (char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (s.size() > max) out += "...";
    return out;
}

std::optional<gateway_error> required_string(json::object const& o, std::string_view key, std::string& out) {
    auto const* v = o.if_contains(key);
    if (!v) return invalid(std::string(key), "is required");
    if (!v->is_string()) return invalid(std::string(key), "must be a string");
    if (v->as_string().empty()) return invalid(std::string(key), "must not be empty");
    out = std::string(v->as_string());
    return std::nullopt;
}

std::optional<gateway_error> required_identifier(json::object const& o, std::string_view key, std::size_t max,
                                                 std::string& out) {
    if (auto e = required_string(o, key, out)) return e;
    if (out.size() > max) return invalid(std::string(key), "must be at most " + std::to_string(max) + " characters");
    if (has_control_char(out)) return invalid(std::string(key), "must not contain control characters");
    return std::nullopt;
}

std::optional<gateway_error> optional_string(json::object const& o, std::string_view key,
                                             std::string const& prefix, std::string& out) {
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) return invalid(path(prefix, key), "must be a string");
    out = std::string(v->as_string());
    return std::nullopt;
}

std::optional<gateway_error> optional_bool(json::object const& o, std::string_view key, bool& out,
                                           std::string const& prefix) {
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_bool()) return invalid(path(prefix, key), "must be a boolean");
    out = v->as_bool();
    return std::nullopt;
}

std::optional<gateway_error> optional_number(json::object const& o, std::string_view key, double lo,
                                             double hi, std::optional<double>& out) {
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) return invalid(std::string(key), "must be a number");
    double const d = v->to_number<double>();
    if (!std::isfinite(d) || d < lo || d > hi)
        return invalid(std::string(key), "must be between " + json::serialize(json::value(lo)) + " and " +
                                             json::serialize(json::value(hi)));
    out = d;
    return std::nullopt;
}

std::optional<gateway_error> optional_integer(json::object const& o, std::string_view key, std::int64_t lo,
                                              std::int64_t hi, std::optional<std::int64_t>& out) {
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    std::int64_t n = 0;
    if (v->is_int64()) {
        n = v->as_int64();
    } else if (v->is_uint64()) {
        if (v->as_uint64() > static_cast<std::uint64_t>(INT64_MAX))
            return invalid(std::string(key), "is out of range");
        n = static_cast<std::int64_t>(v->as_uint64());
    } else if (v->is_double() && std::trunc(v->as_double()) == v->as_double() &&
               std::abs(v->as_double()) < 9.0e15) {
        n = static_cast<std::int64_t>(v->as_double());
    } else {
        return invalid(std::string(key), "must be an integer");
    }
    if (n < lo || n > hi)
        return invalid(std::string(key),
                       "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    out = n;
    return std::nullopt;
}

} // namespace switchboard::domain
