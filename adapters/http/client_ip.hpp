#pragma once
// Which address a request comes from. The socket's peer, unless that peer is a trusted proxy
// (Render, a load balancer): then X-Forwarded-For is read from the right, skipping trusted
// proxies, and the first untrusted address is the client (the leftmost entries are whatever
// the client chose to send, so they are never believed on their own).
#include <boost/system/result.hpp>

#include <array>

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

class trusted_proxies {
  public:
    // CIDR blocks ("10.0.0.0/8", "::1/128") or single addresses ("127.0.0.1").
    // Errors: the first entry that is not an address or block, quoted.
    static boost::system::result<trusted_proxies, std::string> parse(std::vector<std::string> const& entries);

    bool contains(std::string_view address) const;
    bool empty() const { return blocks_.empty(); }

  private:
    struct block {
        std::array<unsigned char, 16> bytes{}; // IPv4 mapped into IPv6
        int prefix = 128;
    };
    std::vector<block> blocks_;
    static bool to_bytes(std::string_view text, std::array<unsigned char, 16>& out);
};

// The client address for rate limits and logs.
std::string client_ip(std::string_view peer, std::string_view forwarded_for, trusted_proxies const& proxies);

} // namespace switchboard::adapters
