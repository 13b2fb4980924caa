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

// A JSON string exactly as json::serialize writes it (the canonical form must not change with
// how it is produced): quote, backslash and control characters escaped, the rest as is.
void append_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0; // start of the run not yet copied
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto const c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + plain, i - plain);
        plain = i + 1;
        out += '\\';
        switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\b': out += 'b'; break;
        case '\f': out += 'f'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        default:
            out += "u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(text.data() + plain, text.size() - plain);
    out += '"';
}

void append(std::string& out, json::value const& v);

// `skip_neutral`: the request's top level, where answer-neutral fields are left out.
void append_object(std::string& out, json::object const& o, bool skip_neutral) {
    // A request's objects are small: their fields are sorted in place on the stack.
    constexpr std::size_t on_stack = 16;
    std::array<json::key_value_pair const*, on_stack> few;
    std::vector<json::key_value_pair const*> many;
    if (o.size() > on_stack) many.resize(o.size());
    auto** const fields = o.size() > on_stack ? many.data() : few.data();
    std::size_t count = 0;
    for (auto const& kv : o)
        if (!skip_neutral || !answer_neutral_field(kv.key())) fields[count++] = &kv;
    std::sort(fields, fields + count, [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < count; ++i) {
        if (i) out += ',';
        append_string(out, fields[i]->key());
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
    case json::kind::string:
        append_string(out, v.get_string());
        return;
    case json::kind::bool_:
        out += v.get_bool() ? "true" : "false";
        return;
    case json::kind::null:
        out += "null";
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
    std::string out;
    out.reserve(256);
    out += kind;
    out += '\n';
    out += cache_namespace;
    out += '\n';
    append_object(out, body, true);
    return out;
}

} // namespace switchboard::domain
