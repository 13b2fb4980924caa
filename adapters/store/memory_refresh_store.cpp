// Refresh token families in memory.
#include "adapters/store/memory_refresh_store.hpp"

#include <algorithm>

namespace switchboard::adapters {

net::awaitable<void> memory_refresh_store::start(std::string const& family, refresh_family const& what,
                                                 std::string const& token_hash, std::chrono::seconds ttl) {
    auto const now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        std::erase_if(families_, [&](auto const& f) { return f.second.expires <= now; });
        if (families_.size() >= max_families_ && !families_.empty())
            families_.erase(std::min_element(families_.begin(), families_.end(), [](auto const& a, auto const& b) {
                return a.second.expires < b.second.expires;
            }));
        families_[family] = entry{what, token_hash, {}, false, now + ttl};
    }
    co_return;
}

net::awaitable<std::pair<refresh_outcome, refresh_family>>
memory_refresh_store::rotate(std::string const& family, std::string const& presented_hash, std::string const& next_hash) {
    std::lock_guard lock(mutex_);
    auto found = families_.find(family);
    if (found == families_.end() || found->second.expires <= std::chrono::steady_clock::now())
        co_return std::pair{refresh_outcome::revoked, refresh_family{}};
    auto& f = found->second;
    if (f.revoked) co_return std::pair{refresh_outcome::revoked, refresh_family{}};
    if (f.spent.contains(presented_hash)) {
        f.revoked = true;
        co_return std::pair{refresh_outcome::reused, refresh_family{}};
    }
    if (presented_hash != f.current) co_return std::pair{refresh_outcome::unknown, refresh_family{}};
    f.spent.insert(f.current);
    f.current = next_hash;
    co_return std::pair{refresh_outcome::rotated, f.what};
}

} // namespace switchboard::adapters
