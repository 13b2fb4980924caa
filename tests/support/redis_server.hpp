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
    // `extra`: more redis-server options (e.g. ACL users). `tls_port`: also serve TLS there
    // with `tls_cert`/`tls_key` (plain TCP stays on port()).
    explicit redis_server(std::vector<std::string> extra = {}, unsigned short tls_port = 0,
                          std::string tls_cert = {}, std::string tls_key = {});
    ~redis_server();
    redis_server(redis_server const&) = delete;
    redis_server& operator=(redis_server const&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

    void freeze();
    void thaw();
    void kill();
    void restart(); // after kill(): the same port, empty data

    // As the default user (no AUTH); servers started with ACL users keep `default` open.
    redis_reply command(std::vector<std::string> const& args) const;
    // Every key (SCAN), for checks such as "no key without a TTL".
    std::vector<std::string> keys() const;

  private:
    void launch();
    unsigned short port_ = 0;
    std::vector<std::string> args_;
    pid_t pid_ = -1;
    bool frozen_ = false;
};

// How many scripts the server has run (INFO commandstats: EVALSHA calls).
inline long long scripts_run(redis_server const& redis) {
    auto const info = redis.command({"INFO", "commandstats"}).text;
    auto const at = info.find("cmdstat_evalsha:calls=");
    return at == std::string::npos ? 0 : std::stoll(info.substr(at + 22));
}

} // namespace switchboard::testing
