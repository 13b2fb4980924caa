// Canonical request forms for cache identities.
#include "domain/cache/cache_key.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
void append_number(std::string& out, double d) {
    // Integral values within the exactly representable range are written as integers.
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9007199254740992.0) {
        out += std::to_string(static_cast<std::int64_t>(d));
        return;
    }
    if (!std::isfinite(d)) { // a number beyond a double's range reads as infinite: written back the same way
        out += d > 0 ? "1e999" : "-1e999";
        return;
    }
    char buffer[32];
    auto r = std::to_chars(buffer, buffer + sizeof buffer, d); // shortest round-trip form
    out.append(buffer, r.ptr);
}

void append(std::string& out, json::value const& v);

// `skip_neutral`: the request's top level, where answer-neutral fields are left out.
void append_object(std::string& out, json::object const& o, bool skip_neutral) {
    std::vector<json::key_value_pair const*> fields;
    fields.reserve(o.size());
    for (auto const& kv : o)
        if (!skip_neutral || !answer_neutral_field(kv.key())) fields.push_back(&kv);
    std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += json::serialize(json::string(fields[i]->key()));
        out += ':';
        append(out, fields[i]->value());
    }
    out += '}';
}

void append(std::string& out, json::value const& v) {
    switch (v.kind()) {
    case json::kind::object:
        append_object(out, v.get_object(), false);
        return;
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (auto const& item : v.get_array()) {
            if (!first) out += ',';
            first = false;
            append(out, item);
        }
        out += ']';
        return;
    }
    case json::kind::int64:
        out += std::to_string(v.get_int64());
        return;
    case json::kind::uint64:
        out += std::to_string(v.get_uint64());
        return;
    case json::kind::double_:
        append_number(out, v.get_double());
        return;
    default: // string, bool, null
        out += json::serialize(v);
        return;
    }
}
} // namespace

std::string canonical_json(json::value const& v) {
    std::string out;
    append(out, v);
    return out;
}

bool answer_neutral_field(std::string_view name) {
    static constexpr std::array<std::string_view, 8> neutral{
        "stream",           "stream_options",   "user", "metadata", "store", "service_tier",
        "prompt_cache_key", "safety_identifier"};
    return std::find(neutral.begin(), neutral.end(), name) != neutral.end();
}

std::string cache_identity(std::string_view kind, std::string_view cache_namespace,
                           json::object const& body) {
    std::string out(kind);
    out += '\n';
    out += cache_namespace;
    out += '\n';
    append_object(out, body, true);
    return out;
}

} // namespace switchboard::domain
