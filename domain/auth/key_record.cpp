// API key records: their stored and public JSON forms, and admin requests read into changes.
#include "domain/auth/key_record.hpp"

#include "domain/calendar.hpp"
#include "domain/json_checks.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
constexpr std::array<access_scope, 6> all_scopes{access_scope::chat,  access_scope::embeddings, access_scope::models,
                                                 access_scope::usage, access_scope::services,   access_scope::admin};
constexpr std::size_t max_list = 100;
constexpr std::size_t max_metadata = 16;

json::array text_array(std::vector<std::string> const& items) {
    json::array out;
    for (auto const& s : items) out.emplace_back(s);
    return out;
}

json::array scope_names(unsigned scopes) {
    json::array out;
    for (auto s : all_scopes)
        if (scopes & static_cast<unsigned>(s)) out.emplace_back(access_scope_name(s));
    return out;
}

json::object metadata_object(std::map<std::string, std::string> const& m) {
    json::object out;
    for (auto const& [k, v] : m) out[k] = v;
    return out;
}

std::string text_at(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t integer_at(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : 0;
}

std::vector<std::string> texts_at(json::object const& o, std::string_view key) {
    std::vector<std::string> out;
    if (auto const* v = o.if_contains(key); v && v->is_array())
        for (auto const& item : v->as_array())
            if (item.is_string()) out.emplace_back(item.as_string());
    return out;
}

std::optional<gateway_error> read_text(json::value const& v, std::string const& param, std::size_t max,
                                       std::string& out) {
    if (!v.is_string() || v.as_string().size() > max)
        return invalid(param, "must be a string of at most " + std::to_string(max) + " characters");
    out = std::string(v.as_string());
    for (unsigned char c : out)
        if (c < 0x20 || c == 0x7f) return invalid(param, "must not contain control characters");
    return std::nullopt;
}

// A list of names, each accepted by `ok`.
template <class Ok>
std::optional<gateway_error> read_names(json::value const& v, std::string const& param, Ok ok, std::string_view what,
                                        std::vector<std::string>& out) {
    if (!v.is_array() || v.as_array().size() > max_list)
        return invalid(param, "must be a list of at most " + std::to_string(max_list) + " " + std::string(what));
    out.clear();
    for (std::size_t i = 0; i < v.as_array().size(); ++i) {
        auto const& item = v.as_array()[i];
        auto const at = param + "[" + std::to_string(i) + "]";
        if (!item.is_string() || !ok(std::string_view(item.as_string())))
            return invalid(at, "must be one of the " + std::string(what));
        out.emplace_back(item.as_string());
    }
    return std::nullopt;
}

std::optional<gateway_error> read_scopes(json::value const& v, unsigned& out) {
    std::vector<std::string> names;
    auto known = [](std::string_view s) { return parse_access_scope(s).has_value(); };
    if (auto bad = read_names(v, "scopes", known, "scopes chat, embeddings, models, usage, services, admin", names)) return bad;
    out = 0;
    for (auto const& n : names) out |= static_cast<unsigned>(*parse_access_scope(n));
    return std::nullopt;
}

std::optional<gateway_error> read_expiry(json::value const& v, std::int64_t& out) {
    if (v.is_null()) {
        out = 0;
        return std::nullopt;
    }
    auto const at = v.is_string() ? parse_utc_time(v.as_string()) : std::nullopt;
    if (!at) return invalid("expires", "must be a UTC date (2027-01-31), an instant (2027-01-31T12:00:00Z) or null");
    out = *at;
    return std::nullopt;
}

std::optional<gateway_error> read_metadata(json::value const& v, std::map<std::string, std::string>& out) {
    if (!v.is_object() || v.as_object().size() > max_metadata)
        return invalid("metadata", "must be an object of at most 16 string values");
    out.clear();
    for (auto const& [k, item] : v.as_object()) {
        auto const param = "metadata." + truncate_for_message(k, 32);
        if (k.empty() || k.size() > 64) return invalid(param, "names must have 1 to 64 characters");
        if (auto bad = read_text(item, param, 256, out[std::string(k)])) return bad;
    }
    return std::nullopt;
}

key_limit_field const* limit_field(std::string_view name) {
    for (auto const& f : key_limit_fields)
        if (f.name == name) return &f;
    return nullptr;
}

// A limit: a whole number (dollars: a decimal number) within its bound, or null for none.
std::optional<gateway_error> read_limit(key_limit_field const& f, json::value const& v, std::int64_t& out) {
    std::string const param(f.name);
    if (v.is_null()) {
        out = 0;
        return std::nullopt;
    }
    if (f.dollars) {
        auto const usd = v.is_number() ? v.to_number<double>() : -1.0;
        if (!(usd >= 0) || to_micro_usd(usd) > f.most)
            return invalid(param, "must be a number of dollars from 0 to " + std::to_string(f.most / 1'000'000) +
                                      ", or null (no limit)");
        out = to_micro_usd(usd);
        return std::nullopt;
    }
    if (!v.is_int64() || v.as_int64() < 0 || v.as_int64() > f.most)
        return invalid(param, "must be a whole number from 0 to " + std::to_string(f.most) + ", or null (no limit)");
    out = v.as_int64();
    return std::nullopt;
}

json::value limit_value(key_limit_field const& f, std::int64_t v) {
    if (v == 0) return nullptr;
    if (f.dollars) return static_cast<double>(v) / 1e6;
    return v;
}

// One field of an admin request into `c`; unknown fields are refused so that a typo never
// passes silently as "no limit".
std::optional<gateway_error> read_field(std::string_view key, json::value const& v, bool creating, key_changes& c) {
    auto names_ok = [](std::string_view s) { return !s.empty() && s.size() <= 256; };
    auto tenants_ok = [](std::string_view s) { return s == "*" || valid_tenant_name(s); };
    if (key == "tenant") {
        if (!creating) return invalid("tenant", "cannot change: a key belongs to one tenant (make a new key)");
        if (!v.is_string() || !valid_tenant_name(v.as_string()))
            return invalid("tenant", "must be at most 64 letters, digits, '-', '_', '.' or ':'");
        c.tenant = std::string(v.as_string());
    } else if (key == "name") {
        if (auto bad = read_text(v, "name", 128, c.name.emplace())) return bad;
    } else if (key == "user") {
        if (auto bad = read_text(v, "user", 128, c.user.emplace())) return bad;
    } else if (key == "scopes") {
        if (auto bad = read_scopes(v, c.scopes.emplace())) return bad;
    } else if (key == "models") {
        if (auto bad = read_names(v, "models", names_ok, "model names", c.models.emplace())) return bad;
    } else if (key == "acts_for") {
        if (auto bad = read_names(v, "acts_for", tenants_ok, "tenant names or \"*\"", c.acts_for.emplace())) return bad;
    } else if (key == "expires") {
        if (auto bad = read_expiry(v, c.expires_unix.emplace())) return bad;
    } else if (auto const* limit = limit_field(key)) {
        if (auto bad = read_limit(*limit, v, c.limits[limit->name])) return bad;
    } else if (key == "metadata") {
        if (auto bad = read_metadata(v, c.metadata.emplace())) return bad;
    } else {
        return invalid(std::string(truncate_for_message(key, 32)), "is not a field of a key");
    }
    return std::nullopt;
}
} // namespace

