// The sections of the gateway's own serving: server (with cors), store, timeouts, logging,
// metrics, background, tiers.
#include "server/config_sections.hpp"

#include "adapters/http/client_ip.hpp"

#include <boost/json/value_from.hpp>

namespace switchboard::server {
using namespace std::chrono_literals;

namespace {
// "*" or an origin such as https://app.example.com: a scheme and a host, no path.
bool is_origin(std::string const& v) {
    if (v == "*") return true;
    if (!v.starts_with("https://") && !v.starts_with("http://")) return false;
    return v.find('/', v.find("//") + 2) == std::string::npos;
}

field_list<adapters::cors_policy> cors_fields() {
    using S = adapters::cors_policy;
    static config_field<S> const fields[] = {
        field::text_list<S>("allow_origins", &S::allow_origins, "origins", is_origin,
                       "must be \"*\" or an origin such as https://app.example.com (no path)"),
        field::duration<S>("max_age", &S::max_age, 0ms),
    };
    return fields;
}

config_field<server_settings> trusted_proxies_field() {
    auto list = field::text_list<server_settings>("trusted_proxies", &server_settings::trusted_proxies,
                                             "addresses or CIDR blocks", nullptr, {});
    auto read_list = list.read;
    list.read = [read_list](config_reader& rd, YAML::Node const& n, std::string const& path, server_settings& s) {
        read_list(rd, n, path, s);
        if (auto parsed = adapters::trusted_proxies::parse(s.trusted_proxies); !parsed) rd.fail(path, parsed.error());
    };
    return list;
}
} // namespace

field_list<server_settings> server_fields() {
    using S = server_settings;
    auto http = [](auto& s) -> auto& { return s.http; };
    static config_field<S> const fields[] = {
        field::text<S>("host", &S::host),
        field::integer<S>("port", &S::port, 0, 65535),
        field::integer<S>("threads", &S::threads, 0, 1024),
        field::bytes<S>("max_header_bytes", [=](auto& s) -> auto& { return http(s).max_header_bytes; }, 1024, 1u << 20),
        field::bytes<S>("max_body_bytes", [=](auto& s) -> auto& { return http(s).max_body_bytes; }, 1024, 1ull << 30),
        field::duration<S>("header_timeout", [=](auto& s) -> auto& { return http(s).header_timeout; }),
        field::duration<S>("body_timeout", [=](auto& s) -> auto& { return http(s).body_timeout; }),
        field::duration<S>("idle_timeout", [=](auto& s) -> auto& { return http(s).idle_timeout; }),
        field::duration<S>("write_timeout", [=](auto& s) -> auto& { return http(s).write_timeout; }),
        field::bytes<S>("gzip_min_bytes", [=](auto& s) -> auto& { return http(s).compression.min_bytes; }, 0, 1ull << 30),
        field::integer<S>("gzip_level", [=](auto& s) -> auto& { return http(s).compression.level; }, 1, 9),
        field::duration<S>("shutdown_grace", &S::shutdown_grace),
        field::duration<S>("ready_drain_delay", &S::ready_drain_delay, 0ms),
        trusted_proxies_field(),
        field::section<S, adapters::cors_policy>("cors", &S::cors, cors_fields()),
        field::text<S>("docs_url", &S::docs_url),
        field::integer<S>("max_connections", &S::max_connections, 1, 1'000'000),
        field::integer<S>("max_connections_per_ip", &S::max_connections_per_ip, 1, 1'000'000),
    };
    return fields;
}

field_list<domain::lease_terms> quota_lease_fields() {
    using S = domain::lease_terms;
    static config_field<S> const fields[] = {
        field::integer<S>("calls", &S::calls, 1, 10'000),
        field::number<S>("max_share", &S::max_share, [](double x) { return x > 0 && x <= 0.5; },
                         "must be a fraction above 0 and at most 0.5"),
        field::duration<S>("hold", &S::hold, std::chrono::milliseconds(10), std::chrono::milliseconds(60'000)),
        field::number<S>("exact_above", &S::exact_above, [](double x) { return x > 0 && x <= 1; },
                         "must be a fraction above 0 and at most 1"),
    };
    return fields;
}

field_list<store_settings> store_fields() {
    using S = store_settings;
    static config_field<S> const fields[] = {
        {"url",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto v = rd.string(n, path)) s.url = *v == "memory" ? std::string() : *v; // as the dump shows it
         },
         [](S const& s) { // redis://user:pass@host → redis://****@host
             std::string url = s.url.empty() ? "memory" : s.url;
             if (auto at = url.find('@'); at != std::string::npos)
                 if (auto scheme = url.find("://"); scheme != std::string::npos && scheme < at)
                     url = url.substr(0, scheme + 3) + "****" + url.substr(at);
             return boost::json::value(url);
         }},
        field::flag<S>("cluster", &S::cluster),
        field::duration<S>("timeout", &S::timeout),
        field::duration<S>("connect_timeout", &S::connect_timeout),
        field::number<S>("local_fraction", &S::local_fraction, [](double x) { return x > 0 && x <= 1; },
                         "must be a fraction above 0 and at most 1"),
        {"reservation_lease",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (n.IsScalar() && n.Scalar() == "auto") // timeouts.request + 60 s, as the dump shows it
                 s.reservation_lease = std::chrono::milliseconds(0);
             else
                 field::duration<S>("reservation_lease", &S::reservation_lease).read(rd, n, path, s);
         },
         [](S const& s) {
             return boost::json::value(s.reservation_lease.count() > 0 ? ms_text(s.reservation_lease) : "auto");
         }},
        field::section<S, domain::lease_terms>("leases", &S::leases, quota_lease_fields()),
    };
    return fields;
}

field_list<timeout_settings> timeout_fields() {
    using S = timeout_settings;
    static config_field<S> const fields[] = {
        field::duration<S>("connect", &S::connect),
        field::duration<S>("attempt", &S::attempt),
        field::duration<S>("request", &S::request),
        field::duration<S>("response_headers", &S::response_headers, 0ms),
        field::duration<S>("first_token", &S::first_token),
        field::duration<S>("stream_idle", &S::stream_idle),
    };
    return fields;
}

field_list<observability_settings> logging_fields() {
    using S = observability_settings;
    static config_field<S> const fields[] = {
        {"level",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             auto v = rd.string(n, path);
             if (!v) return;
             if (auto level = adapters::parse_log_level(*v))
                 s.log.level = *level;
             else
                 rd.fail(path, "must be one of debug, info, warning, error, critical; got '" + *v + "'");
         },
         [](S const& s) { return boost::json::value(adapters::log_level_name(s.log.level)); }},
        {"file",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto v = rd.string(n, path)) s.log.target.file = *v == "stdout" ? std::string() : *v;
         },
         [](S const& s) {
             return s.log.target.file.empty() ? boost::json::value("stdout") : boost::json::value(s.log.target.file);
         }},
        field::bytes<S>("max_file_size", [](auto& s) -> auto& { return s.log.target.max_file_bytes; }, 4096,
                        std::size_t{1} << 40),
        field::integer<S>("max_files", [](auto& s) -> auto& { return s.log.target.max_files; }, 0, 100),
        field::flag<S>("include_payloads", [](auto& s) -> auto& { return s.requests.include_payloads; }),
        field::integer<S>("payload_max_chars", [](auto& s) -> auto& { return s.requests.payload_max_chars; }, 16,
                          1'000'000),
    };
    return fields;
}

field_list<observability_settings> metrics_fields() {
    using S = observability_settings;
    static config_field<S> const fields[] = {field::flag<S>("enabled", &S::metrics)};
    return fields;
}

field_list<observability_settings> background_fields() {
    using S = observability_settings;
    static config_field<S> const fields[] = {
        field::duration<S>("quota_refresh_interval", &S::quota_refresh_interval),
        field::duration<S>("housekeeping_interval", &S::housekeeping_interval),
    };
    return fields;
}

field_list<domain::tier_rules> tier_fields() {
    using S = domain::tier_rules;
    static config_field<S> const fields[] = {
        field::integer<S>("simple_max_prompt_tokens", &S::simple_max_prompt_tokens, 0, 100'000'000),
        field::integer<S>("medium_max_prompt_tokens", &S::medium_max_prompt_tokens, 0, 100'000'000),
        {"with_tools",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             auto v = rd.string(n, path);
             if (!v) return;
             auto t = domain::parse_tier(*v);
             if (!t || !t->has_value()) return rd.fail(path, "must be simple, medium or complex");
             s.with_tools = **t;
         },
         [](S const& s) { return boost::json::value(domain::tier_name(s.with_tools)); }},
    };
    return fields;
}

} // namespace switchboard::server
