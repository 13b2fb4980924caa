#pragma once
// Waiting in tests for a fact another thread makes true (a request's bookkeeping after its
// response was written, a background probe's result). Not for waiting on time: domain logic
// is tested with an injected clock.
#include <chrono>
#include <thread>

namespace switchboard::testing {

// Polls `done` every 5 ms until it holds (true) or `limit` passes (false).
template <class F> bool eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto const give_up = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace switchboard::testing
