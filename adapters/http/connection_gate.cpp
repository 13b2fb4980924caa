// Connection caps.
#include "adapters/http/connection_gate.hpp"

namespace switchboard::adapters {

bool connection_gate::try_admit(std::string const& address) {
    std::lock_guard lock(mutex_);
    bool const capped = !(exempt_ && exempt_->contains(address));
    if (total_.load() >= max_total_ || (capped && per_address_[address] >= max_per_address_)) {
        if (per_address_[address] == 0) per_address_.erase(address);
        refused_.fetch_add(1);
        return false;
    }
    ++per_address_[address];
    total_.fetch_add(1);
    return true;
}

void connection_gate::release(std::string const& address) {
    std::lock_guard lock(mutex_);
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
    total_.fetch_sub(1);
}

} // namespace switchboard::adapters
