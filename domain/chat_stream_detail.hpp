#pragma once
// Helpers the stream translators of each wire format share (chat_stream.cpp and the
// *_stream.cpp beside each *_wire.cpp). Internal to the domain library.
#include "domain/json_checks.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain::stream_detail {
namespace json = boost::json;

inline std::int64_t count(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    return 0;
}

inline std::string string_of(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

inline json::object const* object_at(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_object() ? &v->as_object() : nullptr;
}

inline std::optional<json::object> parse_object(std::string_view text) {
    auto v = parse_json(text);
    if (!v || !v->is_object()) return std::nullopt;
    return std::move(v->as_object());
}

} // namespace switchboard::domain::stream_detail
