#pragma once
// The key store in Redis, shared by every instance:
//   keys:{auth}            HASH  id → the record's stored JSON
//   keys:{auth}:revision   INT   bumped (INCR) by every write, in the same script
//   keys:{auth}:revoked    SET   the revoked ids: a write never brings one back
// These keys have no TTL: a key lives until it is revoked, and its record stays for audit.
// One hash slot (the {auth} tag), so a cluster keeps the pair together.
#include "adapters/store/key_store.hpp"
#include "adapters/store/redis/redis_connection.hpp"

namespace switchboard::adapters {

class redis_key_store final : public key_store {
  public:
    explicit redis_key_store(redis_link& redis) : redis_(redis) {}
    net::awaitable<std::vector<std::string>> load_all() override;
    net::awaitable<bool> save(std::string const& id, std::string record, bool revoked) override;
    net::awaitable<std::int64_t> revision() override;

  private:
    redis_link& redis_;
};

} // namespace switchboard::adapters
