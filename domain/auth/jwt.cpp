// JWT reading and claim checks.
#include "domain/auth/jwt.hpp"

#include "domain/auth/key_record.hpp"
#include "domain/base64.hpp"
#include "domain/json_checks.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
gateway_error refused(std::string message) {
    return make_error(errc::unauthorized, std::move(message));
}

std::optional<json::object> json_part(std::string_view part) {
    auto bytes = base64url_decode(part);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(*bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

std::optional<std::int64_t> time_claim(json::object const& claims, std::string_view name, bool& malformed) {
    auto const* v = claims.if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
    malformed = true;
    return std::nullopt;
}

bool audience_matches(json::value const* aud, std::vector<std::string> const& accepted) {
    if (accepted.empty()) return true;
    if (!aud) return false;
    auto accepted_one = [&](json::value const& v) {
        return v.is_string() && std::find(accepted.begin(), accepted.end(), v.as_string()) != accepted.end();
    };
    if (aud->is_array()) return std::any_of(aud->as_array().begin(), aud->as_array().end(), accepted_one);
    return accepted_one(*aud);
}

// The scopes a token claims ("chat usage" or ["chat","usage"]), within what the issuer may grant.
unsigned claimed_scopes(json::value const* claim, unsigned max_scopes) {
    if (!claim) return max_scopes;
    unsigned scopes = 0;
    auto add = [&](std::string_view name) {
        if (auto s = parse_access_scope(name)) scopes |= static_cast<unsigned>(*s);
    };
    if (claim->is_string()) {
        std::string_view text = claim->as_string();
        while (!text.empty()) {
            auto const space = text.find(' ');
            add(text.substr(0, space));
            text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        }
    } else if (claim->is_array()) {
        for (auto const& item : claim->as_array())
            if (item.is_string()) add(item.as_string());
    }
    return scopes & max_scopes;
}

std::optional<gateway_error> check_times(json::object const& claims, std::int64_t skew, std::int64_t now) {
    bool malformed = false;
    auto const exp = time_claim(claims, "exp", malformed);
    auto const nbf = time_claim(claims, "nbf", malformed);
    auto const iat = time_claim(claims, "iat", malformed);
    if (malformed) return refused("The token's time claims must be numbers");
    if (!exp) return refused("The token has no expiry (exp)");
    if (now >= *exp + skew) return refused("The token has expired");
    if (nbf && now + skew < *nbf) return refused("The token is not valid yet (nbf)");
    if (iat && now + skew < *iat) return refused("The token was issued in the future (iat)");
    return std::nullopt;
}
} // namespace

bool looks_like_jws(std::string_view token) {
    if (token.size() > max_jwt_bytes || std::count(token.begin(), token.end(), '.') != 2) return false;
    return std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

result<jws_token> read_jws(std::string_view token) {
    if (!looks_like_jws(token)) return refused("The bearer token is not a JWT");
    auto const first = token.find('.'), second = token.find('.', first + 1);
    auto header = json_part(token.substr(0, first));
    auto claims = json_part(token.substr(first + 1, second - first - 1));
    if (!header || !claims) return refused("The JWT's header or claims are not base64url JSON objects");
    if (second + 1 == token.size()) return refused("The JWT is not signed");
    jws_token out;
    auto const* alg = header->if_contains("alg");
    if (!alg || !alg->is_string()) return refused("The JWT's header has no alg");
    out.alg = std::string(alg->as_string());
    if (auto const* kid = header->if_contains("kid"); kid && kid->is_string()) out.kid = std::string(kid->as_string());
    if (header->contains("crit")) return refused("The JWT's header has critical extensions this gateway does not know");
    out.claims = std::move(*claims);
    return out;
}

result<caller_grant> grant_from_claims(json::object const& claims, jwt_policy const& policy, std::int64_t now_unix) {
    if (auto bad = check_times(claims, policy.skew_seconds, now_unix)) return *bad;
    auto const* iss = claims.if_contains("iss");
    if (!iss || !iss->is_string() || iss->as_string() != policy.issuer) return refused("The token's issuer is not accepted");
    if (!audience_matches(claims.if_contains("aud"), policy.audiences))
        return refused("The token's audience (aud) is not this gateway");
    caller_grant g;
    auto const* tenant = claims.if_contains(policy.tenant_claim);
    if (!tenant || !tenant->is_string() || !valid_tenant_name(tenant->as_string()))
        return refused("The token names no valid tenant (claim '" + policy.tenant_claim + "')");
    g.tenant = std::string(tenant->as_string());
    if (!policy.tenants.empty() &&
        std::find(policy.tenants.begin(), policy.tenants.end(), g.tenant) == policy.tenants.end())
        return refused("The token's issuer may not name the tenant '" + truncate_for_message(g.tenant) + "'");
    if (auto const* user = claims.if_contains(policy.user_claim); user && user->is_string())
        g.user = truncate_for_message(user->as_string(), 128);
    g.scopes = claimed_scopes(claims.if_contains(policy.scope_claim), policy.max_scopes);
    bool malformed = false;
    g.expires_unix = time_claim(claims, "exp", malformed).value_or(0) + policy.skew_seconds;
    g.key_id = "jwt:" + (g.user.empty() ? g.tenant : truncate_for_message(g.user, 64));
    return g;
}

} // namespace switchboard::domain
