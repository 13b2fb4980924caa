// Filling a provider's request template and reading its answer into the declared output.
#include "domain/rest/rest_template.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>

namespace switchboard::domain::rest {
namespace json = boost::json;

namespace {
bool unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

// A parameter's value as text: strings as they are, numbers and booleans as JSON writes them.
std::string text_of(json::value const& v) {
    if (v.is_string()) return std::string(v.as_string());
    return json::serialize(v);
}

// Calls `literal(text)` and `placeholder(name)` for the parts of a template, in order.
template <class Literal, class Placeholder>
std::optional<std::string> walk(std::string_view text, Literal literal, Placeholder placeholder) {
    while (!text.empty()) {
        auto const open = text.find('{');
        literal(text.substr(0, open));
        if (open == std::string_view::npos) return std::nullopt;
        auto const close = text.find('}', open);
        if (close == std::string_view::npos) return "has a '{' without its '}'";
        auto const name = text.substr(open + 1, close - open - 1);
        if (!valid_name(name)) return "names '" + std::string(name.substr(0, 64)) + "', not a parameter name";
        placeholder(name);
        text.remove_prefix(close + 1);
    }
    return std::nullopt;
}

// A template filled with the parameters, each value passed through `encode`. An absent
// parameter leaves its place empty.
template <class Encode> std::string fill(std::string_view text, json::object const& params, Encode encode) {
    std::string out;
    walk(text, [&](std::string_view s) { out += s; },
         [&](std::string_view name) {
             if (auto const* v = params.if_contains(name)) out += encode(text_of(*v));
         });
    return out;
}

// The one parameter a template is made of ("{units}"), or empty.
std::string_view sole_placeholder(std::string_view text) {
    if (text.size() < 3 || text.front() != '{' || text.back() != '}') return {};
    auto const name = text.substr(1, text.size() - 2);
    return valid_name(name) ? name : std::string_view{};
}

// A JSON body template filled: "{name}" strings become the typed value (dropped from an object
// when the parameter is absent), other strings are filled as text.
std::optional<json::value> fill_json(json::value const& t, json::object const& params) {
    if (t.is_string()) {
        std::string_view const s = t.as_string();
        if (auto name = sole_placeholder(s); !name.empty()) {
            auto const* v = params.if_contains(name);
            return v ? std::optional<json::value>(*v) : std::nullopt;
        }
        return json::value(fill(s, params, [](std::string v) { return v; }));
    }
    if (t.is_object()) {
        json::object out;
        for (auto const& kv : t.as_object())
            if (auto v = fill_json(kv.value(), params)) out[kv.key()] = std::move(*v);
        return json::value(std::move(out));
    }
    if (t.is_array()) {
        json::array out;
        for (auto const& item : t.as_array())
            if (auto v = fill_json(item, params)) out.push_back(std::move(*v));
        return json::value(std::move(out));
    }
    return t;
}

void collect_json_names(json::value const& t, std::set<std::string, std::less<>>& names,
                        std::optional<std::string>& problem) {
    if (t.is_string()) {
        auto p = walk(t.as_string(), [](std::string_view) {}, [&](std::string_view n) { names.emplace(n); });
        if (p && !problem) problem = p;
    } else if (t.is_object()) {
        for (auto const& kv : t.as_object()) collect_json_names(kv.value(), names, problem);
    } else if (t.is_array()) {
        for (auto const& item : t.as_array()) collect_json_names(item, names, problem);
    }
}
} // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (unreserved(c)) {
            out += c;
            continue;
        }
        auto const b = static_cast<unsigned char>(c);
        out += '%';
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

result<std::set<std::string, std::less<>>> template_names(std::string_view text) {
    std::set<std::string, std::less<>> names;
    if (auto problem = walk(text, [](std::string_view) {}, [&](std::string_view n) { names.emplace(n); }))
        return make_error(errc::invalid_request, *problem);
    return names;
}

result<std::set<std::string, std::less<>>> implementation_names(implementation const& impl) {
    auto names = template_names(impl.path);
    if (!names) return make_error(errc::invalid_request, "path " + names.error().message);
    for (auto const& [key, value] : impl.query) {
        auto more = template_names(value);
        if (!more) return make_error(errc::invalid_request, "query." + key + " " + more.error().message);
        names->insert(more->begin(), more->end());
    }
    std::optional<std::string> problem;
    collect_json_names(impl.body, *names, problem);
    if (problem) return make_error(errc::invalid_request, "body " + *problem);
    return names;
}

result<rendered_request> render(implementation const& impl, json::object const& params) {
    std::optional<gateway_error> refused;
    auto const path = fill(impl.path, params, [&](std::string v) {
        if ((v == "." || v == "..") && !refused)
            refused = make_error(errc::invalid_request, "A path parameter may not be '.' or '..'");
        return percent_encode(v);
    });
    // A path parameter that is absent would leave an empty segment: only required ones may be there.
    for (auto const& name : template_names(impl.path).value())
        if (!params.contains(name))
            return make_error(errc::invalid_request, "The parameter '" + name + "' is required", name);
    if (refused) return *refused;
    rendered_request out{impl.method, path, {}};
    char separator = out.target.find('?') == std::string::npos ? '?' : '&';
    for (auto const& [key, value] : impl.query) {
        auto const name = sole_placeholder(value);
        if (!name.empty() && !params.contains(name)) continue; // an optional parameter not given
        out.target += separator;
        out.target += percent_encode(key);
        out.target += '=';
        out.target += fill(value, params, [](std::string v) { return percent_encode(v); });
        separator = '&';
    }
    if (!impl.body.is_null())
        if (auto body = fill_json(impl.body, params)) out.body = json::serialize(*body);
    return out;
}

boost::system::result<json::object, std::string> map_output(implementation const& impl, json::value const& answer) {
    json::object out;
    for (auto const& [field, pointer] : impl.output) {
        boost::system::error_code ec;
        auto const* v = answer.find_pointer(pointer, ec);
        if (!v) return "the answer has nothing at " + pointer + " (for '" + field + "')";
        out[field] = *v;
    }
    return out;
}

double cost_of(cost_rule const& rule, json::value const& answer) {
    double cost = rule.usd_per_call;
    if (rule.units_pointer.empty() || rule.usd_per_unit <= 0) return cost;
    boost::system::error_code ec;
    auto const* v = answer.find_pointer(rule.units_pointer, ec);
    if (!v || !v->is_number()) return cost;
    auto const units = v->to_number<double>();
    if (!std::isfinite(units) || units < 0 || units > 1e9) return cost; // implausible: not billed by unit
    return cost + units * rule.usd_per_unit;
}

} // namespace switchboard::domain::rest