bool valid_tenant_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

std::string_view key_record::status(std::int64_t now_unix) const {
    if (revoked()) return "revoked";
    if (grant.expires_unix != 0 && now_unix >= grant.expires_unix) return "expired";
    return "active";
}

namespace {
// The fields both forms show as they are: who the key is and what it grants.
void put_grant(key_record const& k, json::object& o) {
    o["id"] = k.id;
    o["name"] = k.name;
    o["tenant"] = k.grant.tenant;
    o["user"] = k.grant.user;
    o["scopes"] = scope_names(k.grant.scopes);
    o["models"] = text_array(k.grant.models);
    o["acts_for"] = text_array(k.grant.acts_for);
    o["metadata"] = metadata_object(k.metadata);
}
} // namespace

json::object stored_form(key_record const& k) {
    json::object o;
    put_grant(k, o);
    o["hash"] = k.secret_hash;
    if (!k.previous_hash.empty()) {
        o["previous_hash"] = k.previous_hash;
        o["previous_until"] = k.previous_until;
    }
    o["expires"] = k.grant.expires_unix;
    for (auto const& f : key_limit_fields) o[f.name] = get(f, k.grant.limits); // micro-dollars
    o["created"] = k.created_unix;
    o["revoked"] = k.revoked_unix;
    return o;
}

