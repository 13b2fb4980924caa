#pragma once
// A real PostgreSQL server for tests: a new cluster (initdb, trust auth, fsync off) in a
// directory of its own, started on a free loopback port, with one database `ledger`; stopped
// and removed on destruction. Run as root (CI), the cluster belongs to the `postgres` user.
// query() is a blocking libpq call for assertions.
// Errors: throws std::runtime_error when PostgreSQL is not installed or does not start
// (scripts/install-deps.sh --tests installs it).
#include <string>
#include <sys/types.h>
#include <vector>

namespace switchboard::testing {

class postgres_server {
  public:
    postgres_server();
    ~postgres_server();
    postgres_server(postgres_server const&) = delete;
    postgres_server& operator=(postgres_server const&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const;
    // The rows of a query's first column, as text; throws on an error.
    std::vector<std::string> query(std::string const& sql) const;

  private:
    unsigned short port_ = 0;
    std::string dir_;
    pid_t pid_ = -1;
};

} // namespace switchboard::testing
