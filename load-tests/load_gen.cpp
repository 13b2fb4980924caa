// load_gen: the parts of the side-by-side benchmark that Debian's tools do not have.
//
//   load_gen open --port P --path /v1/chat/completions --body-file F --rate 1000 --seconds 10
//       Open loop: request i is due at start + i/rate whatever happened to the ones before, and
//       its latency is measured from when it was due — so a server that stalls is charged for
//       the queue it causes (closed-loop tools like wrk wait instead, and hide it). Requests go
//       out on up to --connections keep-alive connections; a request due while all are busy
//       waits for one (that wait is in its latency). Prints one line of key=value figures.
//   load_gen idle --port P --connections 10000
//       Opens that many keep-alive connections, sends one GET /api/v1/health on each, prints
//       "ready" and holds them open, idle, until stdin closes or the process is signalled.
//   load_gen delayed --port P --delay-ms 50
//       A mock upstream answering every request with a fixed chat.completion after a delay
//       (nginx cannot delay without modules Debian's nginx-light lacks).
//
// HTTP/1.1 over loopback only; responses must carry Content-Length (all three servers do).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

std::map<std::string, std::string> parse_flags(int argc, char** argv) {
    std::map<std::string, std::string> out;
    for (int i = 2; i + 1 < argc; i += 2) out[argv[i]] = argv[i + 1];
    return out;
}

std::string flag(std::map<std::string, std::string> const& f, std::string const& name, std::string fallback) {
    auto it = f.find(name);
    return it == f.end() ? fallback : it->second;
}

// Reads one HTTP/1.1 message (head + Content-Length body) from `s`; returns its head, or nothing
// when the connection failed. The body is consumed, unread.
net::awaitable<std::optional<std::string>> read_message(tcp::socket& s, net::streambuf& in) {
    auto [ec, n] = co_await net::async_read_until(s, in, "\r\n\r\n", use_tuple);
    if (ec) co_return std::nullopt;
    std::string head(net::buffers_begin(in.data()), net::buffers_begin(in.data()) + static_cast<long>(n));
    in.consume(n);
    std::size_t length = 0;
    for (auto name : {"Content-Length: ", "content-length: "})
        if (auto at = head.find(name); at != std::string::npos) length = std::stoul(head.substr(at + 16));
    if (in.size() < length) {
        auto [bec, bn] = co_await net::async_read(s, in, net::transfer_exactly(length - in.size()), use_tuple);
        if (bec) co_return std::nullopt;
    }
    in.consume(length);
    co_return head;
}

// Reads one response; returns its status, 0 on failure.
net::awaitable<int> read_response(tcp::socket& s, net::streambuf& in) {
    auto head = co_await read_message(s, in);
    co_return head && head->size() > 12 ? std::atoi(head->c_str() + 9) : 0;
}

net::awaitable<bool> connect(tcp::socket& s, unsigned short port) {
    auto [ec] = co_await s.async_connect({net::ip::make_address("127.0.0.1"), port}, use_tuple);
    if (ec) co_return false;
    s.set_option(tcp::no_delay(true));
    co_return true;
}

// ---- open loop ---------------------------------------------------------------------------

struct open_loop {
    net::io_context& io;
    unsigned short port;
    std::string request; // the whole request, head and body
    double rate;
    double seconds;
    int max_connections;

    std::deque<clock_type::time_point> due;   // requests due and not yet sent
    std::vector<net::steady_timer*> idle;      // workers waiting for work
    std::vector<double> latencies_us;
    long ok = 0, failed = 0, connect_errors = 0;
    int workers = 0;
    bool done_scheduling = false;

    void wake_one() {
        if (idle.empty()) return;
        auto* t = idle.back();
        idle.pop_back();
        t->cancel();
    }

    net::awaitable<void> worker() {
        tcp::socket s(io);
        net::streambuf in;
        net::steady_timer wait(io);
        bool connected = false;
        for (;;) {
            while (due.empty()) {
                if (done_scheduling) co_return;
                wait.expires_at(clock_type::time_point::max());
                idle.push_back(&wait);
                co_await wait.async_wait(use_tuple);
            }
            auto const when = due.front();
            due.pop_front();
            if (!connected) {
                s = tcp::socket(io);
                connected = co_await connect(s, port);
                if (!connected) {
                    ++connect_errors;
                    ++failed;
                    continue;
                }
            }
            auto [ec, n] = co_await net::async_write(s, net::buffer(request), use_tuple);
            int status = ec ? 0 : co_await read_response(s, in);
            auto const took = std::chrono::duration<double, std::micro>(clock_type::now() - when).count();
            if (status >= 200 && status < 300) {
                ++ok;
                latencies_us.push_back(took);
            } else {
                ++failed;
                if (status == 0) {
                    boost::system::error_code ignored;
                    s.close(ignored);
                    connected = false;
                    in.consume(in.size());
                }
            }
        }
    }

