// The `ledger:` section: where the usage ledger lives and how long it keeps rows.
#include "server/config_sections.hpp"

namespace switchboard::server {
namespace {
using S = ledger_settings;
using std::chrono::hours;
using std::chrono::milliseconds;

// postgresql://user:pass@host → postgresql://****@host (the dump never shows a password).
boost::json::value masked_url(std::string const& url) {
    auto const at = url.find('@');
    auto const scheme = url.find("://");
    if (at == std::string::npos || scheme == std::string::npos || scheme > at) return boost::json::value(url);
    return boost::json::value(url.substr(0, scheme + 3) + "****" + url.substr(at));
}
} // namespace

field_list<ledger_settings> ledger_fields() {
    static config_field<S> const fields[] = {
        {"store",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             auto v = rd.string(n, path);
             if (v == "sqlite" || v == "postgres" || v == "off")
                 s.store = *v;
             else if (v)
                 rd.fail(path, "must be sqlite, postgres or off");
         },
         [](S const& s) { return boost::json::value(s.store); }},
        field::text<S>("path", &S::path),
        {"url", [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto v = rd.string(n, path)) s.url = *v;
         },
         [](S const& s) { return masked_url(s.url); }},
        field::duration<S>("retention", [](auto& s) -> auto& { return s.options.retention; }, milliseconds(0),
                           hours(24 * 400)),
        field::duration<S>("retention_every", [](auto& s) -> auto& { return s.options.retention_every; }, milliseconds(100),
                           hours(24)),
        field::integer<S>("queue_rows", [](auto& s) -> auto& { return s.options.queue_rows; }, 1, 10'000'000),
        field::integer<S>("batch_rows", [](auto& s) -> auto& { return s.options.batch_rows; }, 1, 10'000),
        field::flag<S>("payloads", [](auto& s) -> auto& { return s.options.payloads; }),
        field::integer<S>("payload_max_chars", [](auto& s) -> auto& { return s.options.payload_max_chars; }, 1, 1'000'000),
        field::duration<S>("payload_retention", [](auto& s) -> auto& { return s.options.payload_retention; },
                           milliseconds(0), hours(24 * 400)),
        field::duration<S>("batch_wait", [](auto& s) -> auto& { return s.options.batch_wait; }, milliseconds(1),
                           milliseconds(60'000)),
    };
    return fields;
}

} // namespace switchboard::server