std::optional<key_record> key_record_from_stored(json::value const& v) {
    if (!v.is_object()) return std::nullopt;
    auto const& o = v.as_object();
    key_record k;
    k.id = k.grant.key_id = text_at(o, "id");
    k.secret_hash = text_at(o, "hash");
    if (k.id.empty() || k.secret_hash.size() != 64) return std::nullopt;
    k.previous_hash = text_at(o, "previous_hash");
    k.previous_until = integer_at(o, "previous_until");
    k.name = text_at(o, "name");
    k.grant.tenant = text_at(o, "tenant");
    if (!valid_tenant_name(k.grant.tenant)) return std::nullopt;
    k.grant.user = text_at(o, "user");
    k.grant.scopes = 0;
    for (auto const& s : texts_at(o, "scopes"))
        if (auto scope = parse_access_scope(s)) k.grant.scopes |= static_cast<unsigned>(*scope);
    k.grant.models = texts_at(o, "models");
    k.grant.acts_for = texts_at(o, "acts_for");
    k.grant.expires_unix = integer_at(o, "expires");
    if (auto const* m = o.if_contains("metadata"); m && m->is_object())
        for (auto const& [name, value] : m->as_object())
            if (value.is_string()) k.metadata[std::string(name)] = std::string(value.as_string());
    for (auto const& f : key_limit_fields) f.at(k.grant.limits) = std::clamp<std::int64_t>(integer_at(o, f.name), 0, f.most);
    k.created_unix = integer_at(o, "created");
    k.revoked_unix = integer_at(o, "revoked");
    return k;
}

json::object public_view(key_record const& k, std::int64_t now_unix) {
    json::object o;
    o["object"] = "api_key";
    put_grant(k, o);
    o["expires"] = k.grant.expires_unix ? json::value(k.grant.expires_unix) : json::value(nullptr);
    for (auto const& f : key_limit_fields) o[f.name] = limit_value(f, get(f, k.grant.limits));
    o["created"] = k.created_unix ? json::value(k.created_unix) : json::value(nullptr);
    o["revoked"] = k.revoked_unix ? json::value(k.revoked_unix) : json::value(nullptr);
    o["previous_secret_valid_until"] =
        k.previous_until > now_unix ? json::value(k.previous_until) : json::value(nullptr);
    o["status"] = k.status(now_unix);
    o["source"] = k.from_config ? "config" : "api";
    return o;
}

result<key_changes> parse_key_changes(json::value const& body, bool creating) {
    if (!body.is_object()) return make_error(errc::invalid_request, "The body must be a JSON object");
    key_changes c;
    for (auto const& [key, value] : body.as_object())
        if (auto bad = read_field(key, value, creating, c)) return *bad;
    if (creating && !c.tenant) return *invalid("tenant", "is required");
    return c;
}

void apply_changes(key_changes const& c, key_record& k) {
    if (c.tenant) k.grant.tenant = *c.tenant;
    if (c.name) k.name = *c.name;
    if (c.user) k.grant.user = *c.user;
    if (c.scopes) k.grant.scopes = *c.scopes;
    if (c.models) k.grant.models = *c.models;
    if (c.acts_for) k.grant.acts_for = *c.acts_for;
    if (c.expires_unix) k.grant.expires_unix = *c.expires_unix;
    if (c.metadata) k.metadata = *c.metadata;
    for (auto const& [name, value] : c.limits) limit_field(name)->at(k.grant.limits) = value;
}

} // namespace switchboard::domain
