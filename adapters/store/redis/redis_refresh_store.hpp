#pragma once
// Refresh token families in Redis, shared by every instance:
//   refresh:{<family>}        HASH key_id, scopes, current (hash), revoked; TTL = the family's
//   refresh:{<family>}:spent  SET  the replaced tokens' hashes; same TTL
// A rotation is one script, so two instances refreshing the same token at once cannot both win.
#include "adapters/store/redis/redis_connection.hpp"
#include "adapters/store/refresh_store.hpp"

namespace switchboard::adapters {

class redis_refresh_store final : public refresh_store {
  public:
    explicit redis_refresh_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<void> start(std::string const& family, refresh_family const& what, std::string const& token_hash,
                               std::chrono::seconds ttl) override;
    net::awaitable<std::pair<refresh_outcome, refresh_family>>
    rotate(std::string const& family, std::string const& presented_hash, std::string const& next_hash) override;

  private:
    redis_link& redis_;
};

} // namespace switchboard::adapters
