// Background work and the log writer: periodic tasks end on stop() (even mid-run), provider
// probes feed the breaker and the health report, the quota refresh follows a UTC rollover, and
// the log file rotates by size without losing or splitting a line.
#include "adapters/spawned.hpp"
#include "tests/support/log_capture.hpp"
#include "gateway_fixture.hpp"
#include "store_harness.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/mock_upstream.hpp"

#include "adapters/background/gateway_jobs.hpp"
#include "adapters/background/periodic_tasks.hpp"
#include "adapters/observability/log_sink.hpp"
#include "adapters/store/memory_quota_store.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

using namespace switchboard;
using namespace switchboard::testing;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::vector<std::string> file_lines(std::string const& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}
} // namespace

BOOST_AUTO_TEST_SUITE(background)

BOOST_AUTO_TEST_CASE(a_spawned_task_that_throws_is_logged_with_its_name) {
    log_capture logs;
    net::io_context context;
    net::co_spawn(context, []() -> net::awaitable<void> {
        throw std::runtime_error("settlement store exploded");
        co_return;
    }(), adapters::logged("quota_settlement_retry"));
    net::co_spawn(context, []() -> net::awaitable<void> { co_return; }(), adapters::logged("quiet"));
    context.run();
    auto const failed = logs.events("task_failed");
    BOOST_TEST_REQUIRE(failed.size() == 1u); // the one that ended normally says nothing
    BOOST_TEST(failed[0].at("task").as_string() == "quota_settlement_retry");
    BOOST_TEST(failed[0].at("error").as_string() == "settlement store exploded");
}

// A task that fails run after run (its store is down) is logged once, not at every run; its
// recovery is logged once, with how many runs failed.
BOOST_AUTO_TEST_CASE(a_task_failing_again_and_again_is_logged_once_then_its_recovery) {
    log_capture logs;
    net::io_context context;
    auto work = net::make_work_guard(context);
    std::thread runner([&] { context.run(); });
    std::atomic<int> runs{0};
    {
        adapters::periodic_tasks tasks(context.get_executor());
        tasks.spawn("key_watch", 1ms, [&]() -> net::awaitable<void> {
            if (++runs <= 40) throw std::runtime_error("store unavailable");
            co_return;
        });
        BOOST_TEST_REQUIRE(eventually([&] { return !logs.events("background_task_recovered").empty(); }));
        tasks.stop();
    }
    auto const failed = logs.events("background_task_failed");
    BOOST_TEST_REQUIRE(failed.size() == 1u);
    BOOST_TEST(failed[0].at("task").as_string() == "key_watch");
    BOOST_TEST(failed[0].at("detail").as_string() == "store unavailable");
    auto const recovered = logs.events("background_task_recovered");
    BOOST_TEST_REQUIRE(recovered.size() == 1u);
    BOOST_TEST(recovered[0].at("failures").as_int64() == 40);
    work.reset();
    runner.join();
}

BOOST_AUTO_TEST_CASE(stop_cancels_waiting_and_running_tasks_and_waits_for_them) {
    net::io_context context;
    auto work = net::make_work_guard(context);
    std::thread runner([&] { context.run(); });
    std::atomic<int> runs{0};
    std::atomic<bool> inside_long_run{false};
    {
        adapters::periodic_tasks tasks(context.get_executor());
        tasks.spawn("idle", std::chrono::hours(1), []() -> net::awaitable<void> { co_return; });
        tasks.spawn("busy", 1ms, [&]() -> net::awaitable<void> {
            ++runs;
            if (runs.load() < 3) co_return;
            inside_long_run = true;
            net::steady_timer t(co_await net::this_coro::executor, std::chrono::hours(1));
            co_await t.async_wait(net::use_awaitable); // cancelled by stop()
        });
        BOOST_TEST_REQUIRE(eventually([&] { return inside_long_run.load(); }));
        BOOST_TEST(tasks.running() == 2);
        tasks.stop(); // returns only when both loops are done: the hour-long waits were cancelled
        BOOST_TEST(tasks.running() == 0);
    }
    BOOST_TEST(runs.load() == 3); // runs never overlap: the third was still running
    work.reset();
    runner.join();
}

