#pragma once
// A blocking HTTP client for tests that can never hang: every call runs on a private
// io_context for at most `limit` and reports a timeout as status 0.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::testing {

struct client_response {
    int status = 0; // 0: no response (connection failed or limit reached)
    std::vector<std::pair<std::string, std::string>> headers; // lower-case names
    std::string body;
    std::string header(std::string const& lower_name) const;
};

client_response http_call(unsigned short port, std::string const& method, std::string const& target,
                          std::string const& body = {},
                          std::vector<std::pair<std::string, std::string>> const& headers = {},
                          std::chrono::milliseconds limit = std::chrono::seconds(10));

// A loopback port free right now (for servers the tests start as child processes).
unsigned short free_port();

// Sends raw bytes and returns whatever comes back before the peer closes or `limit` passes.
std::string raw_exchange(unsigned short port, std::string const& bytes,
                         std::chrono::milliseconds limit = std::chrono::seconds(5));

// The same, the bytes sent as `pieces`, each written `pause` after the one before (so that the
// server reads them apart: a header or body split across TCP segments).
std::string raw_exchange_in_pieces(unsigned short port, std::vector<std::string> const& pieces,
                                   std::chrono::milliseconds pause,
                                   std::chrono::milliseconds limit = std::chrono::seconds(5));

} // namespace switchboard::testing
