#pragma once
// Typed values from a YAML config, each read with its key path so that every problem is
// reported as "key.path: problem", collected rather than thrown. Strings get ${VAR} and
// ${VAR:-default} interpolation from the (injected) environment. The section readers in
// config.cpp build on these.
#include "server/config.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace switchboard::server {

class config_reader {
  public:
    explicit config_reader(env_lookup env) : env_(std::move(env)) {}

    std::vector<std::string> problems;

    void fail(std::string const& path, std::string const& problem);
    // Rejects keys this version does not know, so typos do not silently fall back to defaults,
    // and keys given twice (YAML parsers silently keep one of them).
    void only_keys(YAML::Node const& map, std::string const& path, std::set<std::string> const& known);
    static std::string join(std::string const& path, std::string const& key);

    std::optional<std::string> string(YAML::Node const& n, std::string const& path);
    // ${VAR} and ${VAR:-default}; a missing variable without default is an error.
    std::optional<std::string> interpolate(std::string const& text, std::string const& path);
    std::optional<std::int64_t> integer(YAML::Node const& n, std::string const& path, std::int64_t lo,
                                        std::int64_t hi);
    std::optional<double> number(YAML::Node const& n, std::string const& path);
    // "250ms", "5s", "2m", "1h", or a bare number of seconds; 1 ms to 24 h.
    std::optional<std::chrono::milliseconds> duration(YAML::Node const& n, std::string const& path);
    // "16KiB", "8MiB", "1024" (bytes), within [lo, hi].
    std::optional<std::size_t> bytes(YAML::Node const& n, std::string const& path, std::size_t lo,
                                     std::size_t hi);

    // Reads map[key] with `read` into `target` when present and valid.
    template <class T, class F>
    void set(YAML::Node const& map, std::string const& path, char const* key, T& target, F read) {
        if (auto n = map[key]; n && !n.IsNull())
            if (auto v = read(n, join(path, key))) target = static_cast<T>(*v);
    }

  protected:
    env_lookup env_;
};

} // namespace switchboard::server
