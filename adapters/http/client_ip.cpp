// Trusted-proxy matching and X-Forwarded-For reading.
#include "adapters/http/client_ip.hpp"

#include "domain/ascii.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace switchboard::adapters {

bool trusted_proxies::to_bytes(std::string_view text, std::array<unsigned char, 16>& out) {
    boost::system::error_code ec;
    auto const a = boost::asio::ip::make_address(std::string(text), ec);
    if (ec) return false;
    out = a.is_v4() ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes()
                    : a.to_v6().to_bytes();
    return true;
}

boost::system::result<trusted_proxies, std::string> trusted_proxies::parse(std::vector<std::string> const& entries) {
    trusted_proxies out;
    for (auto const& e : entries) {
        std::string_view text = e;
        block b;
        auto const slash = text.find('/');
        std::string_view const addr = text.substr(0, slash);
        if (!to_bytes(addr, b.bytes)) return "'" + e.substr(0, 64) + "' is not an IP address or CIDR block";
        bool const v4 = addr.find(':') == std::string_view::npos;
        b.prefix = 128;
        if (slash != std::string_view::npos) {
            auto const digits = text.substr(slash + 1);
            int prefix = -1;
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
            int const max = v4 ? 32 : 128;
            if (ec != std::errc{} || end != digits.data() + digits.size() || prefix < 0 || prefix > max)
                return "'" + e.substr(0, 64) + "' has an invalid prefix length";
            b.prefix = v4 ? prefix + 96 : prefix;
        }
        out.blocks_.push_back(b);
    }
    return out;
}

bool trusted_proxies::contains(std::string_view address) const {
    std::array<unsigned char, 16> bytes{};
    if (blocks_.empty() || !to_bytes(domain::trimmed_ows(address), bytes)) return false;
    for (auto const& b : blocks_) {
        int bits = b.prefix;
        bool match = true;
        for (std::size_t i = 0; i < 16 && bits > 0 && match; ++i, bits -= 8) {
            unsigned const mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
            match = (bytes[i] & mask) == (b.bytes[i] & mask);
        }
        if (match) return true;
    }
    return false;
}

std::string client_ip(std::string_view peer, std::string_view forwarded_for, trusted_proxies const& proxies) {
    if (forwarded_for.empty() || !proxies.contains(peer)) return std::string(peer);
    std::string_view rest = forwarded_for;
    std::string_view candidate;
    while (!rest.empty()) {
        auto const comma = rest.rfind(',');
        candidate = domain::trimmed_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        boost::system::error_code bad;
        boost::asio::ip::make_address(std::string(candidate), bad);
        if (bad) return std::string(peer); // garbage in the chain: trust nothing in it
        if (!proxies.contains(candidate)) return std::string(candidate);
    }
    return std::string(candidate.empty() ? peer : candidate);
}

} // namespace switchboard::adapters
