// The in-memory key store.
#include "adapters/store/memory_key_store.hpp"

namespace switchboard::adapters {

net::awaitable<std::vector<std::string>> memory_key_store::load_all() {
    std::vector<std::string> out;
    {
        std::lock_guard lock(mutex_);
        for (auto const& [id, e] : records_) out.push_back(e.record);
    }
    co_return out;
}

net::awaitable<bool> memory_key_store::save(std::string const& id, std::string record, bool revoked) {
    {
        std::lock_guard lock(mutex_);
        auto& e = records_[id];
        if (e.revoked && !revoked) co_return false;
        e = {std::move(record), revoked};
        ++revision_;
    }
    co_return true;
}

net::awaitable<std::int64_t> memory_key_store::revision() {
    std::lock_guard lock(mutex_);
    co_return revision_;
}

} // namespace switchboard::adapters
