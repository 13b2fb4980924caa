// Access and refresh tokens for browsers.
#include "adapters/auth/token_issuer.hpp"

#include "adapters/hex.hpp"
#include "domain/auth/api_key.hpp"

#include <jwt.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace switchboard::adapters {
using domain::errc;

namespace {
constexpr std::string_view refresh_prefix = "sbr-";
constexpr std::size_t family_length = 24;
constexpr unsigned never_in_a_token = static_cast<unsigned>(domain::access_scope::admin);

std::string scope_text(unsigned scopes) {
    std::string out;
    for (auto s : {domain::access_scope::chat, domain::access_scope::embeddings, domain::access_scope::models,
                   domain::access_scope::usage})
        if (scopes & static_cast<unsigned>(s)) out += (out.empty() ? "" : " ") + std::string(domain::access_scope_name(s));
    return out;
}

unsigned scopes_of(std::string_view text) {
    unsigned out = 0;
    while (!text.empty()) {
        auto const space = text.find(' ');
        if (auto s = domain::parse_access_scope(text.substr(0, space))) out |= static_cast<unsigned>(*s);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    }
    return out;
}

domain::gateway_error refused(std::string message) {
    return domain::make_error(errc::unauthorized, std::move(message));
}

// "sbr-<family>_<secret>" → its parts; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> refresh_parts(std::string_view token) {
    if (token.substr(0, refresh_prefix.size()) != refresh_prefix) return std::nullopt;
    token.remove_prefix(refresh_prefix.size());
    auto const cut = token.find('_');
    if (cut != family_length || token.size() - cut - 1 != domain::api_key_secret_length) return std::nullopt;
    auto const family = token.substr(0, cut), secret = token.substr(cut + 1);
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (!std::all_of(family.begin(), family.end(), alnum) || !std::all_of(secret.begin(), secret.end(), alnum))
        return std::nullopt;
    return std::pair{std::string(family), std::string(secret)};
}

// A fresh refresh token of `family`, and its secret.
std::pair<std::string, std::string> new_refresh_token(std::string const& family) {
    auto secret = key_ring::random_alnum(domain::api_key_secret_length);
    return {std::string(refresh_prefix) + family + "_" + secret, secret};
}
} // namespace

token_issuer::token_issuer(std::string const& server_secret, std::chrono::seconds access_ttl,
                           std::chrono::seconds refresh_ttl)
    : server_secret_(server_secret), signing_key_(key_ring::hash_secret(server_secret, "switchboard access tokens v1")),
      access_ttl_(access_ttl), refresh_ttl_(refresh_ttl) {}

jwt_issuer_settings token_issuer::verifier_settings() const {
    jwt_issuer_settings s;
    s.policy.issuer = std::string(switchboard_issuer);
    s.policy.audiences = {std::string(switchboard_issuer)};
    s.policy.skew_seconds = 5;
    s.policy.max_scopes = domain::every_call_scope;
    s.secret = signing_key_;
    s.switchboard_tokens = true;
    return s;
}

std::string token_issuer::access_token(domain::key_record const& key, unsigned scopes, std::int64_t now) const {
    boost::json::object claims{{"iss", switchboard_issuer},   {"aud", switchboard_issuer},
                               {"sub", key.id},               {"tenant", key.grant.tenant},
                               {"scope", scope_text(scopes)}, {"iat", now},
                               {"exp", now + access_ttl_.count()}};
    jwt_t* token = nullptr;
    if (jwt_new(&token) != 0) throw std::runtime_error("jwt_new failed");
    auto const text = boost::json::serialize(claims);
    int rc = jwt_add_grants_json(token, text.c_str());
    if (rc == 0)
        rc = jwt_set_alg(token, JWT_ALG_HS256, reinterpret_cast<unsigned char const*>(signing_key_.data()),
                         static_cast<int>(signing_key_.size()));
    char* encoded = rc == 0 ? jwt_encode_str(token) : nullptr;
    jwt_free(token);
    if (!encoded) throw std::runtime_error("jwt_encode_str failed");
    std::string out(encoded);
    std::free(encoded); // libjwt 1.10 allocates with malloc
    return out;
}

net::awaitable<token_pair> token_issuer::login(refresh_store& store, domain::key_record const& key, unsigned scopes,
                                               std::int64_t now_unix) const {
    scopes &= key.grant.scopes & ~never_in_a_token;
    auto const family = key_ring::random_alnum(family_length);
    // Named locals only around co_await: GCC 12 mishandles temporaries (and structured
    // bindings) that live across a suspension in a coroutine frame.
    auto const fresh = new_refresh_token(family);
    refresh_family const what{key.id, scope_text(scopes)};
    auto const hash = key_ring::hash_secret(server_secret_, fresh.second);
    co_await store.start(family, what, hash, refresh_ttl_);
    co_return token_pair{access_token(key, scopes, now_unix), fresh.first, access_ttl_, refresh_ttl_};
}

net::awaitable<domain::result<token_pair>> token_issuer::refresh(refresh_store& store, std::string_view presented,
                                                                 key_ring const& keys, std::int64_t now_unix) const {
    auto parts = refresh_parts(presented);
    if (!parts) co_return refused("The refresh token is not valid");
    auto const& family = parts->first;
    auto const next = new_refresh_token(family); // (no structured bindings: see login)
    auto const presented_hash = key_ring::hash_secret(server_secret_, parts->second);
    auto const next_hash = key_ring::hash_secret(server_secret_, next.second);
    auto const rotation = co_await store.rotate(family, presented_hash, next_hash);
    auto const outcome = rotation.first;
    auto const& what = rotation.second;
    if (outcome == refresh_outcome::reused)
        co_return refused("The refresh token was already used: its session is revoked; log in again");
    if (outcome != refresh_outcome::rotated) co_return refused("The refresh token is not valid");
    auto const* key = keys.find(what.key_id);
    if (!key || key->revoked() || (key->grant.expires_unix != 0 && now_unix >= key->grant.expires_unix))
        co_return refused("The API key of this session is no longer valid");
    auto const scopes = scopes_of(what.scopes) & key->grant.scopes & ~never_in_a_token;
    co_return token_pair{access_token(*key, scopes, now_unix), next.first, access_ttl_, refresh_ttl_};
}

domain::result<domain::caller_grant> token_issuer::grant_of(boost::json::object const& claims,
                                                            key_ring const& keys) const {
    auto const* sub = claims.if_contains("sub");
    auto const* key = sub && sub->is_string() ? keys.find(std::string_view(sub->as_string())) : nullptr;
    if (!key || key->revoked()) return refused("The API key this token was made from is no longer valid");
    auto grant = key->grant;
    auto const* scope = claims.if_contains("scope");
    grant.scopes &= (scope && scope->is_string() ? scopes_of(scope->as_string()) : 0u) & ~never_in_a_token;
    auto const* exp = claims.if_contains("exp");
    std::int64_t const token_end = exp && exp->is_int64() ? exp->as_int64() : 0;
    if (grant.expires_unix == 0 || token_end < grant.expires_unix) grant.expires_unix = token_end;
    return grant;
}

} // namespace switchboard::adapters
