#pragma once
// A key's own limits, each exact across every instance sharing the store: an inbound request
// rate, a token rate and a cap on calls in flight (seed 003's cap per user), and budgets per UTC
// day and month in requests, tokens and dollars, reservation-based like tenant quotas. One table
// names them for the config file, the admin API and the stored form alike.
#include "domain/quota.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace switchboard::domain {

struct key_limits {
    std::int64_t requests_per_minute = 0; // inbound: one more sliding window; 0: none
    std::int64_t tokens_per_minute = 0;   // a call's estimate is reserved, its usage settled; 0: none
    std::int64_t max_concurrent = 0;      // calls in flight; 0: none
    quota_limits budget;                  // per UTC day / month; micro-dollars
    // Whether a call of this key holds anything while it runs (a rate slot, a budget reservation).
    bool held_per_call() const { return tokens_per_minute > 0 || max_concurrent > 0 || budget.any(); }
};

// One limit as it is named outside: its name, where it lives, its bound, and whether it is in
// dollars (written as a decimal number of dollars, kept in micro-dollars).
struct key_limit_field {
    std::string_view name;
    std::int64_t& (*at)(key_limits&);
    std::int64_t most;
    bool dollars = false;
};
extern std::array<key_limit_field, 8> const key_limit_fields;

inline std::int64_t get(key_limit_field const& f, key_limits const& l) {
    return f.at(const_cast<key_limits&>(l));
}

} // namespace switchboard::domain
