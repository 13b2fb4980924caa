#pragma once
// Bearer JWTs from the identity providers the config trusts (auth.jwt): each issuer with an
// HS256 secret and/or RS256/ES256 keys from a JWKS file or URL. A token is read (domain::read_jws),
// its issuer found by its "iss", its key chosen by "kid" and by the token's algorithm — which
// must be the key's own: an RSA key never verifies an HS256 token, "none" is never accepted —,
// its signature checked by libjwt, and only then its claims turned into a grant
// (domain::grant_from_claims).
//
// Key rotation: a token naming a kid the issuer's keys lack asks for its JWKS again (at most once
// per `min_refetch_gap`, so a flood of made-up kids costs one fetch), and the JWKS is re-read
// every `jwks_refresh` in the background. A fetch that fails keeps the keys in force.
// Thread safety: shared by every core; each issuer's keys are a snapshot swapped under a mutex.
#include "adapters/auth/jwks.hpp"
#include "adapters/net.hpp"
#include "domain/auth/jwt.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace boost::asio::ssl {
class context;
}

namespace switchboard::adapters {

struct jwt_issuer_settings {
    domain::jwt_policy policy;
    std::string secret;     // HS256 shared secret (empty: none)
    std::string jwks_file;  // RS256/ES256 keys from a file ...
    std::string jwks_url;   // ... or fetched over HTTP(S)
    std::chrono::milliseconds jwks_refresh{600'000};
    bool switchboard_tokens = false; // this gateway's own access tokens (token_issuer)
};

class jwt_verifier {
  public:
    // Reads every jwks_file now; throws std::runtime_error naming the file when one is unreadable.
    explicit jwt_verifier(std::vector<jwt_issuer_settings> issuers,
                          std::chrono::milliseconds min_refetch_gap = std::chrono::seconds(30));

    struct verdict {
        domain::result<domain::caller_grant> grant;
        std::optional<std::size_t> refetch; // the issuer whose JWKS lacks the token's kid
        jwt_issuer_settings const* issuer = nullptr; // whose token verified
        boost::json::object claims;                  // its claims, once verified
    };
    verdict verify(std::string_view token, std::int64_t now_unix) const;

    // The issuer's JWKS read again (file) or fetched (URL, on `executor`). `forced`: the start and
    // the periodic refresh; else a kid miss, at most one per minimum gap (whichever core asks
    // first fetches; the others go on with the keys they have). Never throws: a failure is
    // logged and the keys stay.
    net::awaitable<void> refetch(std::size_t issuer, net::any_io_executor executor, net::ssl::context& tls,
                                 bool forced);
    std::size_t issuers() const { return issuers_.size(); }
    jwt_issuer_settings const& settings(std::size_t i) const { return issuers_[i]->settings; }

  private:
    struct issuer {
        jwt_issuer_settings settings;
        mutable std::mutex mutex;
        std::shared_ptr<std::vector<jwt_key> const> keys = std::make_shared<std::vector<jwt_key> const>();
        std::atomic<std::int64_t> last_miss_fetch_ms{-1'000'000'000}; // the last fetch a kid miss asked for
        std::shared_ptr<std::vector<jwt_key> const> current() const;
        void publish(std::vector<jwt_key> keys);
    };
    // The keys of `from` that may verify a token of `alg` naming `kid`; `unknown_kid` when the
    // token names a kid the issuer has no key for at all.
    std::vector<jwt_key> candidates(issuer const& from, std::string const& alg, std::string const& kid,
                                    bool& unknown_kid) const;
    net::awaitable<std::optional<std::string>> fetch(issuer const& from, net::any_io_executor executor,
                                                     net::ssl::context& tls);

    std::vector<std::unique_ptr<issuer>> issuers_;
    std::chrono::milliseconds min_gap_;
};

// Whether libjwt accepts `token` as signed by `key` with `key.alg` (exposed for tests).
bool signature_holds(std::string_view token, jwt_key const& key);

} // namespace switchboard::adapters
