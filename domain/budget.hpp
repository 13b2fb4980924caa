#pragma once
// Per-request call budgets and priorities. A client groups the calls of one user request under
// an `X-Budget-Id` and marks each call `X-Priority: P0..P3`. A budget caps calls, tokens and
// dollars within a TTL. Each priority may spend only its share of the budget — by default P3
// half, P2 three quarters, P1 all of it — so as a budget runs down, P3 is shed first, then P2,
// then P1; P0 always runs (and still counts). Reservation model: a call reserves one call and
// its estimated tokens before dispatch; the result reconciles tokens and dollars; a failed call
// returns its reservation (failed calls are never billed). Pure: the store adapters apply
// decide() atomically (a lock in memory, a script in Redis).
#include "domain/errors.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace switchboard::domain {

enum class priority { p0, p1, p2, p3 };

// "P0".."P3" (case-insensitive); absent → P1. Anything else → invalid_request naming X-Priority.
result<priority> parse_priority(std::string_view header);
std::string_view priority_name(priority p);

struct budget_limits {
    std::int64_t max_calls = 3;  // 0: unlimited
    std::int64_t max_tokens = 0; // 0: unlimited
    double max_usd = 0;          // 0: unlimited
    seconds ttl = seconds(900);  // a budget id lives this long after its first call
    // Share of each limit the priority may use; P0 ignores limits.
    std::array<double, 4> shares = {1.0, 1.0, 0.75, 0.5};
};

struct budget_usage {
    std::int64_t calls = 0;
    std::int64_t tokens = 0;
    double usd = 0;
};

struct budget_decision {
    bool admitted = false;
    budget_usage after; // usage once this call is reserved (unchanged when refused)
};

// Whether a call of priority `p`, estimated at `tokens`, fits what is already `used`.
budget_decision decide(budget_usage const& used, std::int64_t tokens, priority p,
                       budget_limits const& limits);

// What the call's reservation becomes once it ends: a success keeps the call and replaces the
// estimate by the actual tokens and cost; a failure gives everything back.
budget_usage reconcile(budget_usage const& reserved_delta, std::optional<budget_usage> actual);

} // namespace switchboard::domain
