#pragma once
// Which addresses a provider declared by host name may be reached at. A name that resolves to a
// loopback, private, link-local, shared (CGNAT), unspecified, multicast or reserved address is
// refused unless the provider is declared there (an address literal or `localhost` in its base
// URL) or allows it (`allow_private_network`): a DNS answer cannot turn a public API into a way
// into the gateway's own network (SSRF, DNS rebinding).
#include <boost/asio/ip/address.hpp>

namespace switchboard::adapters {

bool is_public_address(boost::asio::ip::address const& address);

} // namespace switchboard::adapters
