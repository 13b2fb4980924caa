#pragma once
// The refresh token families of a single instance: a map under a mutex; expired families are
// swept as new ones start. Thread-safe.
#include "adapters/store/refresh_store.hpp"

#include <map>
#include <mutex>
#include <set>

namespace switchboard::adapters {

class memory_refresh_store final : public refresh_store {
  public:
    // At most `max_families` live at once (each login makes one): past it, the one nearest its
    // expiry goes (its holder logs in again).
    explicit memory_refresh_store(std::size_t max_families = 100'000) : max_families_(max_families) {}
    net::awaitable<void> start(std::string const& family, refresh_family const& what, std::string const& token_hash,
                               std::chrono::seconds ttl) override;
    net::awaitable<std::pair<refresh_outcome, refresh_family>>
    rotate(std::string const& family, std::string const& presented_hash, std::string const& next_hash) override;

  private:
    struct entry {
        refresh_family what;
        std::string current;
        std::set<std::string> spent;
        bool revoked = false;
        std::chrono::steady_clock::time_point expires;
    };
    std::mutex mutex_;
    std::map<std::string, entry> families_;
    std::size_t max_families_;
};

} // namespace switchboard::adapters
