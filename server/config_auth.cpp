// The auth section: the mode, the HMAC secret, and the API keys declared in the file (GitOps).
// A key is declared by its public id and the keyed hash of its secret (`switchboard --new-key`
// prints both); the dump shows neither the secret nor the hash.
#include "server/config_sections.hpp"

#include "adapters/http/request_id.hpp"
#include "adapters/observability/log.hpp"
#include "domain/auth/api_key.hpp"
#include "domain/calendar.hpp"

#include <boost/json/value_from.hpp>

#include <algorithm>

namespace switchboard::server {
namespace json = boost::json;

namespace {
bool tenant_name(std::string const& v) {
    return adapters::plain_identifier(v, 64);
}

config_field<adapters::api_key_record> scopes_field() {
    using S = adapters::api_key_record;
    return {"scopes",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& k) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of chat, embeddings, models, usage, admin");
                k.grant.scopes = 0;
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const item = path + "[" + std::to_string(i) + "]";
                    auto v = rd.string(n[i], item);
                    if (!v) continue;
                    if (auto scope = domain::parse_access_scope(*v))
                        k.grant.scopes |= static_cast<unsigned>(*scope);
                    else
                        rd.fail(item, "must be one of chat, embeddings, models, usage, admin");
                }
            },
            [](S const& k) {
                json::array out;
                for (auto s : {domain::access_scope::chat, domain::access_scope::embeddings, domain::access_scope::models,
                               domain::access_scope::usage, domain::access_scope::admin})
                    if (k.grant.holds(s)) out.push_back(json::string(domain::access_scope_name(s)));
                return json::value(std::move(out));
            }};
}

field_list<adapters::api_key_record> key_fields() {
    using S = adapters::api_key_record;
    auto grant = [](auto& k) -> auto& { return k.grant; };
    static config_field<S> const fields[] = {
        {"id",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& k) {
             auto v = rd.string(n, path);
             if (v && !domain::valid_api_key_id(*v)) return rd.fail(path, "must be a key id (12 lower-case letters and digits)");
             if (v) k.id = k.grant.key_id = *v;
         },
         [](S const& k) { return json::value(k.id); }},
        {"hash",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& k) {
             auto v = rd.string(n, path);
             bool const hex = v && v->size() == 64 && std::all_of(v->begin(), v->end(), [](char c) {
                                  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                              });
             if (v && !hex) return rd.fail(path, "must be the key's hash as printed by switchboard --new-key (64 hex digits)");
             if (v) k.secret_hash = *v;
         },
         [](S const&) { return json::value("****"); }},
        field::text<S>("name", &S::name),
        {"tenant",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& k) {
             auto v = rd.string(n, path);
             if (v && !tenant_name(*v)) return rd.fail(path, "must be at most 64 letters, digits, '-', '_', '.' or ':'");
             if (v) k.grant.tenant = *v;
         },
         [](S const& k) { return json::value(k.grant.tenant); }},
        field::text<S>("user", [=](auto& k) -> auto& { return grant(k).user; }),
        scopes_field(),
        field::text_list<S>("models", [=](auto& k) -> auto& { return grant(k).models; }, "model names"),
        field::text_list<S>("acts_for", [=](auto& k) -> auto& { return grant(k).acts_for; }, "tenant names",
                            [](std::string const& v) { return v == "*" || tenant_name(v); },
                            "must be a tenant name or \"*\""),
        {"expires",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& k) {
             auto v = rd.string(n, path);
             if (!v) return;
             if (auto at = domain::parse_utc_time(*v))
                 k.grant.expires_unix = *at;
             else
                 rd.fail(path, "must be a UTC date (2027-01-31) or instant (2027-01-31T12:00:00Z)");
         },
         [](S const& k) { return k.grant.expires_unix ? json::value(k.grant.expires_unix) : json::value(nullptr); }},
    };
    return fields;
}

config_field<auth_settings> keys_field() {
    using S = auth_settings;
    return {"keys",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& a) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of keys");
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const at = path + "[" + std::to_string(i) + "]";
                    adapters::api_key_record key;
                    key.from_config = true;
                    read_section(rd, n[i], at, key_fields(), key);
                    if (key.id.empty()) rd.fail(at + ".id", "is required");
                    if (key.secret_hash.empty()) rd.fail(at + ".hash", "is required");
                    if (key.grant.tenant.empty()) rd.fail(at + ".tenant", "is required");
                    bool const repeated = std::any_of(a.keys.begin(), a.keys.end(), [&](auto const& k) { return k.id == key.id; });
                    if (repeated) rd.fail(at + ".id", "is declared twice");
                    a.keys.push_back(std::move(key));
                }
            },
            [](S const& a) {
                json::array out;
                for (auto const& k : a.keys) out.push_back(describe_section(key_fields(), k));
                return json::value(std::move(out));
            }};
}
} // namespace

field_list<auth_settings> auth_fields() {
    using S = auth_settings;
    static config_field<S> const fields[] = {
        {"mode",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& a) {
             auto v = rd.string(n, path);
             if (v == "required" || v == "off")
                 a.required = *v == "required";
             else if (v)
                 rd.fail(path, "must be required or off");
         },
         [](S const& a) { return json::value(a.on() ? "required" : "off"); }},
        {"secret", field::text<S>("secret", &S::secret).read,
         [](S const& a) { return json::value(adapters::mask_secret(a.secret)); }},
        field::integer<S>("failures_per_minute", &S::failures_per_minute, 1, 100000),
        field::duration<S>("watch_interval", &S::watch_interval, std::chrono::milliseconds(10),
                           std::chrono::milliseconds(1000)),
        keys_field(),
    };
    return fields;
}

} // namespace switchboard::server
