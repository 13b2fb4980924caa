#pragma once
// REDIS_URL: redis://[user[:password]@]host[:port][/db] or rediss:// (TLS). Percent-encoded
// credentials are decoded. describe() prints it with the password masked.
#include <boost/system/result.hpp>

#include <string>

namespace switchboard::adapters {

struct redis_endpoint {
    bool tls = false;
    std::string host = "127.0.0.1";
    unsigned short port = 6379;
    std::string user;     // empty: AUTH with the password only (the "default" user)
    std::string password; // empty: no AUTH
    int db = 0;

    std::string describe() const; // "redis://user:***@host:port/db"
};

// Errors: a message naming what is wrong (never the password).
boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string const& url);

} // namespace switchboard::adapters
