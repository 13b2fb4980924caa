#pragma once
// Starts the whole gateway in-process on 127.0.0.1:<free port> from YAML text, with a fake
// environment, and drains it on destruction. Tests talk to it over real HTTP. Unless the YAML
// names `limits:` / `quotas:`, the default inbound limits and tenant quotas are off, and unless
// it sets `max_connections_per_ip`, that cap is lifted (every test client is 127.0.0.1).
#include "server/runtime.hpp"
#include "tests/support/test_client.hpp"

#include <map>
#include <memory>
#include <string>

namespace switchboard::testing {

class gateway_fixture {
  public:
    explicit gateway_fixture(std::string const& yaml, std::map<std::string, std::string> env = {},
                             unsigned threads = 1);
    ~gateway_fixture();

    unsigned short port() const { return runtime_->port(); }
    server::gateway_runtime& runtime() { return *runtime_; }

    // `limit`: how long the test client waits for the answer.
    client_response chat(std::string const& body,
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         std::chrono::milliseconds limit = std::chrono::seconds(10));
    client_response post(std::string const& target, std::string const& body,
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         std::chrono::milliseconds limit = std::chrono::seconds(10));
    client_response get(std::string const& target);

  private:
    std::unique_ptr<server::gateway_runtime> runtime_;
    std::string ledger_dir_; // the usage ledger's directory when the fixture chose it
};

// A user message chat body for `model`.
std::string chat_body(std::string const& model, std::string const& text = "Hello");

} // namespace switchboard::testing
