// Inbound parameters of a REST service endpoint: read, typed, checked, defaulted.
#include "domain/rest/service.hpp"

#include "domain/json_checks.hpp"
#include "domain/utf8.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace switchboard::domain::rest {
namespace json = boost::json;

std::optional<param_type> parse_param_type(std::string_view name) {
    if (name == "string") return param_type::string;
    if (name == "integer") return param_type::integer;
    if (name == "number") return param_type::number;
    if (name == "boolean") return param_type::boolean;
    return std::nullopt;
}

std::string_view param_type_name(param_type t) {
    switch (t) {
    case param_type::string:
        return "string";
    case param_type::integer:
        return "integer";
    case param_type::number:
        return "number";
    case param_type::boolean:
        return "boolean";
    }
    return "string";
}

bool valid_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

namespace {
bool utf8_text(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto const byte = static_cast<unsigned char>(s[i]);
        if (byte < 0x20 || byte == 0x7F) return false; // control characters
        if (byte < 0x80) {
            ++i;
            continue;
        }
        auto const n = utf8_sequence_at(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

gateway_error bad(param_spec const& p, std::string what) {
    return make_error(errc::invalid_request, "The parameter '" + p.name + "' " + std::move(what), p.name);
}

// A number's bounds, for integers and numbers alike.
std::optional<gateway_error> out_of_bounds(param_spec const& p, double v) {
    if (p.minimum && v < *p.minimum) return bad(p, "must be at least " + json::serialize(json::value(*p.minimum)));
    if (p.maximum && v > *p.maximum) return bad(p, "must be at most " + json::serialize(json::value(*p.maximum)));
    return std::nullopt;
}

// A JSON value of the declared type and within its constraints.
result<json::value> checked(param_spec const& p, json::value const& v) {
    switch (p.type) {
    case param_type::string: {
        if (!v.is_string()) return bad(p, "must be a string");
        std::string_view const s = v.as_string();
        if (s.size() > p.max_length) return bad(p, "must be at most " + std::to_string(p.max_length) + " bytes");
        if (!utf8_text(s))
            return bad(p, "must be UTF-8 text without control characters");
        if (!p.one_of.empty() && std::find(p.one_of.begin(), p.one_of.end(), s) == p.one_of.end()) {
            std::string allowed;
            for (auto const& o : p.one_of) allowed += (allowed.empty() ? "" : ", ") + o;
            return bad(p, "must be one of: " + allowed);
        }
        return v;
    }
    case param_type::integer: {
        if (v.is_double() && std::trunc(v.as_double()) == v.as_double() && std::abs(v.as_double()) < 9e15)
            return checked(p, json::value(static_cast<std::int64_t>(v.as_double())));
        if (!v.is_int64() && !v.is_uint64()) return bad(p, "must be an integer");
        if (v.is_uint64() && v.as_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return bad(p, "is too large");
        auto const n = v.to_number<std::int64_t>();
        if (auto e = out_of_bounds(p, static_cast<double>(n))) return *e;
        return json::value(n);
    }
    case param_type::number: {
        if (!v.is_number()) return bad(p, "must be a number");
        auto const n = v.to_number<double>();
        if (!std::isfinite(n)) return bad(p, "must be a finite number");
        if (auto e = out_of_bounds(p, n)) return *e;
        return v;
    }
    case param_type::boolean:
        if (!v.is_bool()) return bad(p, "must be true or false");
        return v;
    }
    return bad(p, "has an unknown type");
}

// A query value (text) as the declared type.
result<json::value> typed(param_spec const& p, std::string const& text) {
    switch (p.type) {
    case param_type::string:
        return checked(p, json::value(text));
    case param_type::integer: {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return bad(p, "must be an integer");
        return checked(p, json::value(n));
    }
    case param_type::number: {
        double n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return bad(p, "must be a number");
        return checked(p, json::value(n));
    }
    case param_type::boolean:
        if (text == "true" || text == "1") return json::value(true);
        if (text == "false" || text == "0") return json::value(false);
        return bad(p, "must be true or false");
    }
    return bad(p, "has an unknown type");
}

param_spec const* find_param(endpoint const& e, std::string_view name) {
    auto it = std::find_if(e.params.begin(), e.params.end(), [&](param_spec const& p) { return p.name == name; });
    return it == e.params.end() ? nullptr : &*it;
}

gateway_error undeclared(endpoint const& e, std::string_view name) {
    std::string declared;
    for (auto const& p : e.params) declared += (declared.empty() ? "" : ", ") + p.name;
    return make_error(errc::invalid_request,
                      "The endpoint " + e.route() + " takes no parameter '" + truncate_for_message(name) + "'" +
                          (declared.empty() ? std::string(" (it takes none)") : " (it takes: " + declared + ")"),
                      std::string(truncate_for_message(name)));
}

// Every declared parameter given, or defaulted, or absent when optional.
result<json::object> complete(endpoint const& e, json::object given) {
    for (auto const& p : e.params) {
        if (given.contains(p.name)) continue;
        if (p.required) return bad(p, "is required");
        if (!p.fallback.is_null()) given[p.name] = p.fallback;
    }
    return given;
}
} // namespace

result<json::object> read_query_params(endpoint const& e, std::vector<std::pair<std::string, std::string>> const& query) {
    json::object out;
    for (auto const& [name, text] : query) {
        auto const* p = find_param(e, name);
        if (!p) return undeclared(e, name);
        if (out.contains(name)) return bad(*p, "is given more than once");
        auto v = typed(*p, text);
        if (!v) return v.error();
        out[name] = std::move(*v);
    }
    return complete(e, std::move(out));
}

result<json::object> read_body_params(endpoint const& e, json::object const& body) {
    json::object out;
    for (auto const& kv : body) {
        auto const* p = find_param(e, kv.key());
        if (!p) return undeclared(e, kv.key());
        if (kv.value().is_null() && !p->required) continue; // null: not given
        auto v = checked(*p, kv.value());
        if (!v) return v.error();
        out[kv.key()] = std::move(*v);
    }
    return complete(e, std::move(out));
}

} // namespace switchboard::domain::rest
