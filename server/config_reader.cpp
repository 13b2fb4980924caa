// Typed config values with key paths and ${VAR} interpolation.
#include "server/config_reader.hpp"

#include <cerrno>
#include <cstdlib>
#include <regex>

namespace switchboard::server {
using std::chrono::milliseconds;

void config_reader::fail(std::string const& path, std::string const& problem) {
    problems.push_back(path + ": " + problem);
}

void config_reader::only_keys(YAML::Node const& map, std::string const& path,
                              std::set<std::string> const& known) {
    std::set<std::string> seen;
    for (auto const& kv : map) {
        auto key = kv.first.as<std::string>();
        if (!known.contains(key)) fail(join(path, key), "unknown key");
        if (!seen.insert(key).second) fail(join(path, key), "is given more than once");
    }
}

std::string config_reader::join(std::string const& path, std::string const& key) {
    return path.empty() ? key : path + "." + key;
}

std::optional<std::string> config_reader::string(YAML::Node const& n, std::string const& path) {
    if (!n.IsScalar()) {
        fail(path, "must be a string");
        return std::nullopt;
    }
    return interpolate(n.Scalar(), path);
}

std::optional<std::string> config_reader::interpolate(std::string const& text, std::string const& path) {
    static std::regex const ref(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), ref);
    std::size_t last = 0;
    bool ok = true;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        auto const& m = *it;
        out += text.substr(last, static_cast<std::size_t>(m.position()) - last);
        auto value = env_((*it)[1].str());
        if (!value || value->empty()) {
            if (m[2].matched) {
                value = m[3].str();
            } else {
                fail(path, "environment variable " + m[1].str() + " is not set");
                ok = false;
                value = "";
            }
        }
        out += *value;
        last = static_cast<std::size_t>(m.position() + m.length());
    }
    out += text.substr(last);
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::int64_t> config_reader::integer(YAML::Node const& n, std::string const& path,
                                                   std::int64_t lo, std::int64_t hi) {
    auto s = string(n, path);
    if (!s) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s->c_str(), &end, 10);
    if (s->empty() || *end != '\0' || errno == ERANGE) {
        fail(path, "must be an integer, got '" + *s + "'");
        return std::nullopt;
    }
    if (v < lo || v > hi) {
        fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
        return std::nullopt;
    }
    return v;
}

std::optional<double> config_reader::number(YAML::Node const& n, std::string const& path) {
    auto s = string(n, path);
    if (!s) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(s->c_str(), &end);
    if (s->empty() || *end != '\0' || v < 0) {
        fail(path, "must be a non-negative number, got '" + *s + "'");
        return std::nullopt;
    }
    return v;
}

std::optional<std::chrono::milliseconds> config_reader::duration(YAML::Node const& n,
                                                                 std::string const& path) {
    auto s = string(n, path);
    if (!s) return std::nullopt;
    static std::regex const form(R"(^\s*([0-9]+(\.[0-9]+)?)\s*(ms|s|m|h|d)?\s*$)");
    std::smatch m;
    if (!std::regex_match(*s, m, form)) {
        fail(path, "must be a duration like 500ms, 5s, 2m, 1h or 7d, got '" + *s + "'");
        return std::nullopt;
    }
    double v = std::stod(m[1].str());
    std::string unit = m[3].matched ? m[3].str() : "s";
    double ms = unit == "ms" ? v : unit == "s" ? v * 1e3 : unit == "m" ? v * 60e3 : unit == "h" ? v * 3600e3 : v * 86400e3;
    if (ms < 1 || ms > 366 * 86400e3) {
        fail(path, "must be between 1ms and 366d");
        return std::nullopt;
    }
    return milliseconds(static_cast<std::int64_t>(ms));
}

std::optional<std::size_t> config_reader::bytes(YAML::Node const& n, std::string const& path, std::size_t lo,
                                                std::size_t hi) {
    auto s = string(n, path);
    if (!s) return std::nullopt;
    static std::regex const form(R"(^\s*([0-9]+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$)");
    std::smatch m;
    if (!std::regex_match(*s, m, form)) {
        fail(path, "must be a size like 16KiB or 8MiB, got '" + *s + "'");
        return std::nullopt;
    }
    std::size_t v = std::stoull(m[1].str());
    std::string unit = m[2].matched ? m[2].str() : "B";
    if (unit == "KiB" || unit == "KB")
        v <<= 10;
    else if (unit == "MiB" || unit == "MB")
        v <<= 20;
    else if (unit == "GiB" || unit == "GB")
        v <<= 30;
    if (v < lo || v > hi) {
        fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " bytes");
        return std::nullopt;
    }
    return v;
}

} // namespace switchboard::server
