// The cache section: defaults for every model and group, each group's own settings, the
// in-process bound and the namespace shared across tenants (if any).
#include "server/config_sections.hpp"

#include "adapters/http/request_id.hpp"

namespace switchboard::server {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {
constexpr auto longest_ttl = std::chrono::hours(24 * 366);

field_list<domain::cache_settings> cache_settings_fields() {
    using S = domain::cache_settings;
    static config_field<S> const fields[] = {
        field::flag<S>("enabled", &S::enabled),
        field::duration<S>("ttl", &S::ttl, 1s, longest_ttl),
        field::flag<S>("nondeterministic", &S::nondeterministic),
        field::flag<S>("fallback_answers", &S::fallback_answers),
        field::flag<S>("semantic", &S::semantic),
    };
    return fields;
}

bool similarity(double x) {
    return x > 0 && x <= 1;
}

field_list<adapters::semantic_options> semantic_fields() {
    using S = adapters::semantic_options;
    static config_field<S> const fields[] = {
        field::text<S>("embedding_model", &S::embedding_model),
        field::number<S>("threshold", &S::threshold, similarity, "must be a cosine similarity above 0, at most 1"),
        field::integer<S>("max_entries", &S::max_entries, 1, 10'000'000),
    };
    return fields;
}

// The rule of a tenant name, which a namespace stands beside in the cache's keys.
bool namespace_name(std::string const& s) {
    return adapters::plain_identifier(s, 64);
}
} // namespace

field_list<adapters::cache_options> cache_fields() {
    using S = adapters::cache_options;
    static std::vector<config_field<S>> const fields = [] {
        std::vector<config_field<S>> out;
        // The defaults' own keys at the top of the section (cache.ttl, cache.nondeterministic…).
        for (auto const& f : cache_settings_fields())
            out.push_back({f.key,
                           [read = f.read](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                               read(rd, n, path, s.defaults);
                           },
                           [show = f.show](S const& s) { return show(s.defaults); }});
        out.push_back({"groups",
                       [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                           if (!n.IsMap()) return rd.fail(path, "must map model or group names to cache settings");
                           for (auto const& kv : n) {
                               auto const name = kv.first.as<std::string>();
                               auto& settings = s.groups[name] = s.defaults; // a group starts from the defaults
                               read_section(rd, kv.second, path + "." + name, cache_settings_fields(), settings);
                           }
                       },
                       [](S const& s) {
                           json::object out;
                           for (auto const& [name, settings] : s.groups)
                               out[name] = describe_section(cache_settings_fields(), settings);
                           return json::value(std::move(out));
                       }});
        out.push_back({"shared_namespace",
                       [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
                           auto v = rd.string(n, path);
                           if (v && !v->empty() && !namespace_name(*v)) // "": none (each tenant its own)
                               return rd.fail(path, "must be 1 to 64 letters, digits, '-', '_', '.' or ':'");
                           if (v) s.shared_namespace = *v;
                       },
                       [](S const& s) { return json::value(s.shared_namespace); }});
        out.push_back(field::bytes<S>("max_bytes", &S::max_bytes, 64u << 10, std::size_t{64} << 30));
        out.push_back(field::bytes<S>("shared_max_entry_bytes", &S::shared_max_entry_bytes, 1u << 10, 64u << 20));
        out.push_back(field::duration<S>("shared_poll", &S::shared_poll, std::chrono::milliseconds(1),
                                         std::chrono::seconds(5)));
        out.push_back(field::section<S, adapters::semantic_options>("similarity", &S::semantic, semantic_fields()));
        out.push_back(field::duration<S>("shared_sync", &S::shared_sync, std::chrono::milliseconds(10),
                                         std::chrono::minutes(10)));
        return out;
    }();
    return fields;
}

} // namespace switchboard::server
