#pragma once
// Which addresses a provider declared by host name may be reached at. A name that resolves to a
// loopback, private, link-local, shared (CGNAT), unspecified, multicast or reserved address is
// refused unless the provider is declared there (an address literal or `localhost` in its base
// URL) or allows it (`allow_private_network`): a DNS answer cannot turn a public API into a way
// into the gateway's own network (SSRF, DNS rebinding).
#include <boost/asio/ip/address.hpp>

#include <string_view>

namespace switchboard::adapters {

bool is_public_address(boost::asio::ip::address const& address);

// Whether a destination declared at `host` (its URL's host) is reached only at public addresses:
// yes for a host name, unless `allow_private_network`; an address literal or a loopback name is
// where it was declared. Upstream REST providers and webhook endpoints follow this one rule.
bool public_addresses_only(std::string_view host, bool allow_private_network);

} // namespace switchboard::adapters
