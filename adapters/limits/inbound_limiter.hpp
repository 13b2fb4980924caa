#pragma once
// Inbound rate limits: which rules apply to a request (domain::rules_for), the store keys of
// its caller, one all-or-nothing check in the store, and the store-failure policy.
//
// Keys never hold a secret: an API key is represented by a SHA-256 prefix of it.
// Store failure: if any applicable rule is fail_closed the request is refused with
// store_unavailable (503, Retry-After 1); otherwise the check runs on the local per-instance
// store with each limit scaled by `local_fraction` (at least 1), and is counted as a fallback.
// Thread safety: one limiter per core (its store is that core's); `fallbacks` is atomic.
#include "adapters/store/rate_limit_store.hpp"
#include "domain/errors.hpp"
#include "domain/rate_limit.hpp"

#include <atomic>
#include <optional>

namespace switchboard::adapters {

struct caller_identity {
    std::string ip;
    std::string key_id; // SHA-256 prefix of the bearer token; empty without one
    std::string tenant;
    // The caller's key's own limit (auth.keys[].requests_per_minute, or set through the admin
    // API): one more sliding window of one minute, on every rate-limited route; 0: none.
    std::int64_t own_requests_per_minute = 0;
};

// "sk-abc..." → 16 hex digits of its SHA-256.
std::string key_fingerprint(std::string_view api_key);

struct limit_report {
    std::string policy; // "ip", "key", "tenant", "global"
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
    std::chrono::milliseconds reset{0};
    std::chrono::milliseconds window{0};
};

struct limit_outcome {
    std::optional<domain::gateway_error> refusal; // rate_limit_exceeded or store_unavailable
    std::vector<limit_report> windows;            // every window checked (for the RateLimit headers)
};

class inbound_limiter {
  public:
    inbound_limiter(std::vector<domain::rate_limit_rule> const& rules, rate_limit_store& shared,
                    rate_limit_store* local_fallback, double local_fraction, std::atomic<long>* fallbacks)
        : rules_(rules), shared_(shared), local_(local_fallback), fraction_(local_fraction), fallbacks_(fallbacks) {}

    net::awaitable<limit_outcome> check(std::string_view path, caller_identity const& who);
    // Whether a check waits on a network round trip (the shared store is remote).
    bool remote() const { return shared_.remote(); }

  private:
    std::vector<domain::rate_limit_rule> const& rules_;
    rate_limit_store& shared_;
    rate_limit_store* local_;
    double fraction_;
    std::atomic<long>* fallbacks_;
};

} // namespace switchboard::adapters
