#pragma once
// A real redis-server for tests: started on a free loopback port with persistence off, stopped
// on destruction. It can be frozen (SIGSTOP), thawed (SIGCONT), killed and restarted on the
// same port. command() is a blocking hiredis call for assertions.
// Errors: throws std::runtime_error when redis-server is not installed or does not start
// (scripts/install-deps.sh --tests installs it).
#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace switchboard::testing {

struct redis_reply {
    bool ok = false;     // false: connection failed or error reply
    long long integer = 0;
    std::string text;
    std::vector<std::string> elements;
};

class redis_server {
  public:
    redis_server();
    ~redis_server();
    redis_server(redis_server const&) = delete;
    redis_server& operator=(redis_server const&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

    void freeze();
    void thaw();
    void kill();
    void restart(); // after kill(): the same port, empty data

    redis_reply command(std::vector<std::string> const& args) const;
    // Every key (SCAN), for checks such as "no key without a TTL".
    std::vector<std::string> keys() const;

  private:
    void launch();
    unsigned short port_ = 0;
    pid_t pid_ = -1;
    bool frozen_ = false;
};

} // namespace switchboard::testing
