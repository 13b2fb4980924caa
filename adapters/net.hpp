#pragma once
// Namespace aliases used across the adapters. Kept light: it pulls in only `awaitable`.
#include <boost/asio/awaitable.hpp>

namespace boost::beast::http {}

namespace switchboard {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
} // namespace switchboard
