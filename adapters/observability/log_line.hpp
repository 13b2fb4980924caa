#pragma once
// One log line built straight into its text: {"ts":…,"level":…,"event":…,<fields>}\n.
//
// The request log line is written once per request, so it is appended field by field into one
// string instead of going through a boost::json::object (a hash table built, copied and
// serialised per line; measured in docs/PERFORMANCE.md). Strings are escaped as JSON requires;
// non-finite numbers become null. Keys are the caller's literals and are not escaped.
#include "adapters/observability/log.hpp"

#include <boost/json/value.hpp>

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace switchboard::adapters {

class log_line {
  public:
    log_line(log_level level, std::string_view event);

    log_line& add(std::string_view key, std::string_view value);
    log_line& add(std::string_view key, char const* value) { return add(key, std::string_view(value)); }
    log_line& add(std::string_view key, std::string const& value) { return add(key, std::string_view(value)); }
    template <std::integral Int>
    log_line& add(std::string_view key, Int value) {
        return add_integer(key, static_cast<std::int64_t>(value));
    }
    log_line& add(std::string_view key, double value);
    log_line& add(std::string_view key, boost::json::value const& value);

    // Hands the finished line to the sink; the line is empty afterwards.
    void write();

  private:
    log_line& add_integer(std::string_view key, std::int64_t value);
    void key(std::string_view name);
    log_level level_;
    std::string text_;
};

// Appends `value` to `out` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view value);

} // namespace switchboard::adapters
