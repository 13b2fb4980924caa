// logging / metrics / background sections.
#include "server/config_observability.hpp"

namespace switchboard::server {

std::optional<bool> read_flag(config_reader& r, YAML::Node const& n, std::string const& path) {
    auto v = r.string(n, path);
    if (!v) return std::nullopt;
    if (*v == "true") return true;
    if (*v == "false") return false;
    r.fail(path, "must be true or false");
    return std::nullopt;
}

void read_logging(config_reader& r, YAML::Node const& n, observability_settings& o) {
    if (!n.IsMap()) return r.fail("logging", "must be a mapping");
    r.only_keys(n, "logging", {"level", "file", "max_file_size", "max_files", "include_payloads", "payload_max_chars"});
    if (auto l = n["level"])
        if (auto v = r.string(l, "logging.level")) {
            if (auto level = adapters::parse_log_level(*v))
                o.log.level = *level;
            else
                r.fail("logging.level", "must be one of debug, info, warning, error, critical; got '" + *v + "'");
        }
    r.set(n, "logging", "file", o.log.target.file, [&](auto const& v, auto const& p) { return r.string(v, p); });
    r.set(n, "logging", "max_file_size", o.log.target.max_file_bytes,
          [&](auto const& v, auto const& p) { return r.bytes(v, p, 4096, std::size_t{1} << 40); });
    r.set(n, "logging", "max_files", o.log.target.max_files,
          [&](auto const& v, auto const& p) { return r.integer(v, p, 0, 100); });
    if (auto f = n["include_payloads"])
        if (auto v = read_flag(r, f, "logging.include_payloads")) o.requests.include_payloads = *v;
    r.set(n, "logging", "payload_max_chars", o.requests.payload_max_chars,
          [&](auto const& v, auto const& p) { return r.integer(v, p, 16, 1'000'000); });
}

void read_metrics(config_reader& r, YAML::Node const& n, observability_settings& o) {
    if (!n.IsMap()) return r.fail("metrics", "must be a mapping");
    r.only_keys(n, "metrics", {"enabled"});
    if (auto e = n["enabled"])
        if (auto v = read_flag(r, e, "metrics.enabled")) o.metrics = *v;
}

void read_background(config_reader& r, YAML::Node const& n, observability_settings& o) {
    if (!n.IsMap()) return r.fail("background", "must be a mapping");
    r.only_keys(n, "background", {"quota_refresh_interval", "housekeeping_interval"});
    auto dur = [&](auto const& v, auto const& p) { return r.duration(v, p); };
    r.set(n, "background", "quota_refresh_interval", o.quota_refresh_interval, dur);
    r.set(n, "background", "housekeeping_interval", o.housekeeping_interval, dur);
}

void read_probe(config_reader& r, YAML::Node const& n, std::string const& path, adapters::provider_settings& p) {
    if (!n.IsMap()) return r.fail(path, "must be a mapping {interval, timeout}");
    r.only_keys(n, path, {"interval", "timeout"});
    auto dur = [&](auto const& v, auto const& k) { return r.duration(v, k); };
    r.set(n, path, "interval", p.probe_interval, dur);
    r.set(n, path, "timeout", p.probe_timeout, dur);
    if (p.probe_interval.count() == 0) r.fail(path + ".interval", "is required (e.g. 30s)");
}

} // namespace switchboard::server
