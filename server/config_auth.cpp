// The auth section: the mode, the HMAC secret, and the API keys declared in the file (GitOps).
// A key is declared by its public id and the keyed hash of its secret (`switchboard --new-key`
// prints both); the dump shows neither the secret nor the hash.
#include "server/config_sections.hpp"

#include "adapters/http/request_id.hpp"
#include "adapters/upstream/origin.hpp"
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

// A list of scope names into a bit set (a key's scopes, the most an issuer's tokens may claim).
template <class S, class Get> config_field<S> scopes_field(std::string_view key, Get get) {
    return {key,
            [get](config_reader& rd, YAML::Node const& n, std::string const& path, S& k) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of chat, embeddings, models, usage, services, admin");
                auto& scopes = std::invoke(get, k);
                scopes = 0;
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const item = path + "[" + std::to_string(i) + "]";
                    auto v = rd.string(n[i], item);
                    if (!v) continue;
                    if (auto scope = domain::parse_access_scope(*v))
                        scopes |= static_cast<unsigned>(*scope);
                    else
                        rd.fail(item, "must be one of chat, embeddings, models, usage, services, admin");
                }
            },
            [get](S const& k) {
                json::array out;
                unsigned const scopes = std::invoke(get, k);
                for (auto s : {domain::access_scope::chat, domain::access_scope::embeddings, domain::access_scope::models,
                               domain::access_scope::usage, domain::access_scope::admin})
                    if (scopes & static_cast<unsigned>(s)) out.push_back(json::string(domain::access_scope_name(s)));
                return json::value(std::move(out));
            }};
}

field_list<adapters::api_key_record> key_fields() {
    using S = adapters::api_key_record;
    auto grant = [](auto& k) -> auto& { return k.grant; };
    static std::vector<config_field<S>> const fields = [&] {
    std::vector<config_field<S>> fields{
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
        scopes_field<S>("scopes", [](auto& k) -> auto& { return k.grant.scopes; }),
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
    for (auto const& f : domain::key_limit_fields)
        fields.push_back(field::key_limit<S>(f, [](auto& k) -> auto& { return k.grant.limits; }));
    return fields;
    }();
    return fields;
}

bool secure_jwks_url(std::string const& url) {
    auto where = adapters::parse_origin(url);
    return where && (where->tls || adapters::is_loopback_host(where->host));
}

// One trusted identity provider: its issuer, audience and keys, and how its claims map.
field_list<adapters::jwt_issuer_settings> issuer_fields() {
    using S = adapters::jwt_issuer_settings;
    auto policy = [](auto& s) -> auto& { return s.policy; };
    static config_field<S> const fields[] = {
        field::text<S>("issuer", [=](auto& s) -> auto& { return policy(s).issuer; }),
        field::text_list<S>("audience", [=](auto& s) -> auto& { return policy(s).audiences; }, "audience names"),
        {"secret", field::text<S>("secret", &S::secret).read,
         [](S const& s) { return json::value(adapters::mask_secret(s.secret)); }},
        field::text<S>("jwks_file", &S::jwks_file),
        field::text<S>("jwks_url", &S::jwks_url),
        field::duration<S>("jwks_refresh", &S::jwks_refresh, std::chrono::seconds(10)),
        {"clock_skew",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& s) {
             if (auto v = rd.duration(n, path)) {
                 if (*v > std::chrono::minutes(5)) return rd.fail(path, "must be at most 5m");
                 s.policy.skew_seconds = std::chrono::duration_cast<std::chrono::seconds>(*v).count();
             }
         },
         [](S const& s) { return json::value(std::to_string(s.policy.skew_seconds) + "s"); }},
        field::text<S>("tenant_claim", [=](auto& s) -> auto& { return policy(s).tenant_claim; }),
        field::text<S>("user_claim", [=](auto& s) -> auto& { return policy(s).user_claim; }),
        field::text<S>("scope_claim", [=](auto& s) -> auto& { return policy(s).scope_claim; }),
        scopes_field<S>("scopes", [](auto& s) -> auto& { return s.policy.max_scopes; }),
        field::text_list<S>("tenants", [=](auto& s) -> auto& { return policy(s).tenants; }, "tenant names",
                            tenant_name, "must be a tenant name"),
    };
    return fields;
}

config_field<auth_settings> jwt_field() {
    using S = auth_settings;
    return {"jwt",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& a) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of trusted token issuers");
                for (std::size_t i = 0; i < n.size(); ++i) {
                    auto const at = path + "[" + std::to_string(i) + "]";
                    adapters::jwt_issuer_settings issuer;
                    read_section(rd, n[i], at, issuer_fields(), issuer);
                    if (issuer.policy.issuer.empty()) rd.fail(at + ".issuer", "is required (the tokens' iss)");
                    if (issuer.secret.empty() && issuer.jwks_file.empty() && issuer.jwks_url.empty())
                        rd.fail(at, "needs a secret (HS256), a jwks_file or a jwks_url (RS256, ES256)");
                    if (!issuer.secret.empty() && issuer.secret.size() < 32)
                        rd.fail(at + ".secret", "must have at least 32 characters (RFC 7518: a key as long as the hash)");
                    if (!issuer.jwks_file.empty() && !issuer.jwks_url.empty())
                        rd.fail(at + ".jwks_url", "cannot be given with jwks_file: choose one");
                    if (!issuer.jwks_url.empty() && !secure_jwks_url(issuer.jwks_url))
                        rd.fail(at + ".jwks_url", "must be an https:// URL (http:// only on loopback)");
                    a.jwt.push_back(std::move(issuer));
                }
            },
            [](S const& a) {
                json::array out;
                for (auto const& i : a.jwt) out.push_back(describe_section(issuer_fields(), i));
                return json::value(std::move(out));
            }};
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
        field::duration<S>("access_token_ttl", &S::access_token_ttl, std::chrono::seconds(10), std::chrono::hours(24)),
        field::duration<S>("refresh_token_ttl", &S::refresh_token_ttl, std::chrono::minutes(1),
                           std::chrono::hours(24 * 90)),
        keys_field(),
        jwt_field(),
    };
    return fields;
}

} // namespace switchboard::server
