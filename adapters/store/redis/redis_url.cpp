// REDIS_URL parsing on Boost.URL.
#include "adapters/store/redis/redis_url.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace switchboard::adapters {

std::string redis_endpoint::describe() const {
    std::string out = tls ? "rediss://" : "redis://";
    if (!user.empty() || !password.empty()) out += user + (password.empty() ? "" : ":***") + "@";
    return out + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string const& text) {
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) return std::string("is not a URL (expected redis://[user:password@]host:port/db)");
    auto const& u = *parsed;
    redis_endpoint e;
    if (u.scheme() == "rediss")
        e.tls = true;
    else if (u.scheme() != "redis")
        return std::string("must start with redis:// or rediss://");
    if (u.host().empty()) return std::string("has no host");
    e.host = u.encoded_host().decode();
    if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
    if (u.has_port()) {
        if (u.port_number() == 0) return std::string("has an invalid port");
        e.port = u.port_number();
    }
    if (u.has_userinfo()) {
        e.user = u.encoded_user().decode();
        if (u.has_password()) e.password = u.encoded_password().decode();
        // redis://password@host (no colon): the userinfo is the password, as redis-cli reads it.
        if (!u.has_password()) std::swap(e.user, e.password);
    }
    auto path = std::string(u.encoded_path());
    if (!path.empty() && path != "/") {
        auto const digits = path.substr(1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), e.db);
        if (ec != std::errc{} || end != digits.data() + digits.size() || e.db < 0 || e.db > 15)
            return std::string("has an invalid database number (expected /0 to /15)");
    }
    return e;
}

} // namespace switchboard::adapters
