#pragma once
// Caps on open inbound connections, shared by every core: a total, and a per-client-address
// cap so that one client holding many idle or slow connections (slowloris) cannot take them
// all. Peers that are trusted proxies (server.trusted_proxies) are exempt from the per-address
// cap: every client behind them shares their address. A refused connection is closed at once.
// Thread-safe (a mutex around a small map; two calls per connection, not per request).
#include "adapters/http/client_ip.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchboard::adapters {

class connection_gate {
  public:
    connection_gate(std::size_t max_total, std::size_t max_per_address, trusted_proxies const* exempt)
        : max_total_(max_total), max_per_address_(max_per_address), exempt_(exempt) {}

    bool try_admit(std::string const& address);
    void release(std::string const& address);

    std::size_t open() const { return total_.load(); }
    long refused() const { return refused_.load(); }

  private:
    std::size_t max_total_;
    std::size_t max_per_address_;
    trusted_proxies const* exempt_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> per_address_;
    std::atomic<std::size_t> total_{0};
    std::atomic<long> refused_{0};
};

} // namespace switchboard::adapters
