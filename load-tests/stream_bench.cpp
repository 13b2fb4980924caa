// stream_bench: time-to-first-token overhead and memory per open stream, side by side.
//
// Starts a slow SSE upstream in this process (OpenAI format: the role chunk at once, the first
// token after --first-ms, then --tokens tokens every --gap-ms), starts the switchboard binary
// against it, then opens --streams concurrent streams twice — straight to the upstream, then
// through the gateway — and prints time to first token (p50/p90/p99) for both, the overhead,
// and the gateway's resident memory idle and with every stream open. With --nginx (an nginx
// binary) the same streams also go through an nginx proxy_pass with buffering off: the floor for
// one streaming proxy hop on the same machine.
//
//   build/load-tests/stream_bench --gateway build/server/switchboard --streams 1000 [--keepalive 1] [--preconnect 2]
//
// Closed over loopback on one machine: the numbers compare the two paths, they are not a
// statement about a network.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {
struct options {
    std::string gateway = "build/server/switchboard";
    int streams = 1000;
    int first_ms = 50;
    int gap_ms = 500;
    int tokens = 10;
    int rounds = 1;
    int arrival_us = 1000; // streams start this far apart (open loop), not all at once
    std::string nginx;     // an nginx binary: also measure through an nginx proxy_pass (the floor)
    // The upstream keeps its connections open between streams (as hosted providers do), so a
    // proxy may reuse one instead of connecting per stream; off: one stream per connection.
    bool keepalive = false;
    int preconnect = 0; // the gateway's providers.up.preconnect: spare upstream connections
};

std::string chunk(std::string const& content) {
    return "data: {\"id\":\"u\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
           "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
}

// Writes one HTTP/1.1 chunk.
net::awaitable<bool> send_chunk(tcp::socket& s, std::string const& data) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string framed = size + data + "\r\n";
    auto [ec, n] = co_await net::async_write(s, net::buffer(framed), use_tuple);
    co_return !ec;
}

// One stream on an upstream connection; false when the connection is done.
net::awaitable<bool> upstream_stream(tcp::socket& s, net::streambuf& in, options const& o) {
    auto [ec, n] = co_await net::async_read_until(s, in, "\r\n\r\n", use_tuple);
    if (ec) co_return false;
    std::string head(net::buffers_begin(in.data()), net::buffers_begin(in.data()) + n);
    in.consume(n);
    std::size_t length = 0;
    if (auto at = head.find("Content-Length: "); at != std::string::npos) length = std::stoul(head.substr(at + 16));
    if (in.size() < length) co_await net::async_read(s, in, net::transfer_exactly(length - in.size()), use_tuple);
    in.consume(length); // the next request starts after this one's body
    std::string const response_head = std::string("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                                  "Transfer-Encoding: chunked\r\n") +
                                      (o.keepalive ? "\r\n" : "Connection: close\r\n\r\n");
    co_await net::async_write(s, net::buffer(response_head), use_tuple);
    co_await send_chunk(s, "data: {\"id\":\"u\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                           "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
    net::steady_timer t(s.get_executor());
    t.expires_after(std::chrono::milliseconds(o.first_ms));
    co_await t.async_wait(use_tuple);
    for (int i = 0; i < o.tokens; ++i) {
        if (i > 0) {
            t.expires_after(std::chrono::milliseconds(o.gap_ms));
            co_await t.async_wait(use_tuple);
        }
        if (!co_await send_chunk(s, chunk("tok" + std::to_string(i) + " "))) co_return false;
    }
    co_await send_chunk(s, "data: {\"id\":\"u\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    co_await send_chunk(s, "data: [DONE]\n\n");
    auto [wec, wn] = co_await net::async_write(s, net::buffer(std::string("0\r\n\r\n")), use_tuple);
    co_return !wec && o.keepalive;
}

// The slow upstream: one stream per connection, or (--keepalive) one after another.
net::awaitable<void> upstream_session(tcp::socket s, options const& o) {
    net::streambuf in;
    while (co_await upstream_stream(s, in, o)) {
    }
}

net::awaitable<void> upstream_accept(tcp::acceptor& a, options const& o) {
    for (;;) {
        auto [ec, s] = co_await a.async_accept(use_tuple);
        if (ec) co_return;
        net::co_spawn(a.get_executor(), upstream_session(std::move(s), o), net::detached);
    }
}

struct stream_sample {
    double ttft_ms = -1;
    bool complete = false;
};

// One client stream: POST, then the time until the first content token arrives.
net::awaitable<void> client_stream(unsigned short port, std::string path, stream_sample& out, int& first_tokens,
                                   std::chrono::microseconds start_after) {
    net::steady_timer wait(co_await net::this_coro::executor, start_after);
    co_await wait.async_wait(use_tuple);
    tcp::socket s(co_await net::this_coro::executor);
    auto [cec] = co_await s.async_connect({net::ip::make_address("127.0.0.1"), port}, use_tuple);
    if (cec) co_return;
    std::string const body =
        R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"Tell me a story"}]})";
    std::string const req = "POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                            "Authorization: Bearer sk-bench\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body;
    auto const sent = clock_type::now();
    auto [wec, wn] = co_await net::async_write(s, net::buffer(req), use_tuple);
    if (wec) co_return;
    std::string seen;
    char buf[8192];
    for (;;) {
        auto [ec, n] = co_await s.async_read_some(net::buffer(buf), use_tuple);
        if (ec) break;
        seen.append(buf, n);
        if (out.ttft_ms < 0 && seen.find("tok0") != std::string::npos) {
            out.ttft_ms = std::chrono::duration<double, std::milli>(clock_type::now() - sent).count();
            ++first_tokens;
        }
        if (seen.find("[DONE]") != std::string::npos) {
            out.complete = true;
            break;
        }
        if (seen.size() > 4096) seen.erase(0, seen.size() - 64);
    }
}

