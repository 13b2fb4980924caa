#pragma once
// Runs store adapters from synchronous tests: an io_context on its own thread, and a Redis
// connection on it (to a test redis_server) once it is ready.
#include "adapters/store/redis/redis_cluster.hpp"
#include "adapters/store/redis/redis_connection.hpp"
#include "adapters/store/redis/redis_scripts.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

namespace switchboard::testing {

class store_harness {
  public:
    store_harness() : thread_([this] { context_.run(); }) {}
    ~store_harness() {
        if (redis_) run_here([this] { redis_->stop(); });
        if (cluster_) run_here([this] { cluster_->stop(); });
        work_.reset();
        context_.stop();
        thread_.join();
    }

    template <class T> T run(net::awaitable<T> a) {
        return net::co_spawn(context_, std::move(a), net::use_future).get();
    }
    net::any_io_executor executor() { return context_.get_executor(); }
    template <class F> void run_here(F f) {
        net::post(context_, net::use_future(f)).get();
    }

    // Connects to redis://127.0.0.1:<port> and waits (up to 5 s) until the connection is ready.
    adapters::redis_connection& redis(unsigned short port, std::chrono::milliseconds timeout = std::chrono::milliseconds(50)) {
        adapters::redis_options options;
        options.endpoint.port = port;
        options.call_timeout = timeout;
        options.stall_timeout = std::chrono::milliseconds(250);
        return redis(options);
    }
    // Any endpoint (TLS, credentials); `ca_file` is trusted for rediss://. Waits up to 5 s
    // for the connection; check stats.connections_up to know whether it came up.
    adapters::redis_connection& redis(adapters::redis_options options, std::string const& ca_file = {}) {
        if (!ca_file.empty()) {
            tls_.load_verify_file(ca_file);
            tls_.set_verify_mode(net::ssl::verify_peer);
        }
        redis_ = std::make_unique<adapters::redis_connection>(context_.get_executor(), options, &tls_, stats,
                                                              adapters::scripts::all());
        run_here([this] { redis_->start(); });
        wait_ready();
        return *redis_;
    }
    // A link to the cluster whose node `seed` is (database 0), once its slot map is in and every
    // primary is connected (up to 5 s).
    adapters::redis_cluster& cluster(unsigned short seed, std::chrono::milliseconds map_refresh = std::chrono::seconds(30)) {
        adapters::redis_options options;
        options.endpoint.port = seed;
        options.call_timeout = std::chrono::milliseconds(200);
        options.stall_timeout = std::chrono::milliseconds(500);
        cluster_ = std::make_unique<adapters::redis_cluster>(context_.get_executor(), options, &tls_, stats,
                                                             adapters::scripts::all(), map_refresh);
        run_here([this] { cluster_->start(); });
        auto const give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (stats.cluster_links_ready.load() == 0 && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return *cluster_;
    }
    bool wait_ready(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
        auto const give_up = std::chrono::steady_clock::now() + limit;
        while (stats.connections_up.load() == 0 && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return stats.connections_up.load() > 0;
    }

    adapters::redis_stats stats;

  private:
    net::io_context context_;
    net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(context_);
    net::ssl::context tls_{net::ssl::context::tls_client};
    std::unique_ptr<adapters::redis_connection> redis_;
    std::unique_ptr<adapters::redis_cluster> cluster_;
    std::thread thread_;
};

} // namespace switchboard::testing
