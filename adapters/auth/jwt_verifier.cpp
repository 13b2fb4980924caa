// JWT verification: key choice by kid and algorithm, libjwt for the signature, the domain for claims.
#include "adapters/auth/jwt_verifier.hpp"

#include "adapters/observability/log.hpp"
#include "adapters/upstream/http_client.hpp"
#include "adapters/upstream/origin.hpp"
#include "domain/json_checks.hpp"

#include <jwt.h>

#include <fstream>
#include <sstream>

namespace switchboard::adapters {
using domain::errc;

namespace {
domain::gateway_error refused(std::string message) {
    return domain::make_error(errc::unauthorized, std::move(message));
}

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string read_file(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the JWKS file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

jwt_alg_t libjwt_alg(std::string const& alg) {
    if (alg == "HS256") return JWT_ALG_HS256;
    if (alg == "RS256") return JWT_ALG_RS256;
    if (alg == "ES256") return JWT_ALG_ES256;
    return JWT_ALG_INVAL;
}
} // namespace

bool signature_holds(std::string_view token, jwt_key const& key) {
    auto const expected = libjwt_alg(key.alg);
    if (expected == JWT_ALG_INVAL || key.material.empty()) return false;
    std::string const text(token); // libjwt reads a NUL-terminated string
    jwt_t* decoded = nullptr;
    int const rc = jwt_decode(&decoded, text.c_str(), reinterpret_cast<unsigned char const*>(key.material.data()),
                              static_cast<int>(key.material.size()));
    bool const ok = rc == 0 && decoded && jwt_get_alg(decoded) == expected;
    if (decoded) jwt_free(decoded);
    return ok;
}

std::shared_ptr<std::vector<jwt_key> const> jwt_verifier::issuer::current() const {
    std::lock_guard lock(mutex);
    return keys;
}

void jwt_verifier::issuer::publish(std::vector<jwt_key> fresh) {
    auto next = std::make_shared<std::vector<jwt_key> const>(std::move(fresh));
    std::lock_guard lock(mutex);
    keys = std::move(next);
}

jwt_verifier::jwt_verifier(std::vector<jwt_issuer_settings> issuers, std::chrono::milliseconds min_refetch_gap)
    : min_gap_(min_refetch_gap) {
    for (auto& s : issuers) {
        auto i = std::make_unique<issuer>();
        i->settings = std::move(s);
        if (!i->settings.jwks_file.empty()) {
            auto keys = read_jwks(read_file(i->settings.jwks_file));
            if (!keys) throw std::runtime_error("the JWKS file " + i->settings.jwks_file + " is not a JWKS");
            i->publish(std::move(*keys));
        }
        issuers_.push_back(std::move(i));
    }
}

std::vector<jwt_key> jwt_verifier::candidates(issuer const& from, std::string const& alg, std::string const& kid,
                                              bool& unknown_kid) const {
    std::vector<jwt_key> out;
    if (alg == "HS256") { // the configured secret alone; a JWKS key never verifies HS256
        if (!from.settings.secret.empty()) out.push_back({"", "HS256", from.settings.secret});
        return out;
    }
    auto const keys = from.current();
    bool kid_known = false;
    for (auto const& k : *keys) {
        if (!kid.empty() && k.kid != kid) continue;
        kid_known = true;
        if (k.alg == alg) out.push_back(k);
    }
    unknown_kid = !kid.empty() && !kid_known;
    return out;
}

jwt_verifier::verdict jwt_verifier::verify(std::string_view token, std::int64_t now_unix) const {
    auto jws = domain::read_jws(token);
    if (!jws) return {jws.error(), std::nullopt};
    if (libjwt_alg(jws->alg) == JWT_ALG_INVAL)
        return {refused("The token's algorithm '" + domain::truncate_for_message(jws->alg, 16) + "' is not accepted"),
                std::nullopt};
    auto const* iss = jws->claims.if_contains("iss");
    std::size_t index = issuers_.size();
    for (std::size_t i = 0; i < issuers_.size(); ++i)
        if (iss && iss->is_string() && iss->as_string() == issuers_[i]->settings.policy.issuer) index = i;
    if (index == issuers_.size()) return {refused("The token's issuer is not accepted"), std::nullopt};
    auto const& from = *issuers_[index];
    bool unknown_kid = false;
    auto const keys = candidates(from, jws->alg, jws->kid, unknown_kid);
    if (unknown_kid) return {refused("The token's signing key (kid) is not known"), index};
    bool const signed_ok = std::any_of(keys.begin(), keys.end(), [&](jwt_key const& k) { return signature_holds(token, k); });
    if (!signed_ok) return {refused("The token's signature does not verify"), std::nullopt};
    auto grant = domain::grant_from_claims(jws->claims, from.settings.policy, now_unix);
    return {std::move(grant), std::nullopt, &from.settings, std::move(jws->claims)};
}

net::awaitable<std::optional<std::string>> jwt_verifier::fetch(issuer const& from, net::any_io_executor executor,
                                                               net::ssl::context& tls) {
    if (!from.settings.jwks_file.empty()) co_return read_file(from.settings.jwks_file);
    auto const& url = from.settings.jwks_url;
    auto where = parse_origin(url);
    if (!where) co_return std::nullopt;
    auto const path_start = url.find('/', url.find("//") + 2);
    std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);
    where->base_path.clear();
    http_client client(executor, tls, *where, http_client_options{});
    upstream_request request{"GET", target, {{"Accept", "application/json"}}, {}};
    auto answer = co_await client.send(request, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    if (!answer || answer->status != 200) co_return std::nullopt;
    co_return std::move(answer->body);
}

net::awaitable<void> jwt_verifier::refetch(std::size_t index, net::any_io_executor executor, net::ssl::context& tls,
                                           bool forced) {
    auto& from = *issuers_.at(index);
    if (from.settings.jwks_file.empty() && from.settings.jwks_url.empty()) co_return;
    if (!forced) {
        auto const now = steady_ms();
        auto last = from.last_miss_fetch_ms.load();
        if (now - last < min_gap_.count()) co_return;
        if (!from.last_miss_fetch_ms.compare_exchange_strong(last, now)) co_return; // another core fetches
    }
    std::optional<std::string> text;
    try {
        text = co_await fetch(from, executor, tls);
    } catch (std::exception const&) {
    }
    auto keys = text ? read_jwks(*text) : domain::result<std::vector<jwt_key>>(domain::make_error(errc::invalid_request, ""));
    if (!keys) {
        log_event(log_level::warning, "jwks_fetch_failed", {{"issuer", from.settings.policy.issuer}});
        co_return;
    }
    log_event(log_level::info, "jwks_loaded", {{"issuer", from.settings.policy.issuer}, {"keys", keys->size()}});
    from.publish(std::move(*keys));
}

} // namespace switchboard::adapters