long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct run_result {
    std::vector<double> ttft;
    int complete = 0;
    long rss_open_kib = -1;
};

// Opens `n` streams at once against port/path; samples `pid`'s RSS once every stream has its
// first token (pid 0: no sample).
run_result run(net::io_context& io, unsigned short port, std::string const& path, int n, pid_t pid, int arrival_us) {
    std::vector<stream_sample> samples(static_cast<std::size_t>(n));
    int first_tokens = 0;
    for (std::size_t i = 0; i < samples.size(); ++i)
        net::co_spawn(io,
                      client_stream(port, path, samples[i], first_tokens,
                                    std::chrono::microseconds(static_cast<long>(i) * arrival_us)),
                      net::detached);
    run_result r;
    bool sampled = false;
    while (io.run_one()) {
        if (!sampled && first_tokens == n) {
            sampled = true;
            if (pid) r.rss_open_kib = rss_kib(pid);
        }
    }
    io.restart();
    for (auto const& s : samples) {
        if (s.ttft_ms >= 0) r.ttft.push_back(s.ttft_ms);
        r.complete += s.complete;
    }
    return r;
}

unsigned short free_port() {
    net::io_context io;
    tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}
} // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view const k = argv[i];
        std::string const v = argv[i + 1];
        if (k == "--gateway") o.gateway = v;
        else if (k == "--streams") o.streams = std::stoi(v);
        else if (k == "--first-ms") o.first_ms = std::stoi(v);
        else if (k == "--gap-ms") o.gap_ms = std::stoi(v);
        else if (k == "--tokens") o.tokens = std::stoi(v);
        else if (k == "--rounds") o.rounds = std::stoi(v);
        else if (k == "--arrival-us") o.arrival_us = std::stoi(v);
        else if (k == "--nginx") o.nginx = v;
        else if (k == "--keepalive") o.keepalive = v != "0";
        else if (k == "--preconnect") o.preconnect = std::stoi(v);
    }
    signal(SIGPIPE, SIG_IGN);

    // The upstream runs on its own thread, so the clients' work never delays it.
    net::io_context upstream_io;
    tcp::acceptor acceptor(upstream_io, {net::ip::make_address("127.0.0.1"), 0});
    acceptor.listen(4096);
    auto const upstream_port = acceptor.local_endpoint().port();
    net::co_spawn(upstream_io, upstream_accept(acceptor, o), net::detached);
    std::thread upstream_thread([&] { upstream_io.run(); });

    auto const gateway_port = free_port();
    std::string const config = "/tmp/stream-bench-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(config) << "server: {host: 127.0.0.1, port: " << gateway_port
                          << ", threads: 1, max_connections_per_ip: 100000}\n"
                          << "logging: {level: warning}\nlimits: []\n"
                          << "quotas: {tenants: {default: {tokens_per_day: 0, tokens_per_month: 0}}}\n"
                          << "timeouts: {attempt: 120s, request: 120s}\n"
                          << "providers:\n  up: {kind: openai, base_url: \"http://127.0.0.1:" << upstream_port
                          << "/v1\", api_key: sk-bench-upstream, preconnect: " << o.preconnect
                          << "}\nmodels:\n  chat: [up/m]\n";
    pid_t const gateway = fork();
    if (gateway == 0) {
        execl(o.gateway.c_str(), o.gateway.c_str(), "--config", config.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // The floor for one streaming proxy hop: nginx proxy_pass with buffering off, one process.
    pid_t proxy = 0;
    unsigned short proxy_port = 0;
    std::string const proxy_dir = "/tmp/stream-bench-nginx-" + std::to_string(getpid());
    if (!o.nginx.empty()) {
        proxy_port = free_port();
        std::filesystem::create_directories(proxy_dir);
        std::ofstream(proxy_dir + "/nginx.conf")
            << "worker_processes 1;\nmaster_process off;\ndaemon off;\npid " << proxy_dir << "/nginx.pid;\n"
            << "error_log " << proxy_dir << "/error.log warn;\nevents { worker_connections 8192; }\nhttp {\n"
            << "  access_log off;\n  client_body_temp_path " << proxy_dir << "; proxy_temp_path " << proxy_dir
            << "; fastcgi_temp_path " << proxy_dir << "; uwsgi_temp_path " << proxy_dir << "; scgi_temp_path "
            << proxy_dir << ";\n  upstream up { server 127.0.0.1:" << upstream_port << ";"
            << (o.keepalive ? " keepalive 256;" : "") << " }\n"
            << "  server { listen 127.0.0.1:" << proxy_port << "; location / { proxy_pass http://up; "
            << "proxy_http_version 1.1; proxy_buffering off; proxy_read_timeout 120s; "
            << (o.keepalive ? "proxy_set_header Connection \"\"; " : "") << "} }\n}\n";
        proxy = fork();
        if (proxy == 0) {
            execlp(o.nginx.c_str(), o.nginx.c_str(), "-c", (proxy_dir + "/nginx.conf").c_str(), "-p", proxy_dir.c_str(),
                   static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // The idle RSS moves by a few hundred KiB in the first second (measured: 19.4–20.0 MiB between
    // starts of one binary): the median of five samples, 100 ms apart.
    std::vector<long> idle_samples;
    for (int i = 0; i < 5; ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        idle_samples.push_back(rss_kib(gateway));
    }
    std::sort(idle_samples.begin(), idle_samples.end());
    long const rss_idle = idle_samples[2];

    net::io_context clients;
    std::printf("streams=%d arriving every %d us, first_token=%dms gap=%dms tokens=%d (loopback; gateway: 1 thread)\n",
                o.streams, o.arrival_us, o.first_ms, o.gap_ms, o.tokens);
    std::printf("%-9s %9s %9s %9s %9s %10s\n", "path", "ttft_p50", "ttft_p90", "ttft_p99", "complete", "rss_kib");
    for (int round = 0; round < o.rounds; ++round) {
        auto direct = run(clients, upstream_port, "/v1/chat/completions", o.streams, 0, o.arrival_us);
        auto via = run(clients, gateway_port, "/v1/chat/completions", o.streams, gateway, o.arrival_us);
        std::printf("%-9s %8.2fms %8.2fms %8.2fms %9d %10s\n", "direct", percentile(direct.ttft, 0.5),
                    percentile(direct.ttft, 0.9), percentile(direct.ttft, 0.99), direct.complete, "-");
        std::printf("%-9s %8.2fms %8.2fms %8.2fms %9d %10ld\n", "gateway", percentile(via.ttft, 0.5),
                    percentile(via.ttft, 0.9), percentile(via.ttft, 0.99), via.complete, via.rss_open_kib);
        if (proxy) {
            auto nginx = run(clients, proxy_port, "/v1/chat/completions", o.streams, proxy, o.arrival_us);
            std::printf("%-9s %8.2fms %8.2fms %8.2fms %9d %10ld\n", "nginx", percentile(nginx.ttft, 0.5),
                        percentile(nginx.ttft, 0.9), percentile(nginx.ttft, 0.99), nginx.complete, nginx.rss_open_kib);
            std::printf("overhead  nginx p50 %+.3f ms, p99 %+.3f ms\n",
                        percentile(nginx.ttft, 0.5) - percentile(direct.ttft, 0.5),
                        percentile(nginx.ttft, 0.99) - percentile(direct.ttft, 0.99));
        }
        std::printf("overhead  gateway p50 %+.3f ms, p99 %+.3f ms; gateway RSS idle %ld KiB, with %d open streams "
                    "%ld KiB (%.1f KiB per stream)\n",
                    percentile(via.ttft, 0.5) - percentile(direct.ttft, 0.5),
                    percentile(via.ttft, 0.99) - percentile(direct.ttft, 0.99), rss_idle, o.streams,
                    via.rss_open_kib, static_cast<double>(via.rss_open_kib - rss_idle) / o.streams);
    }
    if (proxy) {
        kill(proxy, SIGTERM);
        waitpid(proxy, nullptr, 0);
        std::filesystem::remove_all(proxy_dir);
    }

    kill(gateway, SIGTERM);
    waitpid(gateway, nullptr, 0);
    std::remove(config.c_str());
    acceptor.close();
    upstream_io.stop();
    upstream_thread.join();
    return 0;
}
