#pragma once
// The lease terms the lease tests start from: `calls` a lease, 2 % of a limit at most, a hold of
// one second, calls one by one from 80 % of a limit.
#include "domain/lease_terms.hpp"

namespace switchboard::testing {

inline domain::lease_terms example_terms(int calls = 32) {
    domain::lease_terms t;
    t.calls = calls;
    t.max_share = 0.02;
    t.hold = std::chrono::milliseconds(1000);
    t.exact_above = 0.8;
    return t;
}

} // namespace switchboard::testing
