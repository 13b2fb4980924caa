#pragma once
// Where a provider lives: scheme, host, port and base path, parsed from its base URL.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace switchboard::adapters {

struct origin {
    bool tls = true;
    std::string host;
    std::string port;      // "443", "80" or explicit
    std::string base_path; // without trailing slash, e.g. "/v1"
};

// Accepts http:// and https:// URLs; anything else is an error naming the problem.
boost::system::result<origin, std::string> parse_origin(std::string_view url);

// True for localhost and 127.0.0.0/8 / ::1 (plain HTTP is allowed there).
bool is_loopback_host(std::string_view host);

} // namespace switchboard::adapters
