#pragma once
// The key store of a single instance: a map under a mutex. Thread-safe; shared by every core.
#include "adapters/store/key_store.hpp"

#include <map>
#include <mutex>

namespace switchboard::adapters {

class memory_key_store final : public key_store {
  public:
    net::awaitable<std::vector<std::string>> load_all() override;
    net::awaitable<bool> save(std::string const& id, std::string record, bool revoked) override;
    net::awaitable<std::int64_t> revision() override;

  private:
    std::mutex mutex_;
    struct entry {
        std::string record;
        bool revoked = false;
    };
    std::map<std::string, entry> records_;
    std::int64_t revision_ = 0;
};

} // namespace switchboard::adapters
