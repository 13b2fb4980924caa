// A PostgreSQL cluster of the test's own (postgres_server.hpp).
#include "tests/support/postgres_server.hpp"

#include "tests/support/test_client.hpp"

#include <libpq-fe.h>

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace switchboard::testing {
namespace {
namespace fs = std::filesystem;

// Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin.
std::string bin_dir() {
    std::error_code ec;
    std::string best;
    for (auto const& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
        if (fs::exists(entry.path() / "bin" / "initdb")) best = std::max(best, (entry.path() / "bin").string());
    if (best.empty()) throw std::runtime_error("PostgreSQL is not installed (scripts/install-deps.sh --tests)");
    return best;
}

// As root, the cluster's files and processes belong to `postgres` (the server refuses root).
struct run_as {
    uid_t uid = 0;
    gid_t gid = 0;
    bool switch_user = false;
    run_as() {
        if (geteuid() != 0) return;
        auto const* pw = getpwnam("postgres");
        if (!pw) throw std::runtime_error("no postgres user to run the test cluster as");
        uid = pw->pw_uid, gid = pw->pw_gid, switch_user = true;
    }
};

pid_t spawn(run_as const& who, std::vector<std::string> args, bool quiet) {
    pid_t const pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (who.switch_user && (setgid(who.gid) != 0 || setuid(who.uid) != 0)) _exit(126);
        if (quiet) { // by descriptor: closing the inherited FILE* would flush the parent's buffered output again
            int const sink = open("/dev/null", O_WRONLY);
            dup2(sink, 1);
            dup2(sink, 2);
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

std::string conninfo(unsigned short port, std::string const& db) {
    return "host=127.0.0.1 port=" + std::to_string(port) + " user=switchboard dbname=" + db + " connect_timeout=2";
}
} // namespace

postgres_server::postgres_server() : port_(free_port()) {
    static std::atomic<int> n{0};
    auto const bin = bin_dir();
    run_as const who;
    dir_ = (fs::temp_directory_path() / ("switchboard-pg-" + std::to_string(getpid()) + "-" + std::to_string(++n))).string();
    fs::create_directories(dir_);
    if (who.switch_user && chown(dir_.c_str(), who.uid, who.gid) != 0) throw std::runtime_error("chown failed");
    auto const data = dir_ + "/data";
    int status = 0;
    waitpid(spawn(who, {bin + "/initdb", "-D", data, "-U", "switchboard", "-A", "trust", "-E", "UTF8", "--no-sync"}, true),
            &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("initdb failed");
    pid_ = spawn(who,
                 {bin + "/postgres", "-D", data, "-p", std::to_string(port_), "-k", dir_, "-c", "listen_addresses=127.0.0.1",
                  "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"},
                 true);
    auto const give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (PQping(conninfo(port_, "postgres").c_str()) != PQPING_OK) {
        if (waitpid(pid_, &status, WNOHANG) == pid_ || std::chrono::steady_clock::now() > give_up) {
            pid_ = -1;
            throw std::runtime_error("postgres did not start");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto* c = PQconnectdb(conninfo(port_, "postgres").c_str());
    auto* r = PQexec(c, "CREATE DATABASE ledger");
    bool const ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("CREATE DATABASE failed");
}

postgres_server::~postgres_server() {
    if (pid_ > 0) {
        ::kill(pid_, SIGINT); // fast shutdown: clients disconnected, no checkpoint wait
        waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::string postgres_server::url() const {
    return "postgresql://switchboard@127.0.0.1:" + std::to_string(port_) + "/ledger";
}

std::vector<std::string> postgres_server::query(std::string const& sql) const {
    auto* c = PQconnectdb(conninfo(port_, "ledger").c_str());
    auto* r = PQexec(c, sql.c_str());
    std::vector<std::string> out;
    bool const ok = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string const error = ok ? "" : PQerrorMessage(c);
    for (int i = 0; ok && i < PQntuples(r); ++i) out.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("query failed: " + error);
    return out;
}

} // namespace switchboard::testing