    net::awaitable<void> schedule() {
        net::steady_timer timer(io);
        auto const start = clock_type::now();
        auto const total = static_cast<long>(rate * seconds);
        auto const period = std::chrono::duration<double>(1.0 / rate);
        for (long i = 0; i < total; ++i) {
            auto const when = start + std::chrono::duration_cast<clock_type::duration>(period * i);
            if (when > clock_type::now()) {
                timer.expires_at(when);
                co_await timer.async_wait(use_tuple);
            }
            due.push_back(when);
            if (idle.empty() && workers < max_connections) {
                ++workers;
                net::co_spawn(io, worker(), net::detached);
            } else {
                wake_one();
            }
        }
        done_scheduling = true;
        while (!idle.empty()) wake_one();
    }
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

int run_open(std::map<std::string, std::string> const& f) {
    net::io_context io(1);
    auto const port = static_cast<unsigned short>(std::stoi(flag(f, "--port", "8080")));
    std::string body;
    if (auto file = flag(f, "--body-file", ""); !file.empty()) {
        std::ifstream in(file);
        std::stringstream ss;
        ss << in.rdbuf();
        body = ss.str();
    }
    std::string const path = flag(f, "--path", "/v1/chat/completions");
    std::string request = (body.empty() ? "GET " : "POST ") + path +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    open_loop run{io, port, request, std::stod(flag(f, "--rate", "1000")), std::stod(flag(f, "--seconds", "10")),
                  std::stoi(flag(f, "--connections", "256"))};
    auto const started = clock_type::now();
    net::co_spawn(io, run.schedule(), net::detached);
    // The client sleeps in epoll between requests; its wake-up latency is in every path's figures
    // alike (it cancels out of the overhead). Spinning instead starved the kernel's loopback work
    // on the client's core and made every path slower.
    io.run();
    auto const elapsed = std::chrono::duration<double>(clock_type::now() - started).count();
    auto& l = run.latencies_us;
    std::printf("sent=%ld ok=%ld errors=%ld rate=%.0f connections=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f "
                "p999_us=%.0f max_us=%.0f\n",
                run.ok + run.failed, run.ok, run.failed, static_cast<double>(run.ok + run.failed) / elapsed,
                run.workers, percentile(l, 0.50), percentile(l, 0.90), percentile(l, 0.99), percentile(l, 0.999),
                l.empty() ? 0.0 : *std::max_element(l.begin(), l.end()));
    return run.failed == 0 ? 0 : 1;
}

// ---- idle connections --------------------------------------------------------------------

int run_idle(std::map<std::string, std::string> const& f) {
    net::io_context io(1);
    auto const port = static_cast<unsigned short>(std::stoi(flag(f, "--port", "8080")));
    int const count = std::stoi(flag(f, "--connections", "10000"));
    std::string const request = "GET " + flag(f, "--path", "/api/v1/health") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    int ready = 0, failed = 0;
    // Opened 100 at a time: a burst of 10,000 SYNs would overflow the listen backlog.
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            for (int opened = 0; opened < count;) {
                int const batch = std::min(100, count - opened);
                int pending = batch;
                net::steady_timer all_done(io, clock_type::time_point::max());
                for (int i = 0; i < batch; ++i, ++opened) {
                    sockets.push_back(std::make_unique<tcp::socket>(io));
                    net::co_spawn(
                        io,
                        [&, s = sockets.back().get()]() -> net::awaitable<void> {
                            net::streambuf in;
                            bool good = co_await connect(*s, port);
                            if (good) {
                                auto [ec, n] = co_await net::async_write(*s, net::buffer(request), use_tuple);
                                good = !ec && co_await read_response(*s, in) == 200;
                            }
                            good ? ++ready : ++failed;
                            if (--pending == 0) all_done.cancel();
                        },
                        net::detached);
                }
                if (pending > 0) co_await all_done.async_wait(use_tuple);
            }
            std::printf("ready=%d failed=%d\n", ready, failed);
            std::fflush(stdout);
        },
        net::detached);
    // Held until stdin closes (the harness keeps a pipe open) or a signal.
    net::posix::stream_descriptor input(io, ::dup(STDIN_FILENO));
    char scratch[64];
    input.async_read_some(net::buffer(scratch), [&](auto, auto) { io.stop(); });
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    io.run();
    return failed == 0 ? 0 : 1;
}

// ---- delayed mock upstream ---------------------------------------------------------------

int run_delayed(std::map<std::string, std::string> const& f) {
    net::io_context io(1);
    auto const port = static_cast<unsigned short>(std::stoi(flag(f, "--port", "8081")));
    auto const delay = std::chrono::milliseconds(std::stoi(flag(f, "--delay-ms", "50")));
    std::string const body =
        R"({"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}})";
    std::string const response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n\r\n" + body;
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), port});
    auto session = [&](tcp::socket s) -> net::awaitable<void> {
        s.set_option(tcp::no_delay(true));
        net::streambuf in;
        net::steady_timer timer(io);
        for (;;) {
            auto request_head = co_await read_message(s, in);
            if (!request_head) co_return;
            timer.expires_after(delay);
            co_await timer.async_wait(use_tuple);
            auto [wec, wn] = co_await net::async_write(s, net::buffer(response), use_tuple);
            if (wec) co_return;
        }
    };
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            for (;;) {
                auto [ec, s] = co_await acceptor.async_accept(use_tuple);
                if (ec) co_return;
                net::co_spawn(io, session(std::move(s)), net::detached);
            }
        },
        net::detached);
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    io.run();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: load_gen open|idle|delayed [--flag value]...\n");
        return 2;
    }
    std::string const mode = argv[1];
    auto const flags = parse_flags(argc, argv);
    if (mode == "open") return run_open(flags);
    if (mode == "idle") return run_idle(flags);
    if (mode == "delayed") return run_delayed(flags);
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
}
