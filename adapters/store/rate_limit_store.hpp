#pragma once
// The rate-limit store port: sliding-window logs (domain/rate_limit.hpp) keyed by subject.
// admit() is all-or-nothing: the request is recorded in every window only if every window has
// room, so a request refused by one limit never counts against another ("only admitted
// requests count").
//
// Errors: a networked adapter throws store_unavailable; the memory adapter cannot fail.
// Thread safety: implementations are thread-safe, or owned by one core.
#include "adapters/net.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::adapters {

struct limit_window {
    std::string key; // store key (built by the inbound limiter; never contains a secret)
    std::int64_t limit = 0;
    std::chrono::milliseconds window{60'000};
};

struct window_verdict {
    bool admitted = false;
    std::int64_t remaining = 0;
    std::chrono::milliseconds reset{0}; // until one more request fits (Retry-After when refused)
};

class rate_limit_store {
  public:
    virtual ~rate_limit_store() = default;
    // One verdict per window, in order. `admitted` is the same in every verdict of a refused
    // call only for the windows that were full; the others report the room they have.
    virtual net::awaitable<std::vector<window_verdict>> admit(std::vector<limit_window> const& windows) = 0;
    // Whether an answer takes a network round trip (worth overlapping with other work).
    virtual bool remote() const { return false; }
};

// A shared store that leases admissions (domain/window_lease.hpp; leased_rate_limit_store).
class window_lease_store {
  public:
    virtual ~window_lease_store() = default;
    struct lease_grant {
        bool admitted = false;
        std::vector<window_verdict> verdicts; // as admit()'s, after the lease's admissions
        std::string member;                   // names the lease's admissions in the logs
    };
    // Records `admissions` admissions in every window, all or nothing, each counted as made `hold`
    // from now.
    virtual net::awaitable<lease_grant> lease(std::vector<limit_window> const& windows, std::int64_t admissions,
                                              std::chrono::milliseconds hold) = 0;
    // Removes the lease's admissions numbered `from` to `admissions` (1-based: those it did not use).
    virtual net::awaitable<void> give_back(std::vector<limit_window> const& windows, std::string const& member,
                                           std::int64_t from, std::int64_t admissions) = 0;
};

} // namespace switchboard::adapters