BOOST_AUTO_TEST_CASE(failing_probes_open_the_breaker_and_show_in_detailed_health_until_shutdown) {
    mock_upstream upstream;
    std::atomic<bool> healthy{true};
    upstream.reply_with([&](recorded_request const& r) {
        if (r.method == "GET" && r.target == "/v1/models")
            return healthy ? canned_reply::json(200, R"({"object":"list","data":[]})")
                           : canned_reply::json(503, R"({"error":{"message":"down"}})");
        return canned_reply::json(200, completion_body("m"));
    });
    gateway_fixture gw("resilience: {breaker: {failure_threshold: 2, open_for: 60s}}\n"
                       "providers:\n  watched: {kind: openai, base_url: \"" + upstream.base_url("/v1") +
                       "\", api_key: k-watched-0001, probe: {interval: 20ms, timeout: 1s}}\n"
                       "models:\n  chat: [watched/m]\n");
    auto const probes = [&] { return gw.runtime().probes().snapshot(); };
    BOOST_TEST_REQUIRE(eventually([&] { return probes().count("watched") && probes().at("watched").up; }));
    BOOST_TEST(upstream.requests().front().header("authorization") == "Bearer k-watched-0001");

    healthy = false; // the provider goes down while nobody calls it
    BOOST_TEST_REQUIRE(eventually([&] {
        for (auto const& s : gw.runtime().resilience().snapshot(std::chrono::steady_clock::now()))
            if (s.key == "watched/m" && s.state == domain::breaker_state::open) return true;
        return false;
    }));
    BOOST_TEST(!probes().at("watched").up);
    BOOST_TEST(probes().at("watched").error == "server_error 503");
    auto health = gw.get("/api/health/detailed");
    BOOST_TEST(health.status == 503); // its only deployment is out: the gateway cannot serve
    auto const body = json::parse(health.body).as_object();
    auto const& deployment = body.at("deployments").as_array().at(0).as_object();
    BOOST_TEST(deployment.at("state").as_string() == "open");
    BOOST_TEST(deployment.at("last_error").as_string() == "probe: server_error 503");
    BOOST_TEST(deployment.at("last_error_at").as_int64() > 0);
    auto const metrics = gw.get("/metrics").body;
    BOOST_TEST(metrics.find(R"(switchboard_provider_probe_up{provider="watched"} 0)") != std::string::npos);
    // A client is told at once rather than sent to a dead provider.
    BOOST_TEST(gw.chat(chat_body("chat")).status == 503);

    gw.runtime().shutdown();
    BOOST_TEST(gw.runtime().background_tasks() == 0);
    auto const after = upstream.hits();
    std::this_thread::sleep_for(100ms); // five probe periods: none may come
    BOOST_TEST(upstream.hits() == after);
}

BOOST_AUTO_TEST_CASE(the_quota_refresh_lifts_the_degraded_signal_when_a_new_utc_day_starts) {
    store_harness h;
    std::int64_t now = 1795305599 - 60; // 2026-11-21T23:58:59Z
    adapters::memory_quota_store store([&now] { return now; });
    adapters::quota_policy policy;
    policy.tenants.clear();
    policy.providers["openai"] = domain::quota_limits{10, 0, 0};
    adapters::quota_keeper keeper(policy, store, nullptr, 1.0, nullptr);
    adapters::resilience_state resilience;
    resilience.on_quota_use("openai", 0.0);
    for (int i = 0; i < 10; ++i) {
        auto room = h.run(keeper.reserve_provider("openai", {1, 0}));
        BOOST_TEST_REQUIRE(room.hold.has_value());
        h.run(keeper.settle(std::move(*room.hold), domain::quota_counts{1, 0}));
    }
    adapters::quota_watch watch;
    h.run(adapters::refresh_quota_signals(keeper, resilience, watch));
    auto const t = std::chrono::steady_clock::now();
    BOOST_TEST(resilience.signals(t).quota_use == 1.0);
    now += 120; // 2026-11-22T00:00:59Z: the provider's daily window started over
    h.run(adapters::refresh_quota_signals(keeper, resilience, watch));
    BOOST_TEST(resilience.signals(t).quota_use == 0.0); // no call needed to notice
}

BOOST_AUTO_TEST_CASE(the_log_file_rotates_by_size_keeping_whole_lines_in_order) {
    std::string const base = "/tmp/switchboard-rotation-" + std::to_string(::getpid()) + ".log";
    auto const name = [&](int i) { return i == 0 ? base : base + "." + std::to_string(i); };
    for (int i = 0; i <= 3; ++i) std::remove(name(i).c_str());
    {
        adapters::log_sink sink({base, 1000, 2, 65536});
        for (int i = 0; i < 100; ++i) {
            char line[64];
            std::snprintf(line, sizeof line, "{\"n\":%d,\"pad\":\"%030d\"}\n", 1000 + i, 0); // 45 bytes
            sink.push(line);
        }
        sink.flush();
        BOOST_TEST(sink.dropped() == 0u);
    }
    std::vector<std::string> kept;
    for (int i = 2; i >= 0; --i) {
        auto lines = file_lines(name(i));
        BOOST_TEST(!lines.empty());
        std::ifstream in(name(i), std::ios::ate);
        BOOST_TEST(static_cast<long>(in.tellg()) <= 1000); // no file past the limit
        kept.insert(kept.end(), lines.begin(), lines.end());
    }
    BOOST_TEST(!std::ifstream(name(3)).good()); // older files were dropped
    BOOST_TEST_REQUIRE(!kept.empty());
    int expected = json::parse(kept.front()).at("n").to_number<int>();
    for (auto const& line : kept) // whole lines, consecutive, ending with the last one
        BOOST_TEST(json::parse(line).at("n").to_number<int>() == expected++);
    BOOST_TEST(expected == 1100);
    for (int i = 0; i <= 3; ++i) std::remove(name(i).c_str());
}

BOOST_AUTO_TEST_CASE(a_full_queue_drops_and_counts_instead_of_blocking) {
    std::signal(SIGPIPE, SIG_IGN); // as the gateway does: a closed log pipe fails writes, not the process
    // A FIFO nobody reads: the writer blocks on its first write, the queue fills up.
    std::string const fifo = "/tmp/switchboard-fifo-" + std::to_string(::getpid());
    std::remove(fifo.c_str());
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    int const reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK); // lets the writer open it
    BOOST_TEST_REQUIRE(reader >= 0);
    {
        adapters::log_sink sink({fifo, 1u << 20, 0, 100});
        std::string const big(70000, 'x'); // past the pipe's buffer: the writer stalls on it
        sink.push(big + "\n");
        for (int i = 0; i < 1000; ++i) sink.push("line\n"); // must return at once every time
        BOOST_TEST(sink.dropped() >= 800u);
        ::close(reader); // the stalled write fails; the sink can finish
    }
    std::remove(fifo.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
