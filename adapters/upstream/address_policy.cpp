// Public addresses: everything but the special-purpose ranges of RFC 6890 and its successors.
#include "adapters/upstream/address_policy.hpp"

#include "adapters/upstream/origin.hpp"

#include <array>
#include <cstdint>

namespace switchboard::adapters {
namespace {
struct v4_range {
    std::uint32_t network;
    int bits;
};

bool in(std::uint32_t a, v4_range r) {
    std::uint32_t const mask = r.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - r.bits);
    return (a & mask) == r.network;
}

bool public_v4(boost::asio::ip::address_v4 const& address) {
    static constexpr std::array<v4_range, 15> special{{
        {0x00000000, 8},  // "this network"
        {0x0A000000, 8},  // private
        {0x64400000, 10}, // shared address space (CGNAT)
        {0x7F000000, 8},  // loopback
        {0xA9FE0000, 16}, // link-local (cloud metadata services live here)
        {0xAC100000, 12}, // private
        {0xC0000000, 24}, // IETF protocol assignments
        {0xC0000200, 24}, // TEST-NET-1
        {0xC0A80000, 16}, // private
        {0xC6120000, 15}, // benchmarking
        {0xC6336400, 24}, // TEST-NET-2
        {0xCB007100, 24}, // TEST-NET-3
        {0xE0000000, 4},  // multicast
        {0xF0000000, 4},  // reserved, and the broadcast address
        {0xC0586300, 24}, // 6to4 relay anycast (deprecated)
    }};
    auto const a = address.to_uint();
    for (auto const& r : special)
        if (in(a, r)) return false;
    return true;
}

bool public_v6(boost::asio::ip::address_v6 const& address) {
    if (address.is_v4_mapped()) return public_v4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address));
    if (address.is_loopback() || address.is_unspecified() || address.is_link_local() || address.is_site_local() ||
        address.is_multicast())
        return false;
    auto const bytes = address.to_bytes();
    if ((bytes[0] & 0xFE) == 0xFC) return false;                                 // unique local fc00::/7
    if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8) return false; // documentation
    if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B) return false; // NAT64 64:ff9b::/96
    return true;
}
} // namespace

bool is_public_address(boost::asio::ip::address const& address) {
    return address.is_v4() ? public_v4(address.to_v4()) : public_v6(address.to_v6());
}

bool public_addresses_only(std::string_view host, bool allow_private_network) {
    boost::system::error_code not_literal;
    boost::asio::ip::make_address(std::string(host), not_literal);
    return !allow_private_network && not_literal && !is_loopback_host(host);
}

} // namespace switchboard::adapters
