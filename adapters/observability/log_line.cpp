// Log lines appended field by field.
#include "adapters/observability/log_line.hpp"

#include "domain/utf8.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

namespace switchboard::adapters {
namespace {

void append_digits(std::string& out, long value, int width) {
    char buf[16];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0 || n < width);
    while (n > 0) out += buf[--n];
}

// "2026-11-21T11:56:16.849750Z". The date and time of day are formatted once per second per
// thread; only the microseconds are new on each line.
void append_timestamp(std::string& out) {
    auto const now = std::chrono::system_clock::now();
    auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    std::time_t const second = static_cast<std::time_t>(micros / 1'000'000);
    thread_local std::time_t cached_second = -1;
    thread_local std::string cached_prefix; // "2026-11-21T11:56:16"
    if (second != cached_second) {
        std::tm tm{};
        gmtime_r(&second, &tm);
        cached_prefix.clear();
        append_digits(cached_prefix, tm.tm_year + 1900, 4);
        cached_prefix += '-';
        append_digits(cached_prefix, tm.tm_mon + 1, 2);
        cached_prefix += '-';
        append_digits(cached_prefix, tm.tm_mday, 2);
        cached_prefix += 'T';
        append_digits(cached_prefix, tm.tm_hour, 2);
        cached_prefix += ':';
        append_digits(cached_prefix, tm.tm_min, 2);
        cached_prefix += ':';
        append_digits(cached_prefix, tm.tm_sec, 2);
        cached_second = second;
    }
    out += '"';
    out += cached_prefix;
    out += '.';
    append_digits(out, static_cast<long>(micros % 1'000'000), 6);
    out += "Z\"";
}

// Whether none of the eight bytes at `at` needs escaping or checking: each is printable ASCII
// other than '"' and '\\'. Most values (ids, routes, model names) are only such bytes.
bool eight_plain_bytes(char const* at) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    std::uint64_t v;
    std::memcpy(&v, at, 8);
    auto const below = [&](std::uint64_t n) { return (v - ones * n) & ~v & highs; }; // a byte < n (n <= 128)
    auto const zero_in = [&](std::uint64_t w) { return (w - ones) & ~w & highs; };
    return ((v & highs) | below(0x20) | zero_in(v ^ (ones * '"')) | zero_in(v ^ (ones * '\\'))) == 0;
}

} // namespace

void append_json_string(std::string& out, std::string_view value) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain_from = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        while (i + 8 <= value.size() && eight_plain_bytes(value.data() + i)) i += 8;
        if (i == value.size()) break;
        auto const c = static_cast<unsigned char>(value[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
        if (c >= 0x80) { // kept when it is well-formed UTF-8; else U+FFFD: a log line is UTF-8
            if (auto const n = domain::utf8_sequence_at(value, i); n > 0) {
                i += n - 1;
                continue;
            }
            out.append(value.data() + plain_from, i - plain_from);
            plain_from = i + 1;
            out += "\\ufffd";
            continue;
        }
        out.append(value.data() + plain_from, i - plain_from);
        plain_from = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(value.data() + plain_from, value.size() - plain_from);
    out += '"';
}

log_line::log_line(log_level level, std::string_view event) : level_(level) {
    text_.reserve(512);
    text_ += "{\"ts\":";
    append_timestamp(text_);
    text_ += ",\"level\":\"";
    text_ += log_level_name(level);
    text_ += "\",\"event\":";
    append_json_string(text_, event);
}

void log_line::key(std::string_view name) {
    // ,"name": in one append (keys are short literals; a long one takes three).
    char buf[64];
    if (name.size() + 4 > sizeof buf) {
        text_ += ",\"";
        text_ += name;
        text_ += "\":";
        return;
    }
    buf[0] = ',';
    buf[1] = '"';
    std::memcpy(buf + 2, name.data(), name.size());
    buf[name.size() + 2] = '"';
    buf[name.size() + 3] = ':';
    text_.append(buf, name.size() + 4);
}

log_line& log_line::add(std::string_view name, std::string_view value) {
    key(name);
    append_json_string(text_, value);
    return *this;
}

log_line& log_line::add_integer(std::string_view name, std::int64_t value) {
    key(name);
    char buf[24];
    auto const end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    text_.append(buf, end);
    return *this;
}

log_line& log_line::add(std::string_view name, double value) {
    key(name);
    if (!std::isfinite(value)) {
        text_ += "null";
        return *this;
    }
    char buf[32];
    auto const end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    text_.append(buf, end);
    return *this;
}

namespace {
// Like boost::json::serialize, but every string (keys included) goes through append_json_string,
// which does not let ill-formed UTF-8 through.
void append_json_value(std::string& out, boost::json::value const& value) {
    switch (value.kind()) {
    case boost::json::kind::string:
        append_json_string(out, value.get_string());
        return;
    case boost::json::kind::array: {
        out += '[';
        bool first = true;
        for (auto const& item : value.get_array()) {
            if (!first) out += ',';
            first = false;
            append_json_value(out, item);
        }
        out += ']';
        return;
    }
    case boost::json::kind::object: {
        out += '{';
        bool first = true;
        for (auto const& [k, v] : value.get_object()) {
            if (!first) out += ',';
            first = false;
            append_json_string(out, k);
            out += ':';
            append_json_value(out, v);
        }
        out += '}';
        return;
    }
    default:
        out += boost::json::serialize(value);
    }
}
} // namespace

log_line& log_line::add(std::string_view name, boost::json::value const& value) {
    key(name);
    append_json_value(text_, value);
    return *this;
}

void log_line::write() {
    text_ += "}\n";
    push_log_text(std::move(text_));
}

} // namespace switchboard::adapters
