#pragma once
// The latest health-probe result of each provider, written by the probe task and read by the
// health and metrics endpoints. Thread-safe (one mutex; a probe result is written every few
// seconds at most, and read per scrape).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace switchboard::adapters {

struct probe_result {
    bool up = false;
    std::int64_t at_unix = 0;
    double latency_ms = 0;
    std::string error; // failure type and status when down ("server_error 503")
};

class probe_board {
  public:
    void record(std::string const& provider, probe_result result) {
        std::lock_guard lock(mutex_);
        results_[provider] = std::move(result);
    }
    std::map<std::string, probe_result> snapshot() const {
        std::lock_guard lock(mutex_);
        return results_;
    }

  private:
    mutable std::mutex mutex_;
    std::map<std::string, probe_result> results_;
};

} // namespace switchboard::adapters
