#pragma once
// A token bucket on an injected clock: `capacity` tokens, refilled continuously at `rate` per
// second. Single-threaded by contract.
#include "domain/time.hpp"

namespace switchboard::domain {

class token_bucket {
  public:
    token_bucket(double capacity, double rate_per_second, time_point now)
        : capacity_(capacity), rate_(rate_per_second), tokens_(capacity), last_(now) {}

    // Takes `n` tokens if there are that many; otherwise takes nothing.
    bool try_take(double n, time_point now);
    // How long until `n` tokens are there (zero if already). n above capacity waits for a full bucket.
    duration time_until(double n, time_point now);
    // Changes the refill rate (AIMD); tokens already there are kept.
    void set_rate(double rate_per_second, time_point now);
    double tokens(time_point now);

  private:
    void refill(time_point now);
    double capacity_;
    double rate_;
    double tokens_;
    time_point last_;
};

} // namespace switchboard::domain
