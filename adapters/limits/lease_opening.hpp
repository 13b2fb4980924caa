#pragma once
// A lease being taken for one subject on a core (leased_quota_store, leased_rate_limit_store,
// leased_key_meter_store): while it is, the subject's slot holds a signal, and the subject's
// calls that arrive meanwhile wait on it (async_wait) for that lease rather than each asking the
// store alone. end() — or the destructor, however the taking ends — clears the slot and wakes
// them; they run once the taker next suspends or ends, so the lease is in by then.
// The slot must outlive the opening (a subject is not forgotten while a lease is being taken).
#include "adapters/net.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace switchboard::adapters {

class lease_opening {
  public:
    lease_opening(net::any_io_executor const& executor, std::shared_ptr<net::steady_timer>& slot)
        : slot_(slot), signal_(std::make_shared<net::steady_timer>(executor, net::steady_timer::time_point::max())) {
        slot_ = signal_;
    }
    lease_opening(lease_opening const&) = delete;
    lease_opening& operator=(lease_opening const&) = delete;
    ~lease_opening() { end(); }

    void end() {
        if (!signal_) return;
        if (slot_ == signal_) slot_.reset();
        signal_->cancel();
        signal_.reset();
    }

  private:
    std::shared_ptr<net::steady_timer>& slot_;
    std::shared_ptr<net::steady_timer> signal_;
};

} // namespace switchboard::adapters
