// redis-server child process for tests.
#include "tests/support/redis_server.hpp"

#include "tests/support/test_client.hpp"

#include <hiredis/hiredis.h>


#include <csignal>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace switchboard::testing {
redis_server::redis_server(std::vector<std::string> extra, unsigned short tls_port, std::string tls_cert,
                           std::string tls_key)
    : port_(free_port()) {
    args_ = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning", "--logfile", "/dev/null"};
    if (tls_port != 0)
        for (auto const& a : {std::string("--tls-port"), std::to_string(tls_port), std::string("--tls-cert-file"),
                              tls_cert, std::string("--tls-key-file"), tls_key, std::string("--tls-ca-cert-file"),
                              tls_cert, std::string("--tls-auth-clients"), std::string("no")})
            args_.push_back(a);
    for (auto& a : extra) args_.push_back(std::move(a));
    launch();
}

redis_server::~redis_server() {
    if (frozen_) thaw();
    kill();
}

void redis_server::launch() {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        std::vector<char*> argv;
        for (auto& a : args_) argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp("redis-server", argv.data());
        _exit(127);
    }
    auto const give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("redis-server did not start (is it installed? scripts/install-deps.sh --tests)");
        }
        if (command({"PING"}).ok) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server did not answer PING within 10 s");
}

void redis_server::freeze() {
    ::kill(pid_, SIGSTOP);
    frozen_ = true;
}

void redis_server::thaw() {
    ::kill(pid_, SIGCONT);
    frozen_ = false;
}

void redis_server::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

void redis_server::restart() {
    kill();
    launch();
}

redis_reply redis_server::command(std::vector<std::string> const& args) const {
    redis_reply out;
    timeval tv{1, 0};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    if (!c || c->err) {
        if (c) redisFree(c);
        return out;
    }
    redisSetTimeout(c, tv);
    std::vector<char const*> argv;
    std::vector<std::size_t> lengths;
    for (auto const& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()));
    if (r) {
        out.ok = r->type != REDIS_REPLY_ERROR;
        out.integer = r->integer;
        if (r->str) out.text.assign(r->str, r->len);
        for (std::size_t i = 0; i < r->elements; ++i)
            if (r->element[i]->str) out.elements.emplace_back(r->element[i]->str, r->element[i]->len);
        freeReplyObject(r);
    }
    redisFree(c);
    return out;
}

std::vector<std::string> redis_server::keys() const {
    std::vector<std::string> out;
    std::string cursor = "0";
    timeval tv{1, 0};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    if (!c || c->err) {
        if (c) redisFree(c);
        return out;
    }
    do {
        auto* r = static_cast<redisReply*>(redisCommand(c, "SCAN %s COUNT 1000", cursor.c_str()));
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            if (r) freeReplyObject(r);
            break;
        }
        cursor.assign(r->element[0]->str, r->element[0]->len);
        for (std::size_t i = 0; i < r->element[1]->elements; ++i)
            out.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
        freeReplyObject(r);
    } while (cursor != "0");
    redisFree(c);
    return out;
}

} // namespace switchboard::testing
