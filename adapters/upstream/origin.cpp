// Base-URL parsing with Boost.URL.
#include "adapters/upstream/origin.hpp"

#include <boost/url/parse.hpp>

namespace switchboard::adapters {

boost::system::result<origin, std::string> parse_origin(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return std::string("is not a valid URL");
    origin o;
    std::string scheme(parsed->scheme());
    if (scheme == "https") {
        o.tls = true;
    } else if (scheme == "http") {
        o.tls = false;
    } else {
        return std::string("must start with http:// or https://");
    }
    o.host = std::string(parsed->encoded_host_address());
    if (o.host.size() > 2 && o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
    if (o.host.empty()) return std::string("has no host");
    o.port = parsed->has_port() ? std::string(parsed->port()) : (o.tls ? "443" : "80");
    o.base_path = std::string(parsed->encoded_path());
    while (!o.base_path.empty() && o.base_path.back() == '/') o.base_path.pop_back();
    return o;
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host.starts_with("127.") || host == "::1";
}

} // namespace switchboard::adapters
