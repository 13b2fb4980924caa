// Two switchboard processes (the built binary) sharing one real redis-server: an inbound limit
// of 500/min on one API key stays exact however the requests are split between them.
#include "tests/support/build_kind.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/load_client.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace switchboard::testing;
using namespace std::chrono_literals;

namespace {
// One gateway process; SIGTERM and reaped on destruction.
class gateway_process {
  public:
    // `log_file`: where its stdout (JSON log lines) and stderr go; empty → /dev/null.
    gateway_process(std::string const& config_file, unsigned short port, std::string const& log_file = {})
        : port_(port) {
        pid_ = fork();
        if (pid_ == 0) {
            int sink = open(log_file.empty() ? "/dev/null" : log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(sink, 1); // the log lines would drown the test report
            dup2(sink, 2);
            auto const p = std::to_string(port);
            execl(SWITCHBOARD_BIN, SWITCHBOARD_BIN, "--config", config_file.c_str(), "--port", p.c_str(),
                  "--threads", "2", static_cast<char*>(nullptr));
            _exit(127);
        }
        // Ready, as a load balancer sees it: the stored keys read (or given up on).
        auto const give_up = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < give_up) {
            if (http_call(port_, "GET", "/api/ready", {}, {}, 500ms).status == 200) return;
            std::this_thread::sleep_for(20ms);
        }
        throw std::runtime_error("switchboard did not start");
    }
    ~gateway_process() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    unsigned short port() const { return port_; }

  private:
    unsigned short port_;
    pid_t pid_ = -1;
};
} // namespace

BOOST_AUTO_TEST_SUITE(multi_instance)

BOOST_AUTO_TEST_CASE(two_instances_admit_exactly_the_limit_of_one_key_between_them) {
    redis_server redis;
    std::string const config_file = "/tmp/switchboard-multi-" + std::to_string(getpid()) + ".yaml";
    // The test client, both gateways and Redis share this machine's cores, so a burst of 2,000
    // connections starves the event loops well past the 50 ms request-path default (which the
    // frozen-Redis tests assert). A generous timeout and fail_closed make any store failure a
    // visible 503 here instead of a silent local-fallback admission. Under the sanitizers the
    // burst ran past 2 s once (36 calls of 2,000 neither admitted nor limited): 10 s there.
    std::ofstream(config_file) << "server: {max_connections_per_ip: 5000}\n"
                               << "store: {url: \"" << redis.url() << "\", timeout: "
                               << (sanitized_build ? "10s" : "2s") << "}\n"
                               << "limits:\n  - {per: key, requests: 500, window: 1m, on_store_error: fail_closed}\n"
                               << "quotas:\n  tenants: {default: {tokens_per_day: 0}}\n";
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());

    std::mt19937_64 rng{std::random_device{}()};
    for (int round = 0; round < 3; ++round) {
        std::string const key = "sk-round-" + std::to_string(round) + "-" + std::to_string(rng());
        std::vector<call_spec> calls;
        for (int i = 0; i < 2000; ++i)
            calls.push_back({i % 2 == 0 ? a.port() : b.port(), "POST", "/v1/chat/completions",
                             R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}]})",
                             {{"Authorization", "Bearer " + key}}});
        auto const round_started = std::chrono::steady_clock::now();
        auto results = concurrent_calls(calls, 60s);
        auto const round_took = std::chrono::ceil<std::chrono::seconds>(std::chrono::steady_clock::now() - round_started);
        int admitted = 0, limited = 0, other = 0;
        long long min_retry = 1'000, max_retry = 0;
        for (auto const& r : results) {
            if (r.response.status == 200) {
                ++admitted;
            } else if (r.response.status == 429) {
                ++limited;
                auto const body = boost::json::parse(r.response.body);
                BOOST_TEST(body.at("error").at("code") == "rate_limit_exceeded");
                auto const retry = std::stoll(r.response.header("retry-after"));
                min_retry = std::min(min_retry, retry);
                max_retry = std::max(max_retry, retry);
            } else {
                // Say what the call got, so a failure here can be told from a slow machine.
                if (++other <= 5)
                    BOOST_TEST_MESSAGE("neither admitted nor limited: status " << r.response.status << " after "
                                       << r.elapsed.count() << " ms: " << r.response.body);
            }
        }
        BOOST_TEST_MESSAGE("round " << round << ": admitted " << admitted << ", limited " << limited
                                    << ", Retry-After " << min_retry << ".." << max_retry << " s");
        BOOST_TEST_MESSAGE("store health: " << http_call(a.port(), "GET", "/api/v1/health").body << " / "
                                            << http_call(b.port(), "GET", "/api/v1/health").body);
        BOOST_TEST(admitted == 500);
        BOOST_TEST(limited == 1500);
        BOOST_TEST(other == 0);
        // The window filled within this round: its oldest admission frees a slot 60 s after it was
        // admitted, so no refusal waits less than 60 s less the round's length (under the
        // sanitizers a round took over 10 s once: Retry-After 47).
        BOOST_TEST(min_retry >= 59 - round_took.count());
        BOOST_TEST(max_retry <= 60);
    }
    for (auto const& k : redis.keys()) BOOST_TEST(redis.command({"TTL", k}).integer > 0, k);
    std::remove(config_file.c_str());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(multi_instance_alerts)

// Each quota threshold is reported once per window across every instance (deduplicated in
// Redis), as a structured log line; no log line carries the caller's API key.
BOOST_AUTO_TEST_CASE(each_threshold_is_logged_once_across_instances_and_logs_hold_no_secret) {
    redis_server redis;
    std::string const base = "/tmp/switchboard-alerts-" + std::to_string(getpid());
    std::ofstream(base + ".yaml") << "store: {url: \"" << redis.url() << "\"}\n"
                                  << "quotas:\n  tenants: {acme: {tokens_per_day: 400}}\n";
    std::string const secret = "sk-live-do-not-log-0123456789";
    {
        gateway_process a(base + ".yaml", free_port(), base + "-a.log");
        gateway_process b(base + ".yaml", free_port(), base + "-b.log");
        // Each call reserves its estimate (max_tokens 30 + the prompt) and settles to the mock's
        // 10 tokens: 60 calls walk the tenant past 75 and 90 % of its 400 tokens to refusals
        // (100 %).
        std::string const body =
            R"({"model":"mock-1","max_tokens":30,"messages":[{"role":"user","content":"hi"}]})";
        for (int i = 0; i < 60; ++i) {
            auto r = http_call(i % 2 == 0 ? a.port() : b.port(), "POST", "/v1/chat/completions", body,
                               {{"X-Tenant-Id", "acme"}, {"Authorization", "Bearer " + secret}});
            BOOST_TEST((r.status == 200 || r.status == 429));
        }
    }
    std::string logs;
    for (auto const* suffix : {"-a.log", "-b.log"}) {
        std::ifstream in(base + suffix);
        logs.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    auto count = [&logs](std::string const& needle) {
        std::size_t n = 0;
        for (auto at = logs.find(needle); at != std::string::npos; at = logs.find(needle, at + 1)) ++n;
        return n;
    };
    BOOST_TEST(count("\"event\":\"quota_threshold\"") == 3u);
    BOOST_TEST(count("\"percent\":75") == 1u);
    BOOST_TEST(count("\"percent\":90") == 1u);
    BOOST_TEST(count("\"percent\":100") == 1u);
    BOOST_TEST(logs.find(secret) == std::string::npos);
    BOOST_TEST(logs.find("do-not-log") == std::string::npos);
    // Kept for inspection when the count is wrong.
    if (count("quota_threshold") == 3u)
        for (auto const* suffix : {".yaml", "-a.log", "-b.log"}) std::remove((base + suffix).c_str());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(multi_instance_keys)

namespace {
using clock_type = std::chrono::steady_clock;
std::string const admin_key = "admin-key-multi-0123456789";

int chat_status(unsigned short port, std::string const& key) {
    return http_call(port, "POST", "/v1/chat/completions",
                     R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}]})",
                     {{"Authorization", "Bearer " + key}})
        .status;
}

boost::json::value admin_call(unsigned short port, std::string const& method, std::string const& target,
                              std::string const& body = "{}") {
    auto r = http_call(port, method, target, body,
                       {{"Authorization", "Bearer " + admin_key}, {"Content-Type", "application/json"}});
    BOOST_TEST_REQUIRE((r.status == 200 || r.status == 201), r.body);
    return boost::json::parse(r.body);
}

// The config file of a key test (its path): Redis, the admin key, auth with failed
// authentications unlimited (polling with a key not yet, or no longer, valid is a run of them),
// acme's quota; `extra` lines first.
std::string keys_config(redis_server const& redis, std::string const& name, std::string const& extra = {},
                        std::string const& store_extra = {}) {
    std::string const file = "/tmp/switchboard-" + name + "-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(file) << extra << "store: {url: \"" << redis.url() << "\", timeout: 2s" << store_extra << "}\n"
                        << "admin: {api_key: " << admin_key << "}\n"
                        << "auth: {secret: multi-instance-secret-0123456789, failures_per_minute: 100000}\n"
                        << "quotas:\n  tenants: {acme: {tokens_per_day: 0}}\n";
    return file;
}

// How long until `port` answers a chat with `key` by `status` (polled every 5 ms, at most 3 s).
std::chrono::milliseconds time_until(unsigned short port, std::string const& key, int status) {
    auto const start = clock_type::now();
    while (chat_status(port, key) != status && clock_type::now() - start < 3s) std::this_thread::sleep_for(5ms);
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
}
// Two providers: `fast` answers at once, `slow` after 200 ms (calls stay in flight), served as the
// models chat-fast and chat-slow.
struct fast_and_slow {
    mock_upstream fast, slow;
    fast_and_slow() {
        fast.always(canned_reply::json(200, completion_body()));
        auto late = canned_reply::json(200, completion_body());
        late.delay = 200ms;
        slow.always(late);
    }
    std::string providers() {
        return "providers:\n  fast: {kind: openai, base_url: \"" + fast.base_url("/v1") +
               "\", api_key: k-upstream-000001}\n  slow: {kind: openai, base_url: \"" + slow.base_url("/v1") +
               "\", api_key: k-upstream-000002}\nmodels: {chat-fast: [fast/m], chat-slow: [slow/m]}\n";
    }
};

// `n` concurrent chats with `key` to `model`, alternately on two instances: how many got each status.
std::map<int, int> chats_over_two(unsigned short a, unsigned short b, std::string const& key, std::string const& model,
                                  int n) {
    std::vector<call_spec> calls;
    for (int i = 0; i < n; ++i)
        calls.push_back({i % 2 == 0 ? a : b, "POST", "/v1/chat/completions",
                         R"({"model":")" + model + R"(","messages":[{"role":"user","content":"hi"}]})",
                         {{"Authorization", "Bearer " + key}}});
    std::map<int, int> by_status;
    for (auto const& r : concurrent_calls(calls, 60s)) ++by_status[r.response.status];
    return by_status;
}
} // namespace

// Keys made, rotated and revoked through one instance's admin API take effect on the other
// within a second (its watch reads the store's revision every 250 ms); a new instance knows
// them from its first request.
BOOST_AUTO_TEST_CASE(a_key_made_rotated_or_revoked_on_one_instance_holds_on_the_other_within_a_second) {
    redis_server redis;
    auto const config_file = keys_config(redis, "keys");
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());

    auto made = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme","name":"web"})");
    std::string const id(made.at("id").as_string()), key(made.at("key").as_string());
    BOOST_TEST(chat_status(a.port(), key) == 200); // the writer at once
    auto const created = time_until(b.port(), key, 200);
    BOOST_TEST_MESSAGE("made on A, working on B after " << created.count() << " ms");
    BOOST_TEST(created.count() < 1000);

    // A third instance started now reads the stored keys before its first request.
    {
        gateway_process c(config_file, free_port());
        BOOST_TEST(chat_status(c.port(), key) == 200);
    }

    auto rotated = admin_call(a.port(), "POST", "/api/v1/keys/" + id + "/rotate", R"({"grace_seconds":600})");
    std::string const new_key(rotated.at("key").as_string());
    auto const rotation = time_until(b.port(), new_key, 200);
    BOOST_TEST(rotation.count() < 1000);
    BOOST_TEST(chat_status(b.port(), key) == 200); // the old secret, within its grace period

    admin_call(a.port(), "DELETE", "/api/v1/keys/" + id);
    BOOST_TEST(chat_status(a.port(), new_key) == 401);
    auto const revoked = time_until(b.port(), new_key, 401);
    BOOST_TEST_MESSAGE("revoked on A, refused on B after " << revoked.count() << " ms");
    BOOST_TEST(revoked.count() < 1000);
    BOOST_TEST(chat_status(b.port(), key) == 401); // its grace ends with the key

    // An update sent to B after A revoked the key cannot bring it back (the store refuses).
    auto update = http_call(b.port(), "PATCH", "/api/v1/keys/" + id, R"({"name":"back"})",
                            {{"Authorization", "Bearer " + admin_key}, {"Content-Type", "application/json"}});
    BOOST_TEST(update.status == 409);
    BOOST_TEST(chat_status(a.port(), new_key) == 401);
    std::remove(config_file.c_str());
}

// An instance that could never read the store's keys does not call a key it cannot see
// invalid: it may be one made on another instance. 503 store_unavailable, with Retry-After; the
// config's own credentials still work.
BOOST_AUTO_TEST_CASE(a_key_unknown_while_the_stored_keys_were_never_read_is_a_503_not_a_401) {
    std::string const config_file = "/tmp/switchboard-keys-down-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(config_file) << "store: {url: \"redis://127.0.0.1:" << free_port() << "\", timeout: 2s}\n"
                               << "admin: {api_key: " << admin_key << "}\n"
                               << "auth: {secret: multi-instance-secret-0123456789, failures_per_minute: 100000}\n";
    gateway_process gateway(config_file, free_port());
    auto r = http_call(gateway.port(), "POST", "/v1/chat/completions",
                       R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}]})",
                       {{"Authorization", "Bearer sb-abcdefghijkl_0123456789abcdef0123456789abcdef"}});
    BOOST_TEST(r.status == 503);
    BOOST_TEST(r.body.find("\"store_unavailable\"") != std::string::npos, r.body);
    BOOST_TEST(r.header("retry-after") == "1");
    auto stats = http_call(gateway.port(), "GET", "/api/v1/stats", {}, {{"Authorization", "Bearer " + admin_key}});
    BOOST_TEST(stats.status == 200);
    std::remove(config_file.c_str());
}

// A key's own limit is one sliding window in Redis: exact however its calls are split between
// the instances, under concurrency.
BOOST_AUTO_TEST_CASE(a_keys_own_limit_is_exact_across_two_instances) {
    redis_server redis;
    // The default per-key limit (60/min) replaced by one per address with room: the key's own
    // limit is the one measured.
    auto const config_file = keys_config(redis, "keylimit",
                                         "server: {max_connections_per_ip: 5000}\n"
                                         "limits: [{per: ip, requests: 100000, window: 1m}]\n");
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());
    auto made = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme","requests_per_minute":150})");
    std::string const key(made.at("key").as_string());
    BOOST_TEST(time_until(b.port(), key, 200).count() < 1000); // one request of the 150 spent here
    std::vector<call_spec> calls;
    for (int i = 0; i < 600; ++i)
        calls.push_back({i % 2 == 0 ? a.port() : b.port(), "POST", "/v1/chat/completions",
                         R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}]})",
                         {{"Authorization", "Bearer " + key}}});
    int admitted = 0, limited = 0, other = 0;
    for (auto const& r : concurrent_calls(calls, 60s)) {
        if (r.response.status == 200) ++admitted;
        else if (r.response.status == 429) ++limited;
        else ++other;
    }
    BOOST_TEST_MESSAGE("admitted " << admitted << ", limited " << limited << ", other " << other);
    BOOST_TEST(admitted == 149); // 150 with the poll's
    BOOST_TEST(limited == 451);
    BOOST_TEST(other == 0);
    BOOST_TEST(chat_status(b.port(), key) == 429);
    std::remove(config_file.c_str());
}

// A key's budget and its cap on calls in flight live in Redis: exact however its calls are split
// between the instances, under concurrency. The budget's dollars are what the calls cost ($0.001
// a token, 5 tokens a call), with nothing left reserved once they end.
BOOST_AUTO_TEST_CASE(a_keys_budget_and_cap_on_calls_in_flight_are_exact_across_two_instances) {
    redis_server redis;
    fast_and_slow up;
    auto const config_file = keys_config(
        redis, "keybudget",
        "server: {max_connections_per_ip: 5000}\n"
        "limits: [{per: ip, requests: 100000, window: 1m}]\n"
        "pricing: {m: {input_per_million: 1000, output_per_million: 1000}}\n" +
        up.providers());
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());
    auto calls_of = [&](std::string const& key, std::string const& model, int n) {
        return chats_over_two(a.port(), b.port(), key, model, n);
    };
    // Until B knows a key made on A (asked through its admin API: no call spends the budget).
    auto known_on_b = [&](boost::json::value const& made) {
        auto const target = "/api/v1/keys/" + std::string(made.at("id").as_string());
        auto const start = clock_type::now();
        while (http_call(b.port(), "GET", target, "", {{"Authorization", "Bearer " + admin_key}}).status != 200 &&
               clock_type::now() - start < 3s)
            std::this_thread::sleep_for(5ms);
    };

    auto budget = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme","requests_per_day":150})");
    std::string const id(budget.at("id").as_string()), key(budget.at("key").as_string());
    known_on_b(budget);
    auto statuses = calls_of(key, "chat-fast", 600);
    BOOST_TEST_MESSAGE("budget: 200 x" << statuses[200] << ", 429 x" << statuses[429]);
    BOOST_TEST(statuses[200] == 150);
    BOOST_TEST(statuses[429] == 450);
    BOOST_TEST(statuses.size() == 2u);
    BOOST_TEST(up.fast.hits() == 150u);
    // Each call's settlement lands in Redis alongside its answer: waited for, not assumed.
    auto const day_usage = [&] { return admin_call(b.port(), "GET", "/api/v1/keys/" + id).at("budget_usage").at("day"); };
    BOOST_TEST(eventually([&] { return day_usage().at("requests").at("reserved").as_int64() == 0; }));
    auto const usage = day_usage();
    BOOST_TEST(usage.at("requests").at("used").as_int64() == 150);
    BOOST_TEST(usage.at("requests").at("reserved").as_int64() == 0);
    BOOST_TEST(usage.at("tokens").at("used").as_int64() == 750);
    BOOST_TEST(usage.at("usd").at("used").as_double() == 0.75, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(usage.at("usd").at("reserved").as_double() == 0.0);

    auto capped = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme","max_concurrent":4})");
    known_on_b(capped);
    statuses = calls_of(std::string(capped.at("key").as_string()), "chat-slow", 40);
    BOOST_TEST_MESSAGE("cap: 200 x" << statuses[200] << ", 429 x" << statuses[429] << ", upstream peak "
                                    << up.slow.peak_concurrency());
    BOOST_TEST(up.slow.peak_concurrency() <= 4u);
    BOOST_TEST(statuses[200] >= 4);
    BOOST_TEST(statuses[200] + statuses[429] == 40);
    std::remove(config_file.c_str());
}

// Key meter leases (store.leases) on two instances: a key's cap on calls in flight still holds
// (each leased slot is one of the key's in Redis), a busy key's calls are mostly metered from
// leases, and once the leases' hold is over every slot is free again.
BOOST_AUTO_TEST_CASE(with_leases_a_keys_cap_on_calls_in_flight_holds_and_most_calls_take_no_meter_round_trip) {
    redis_server redis;
    fast_and_slow up;
    auto const config_file = keys_config(
        redis, "meterleases",
        "server: {max_connections_per_ip: 5000}\n"
        "limits: [{per: ip, requests: 100000, window: 1m}]\n" +
        up.providers(),
        ", leases: {calls: 32, hold: 200ms}");
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());
    auto calls_of = [&](std::string const& key, std::string const& model, int n) {
        return chats_over_two(a.port(), b.port(), key, model, n);
    };
    auto known_on_b = [&](boost::json::value const& key) { // asked through B's admin API: no call made
        auto const target = "/api/v1/keys/" + std::string(key.at("id").as_string());
        return eventually([&] {
            return http_call(b.port(), "GET", target, "", {{"Authorization", "Bearer " + admin_key}}).status == 200;
        });
    };
    auto made = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme","max_concurrent":8})");
    std::string const capped(made.at("key").as_string());
    BOOST_TEST_REQUIRE(known_on_b(made));
    auto statuses = calls_of(capped, "chat-slow", 60);
    BOOST_TEST_MESSAGE("cap 8: 200 x" << statuses[200] << ", 429 x" << statuses[429] << ", upstream peak "
                                      << up.slow.peak_concurrency());
    BOOST_TEST(up.slow.peak_concurrency() <= 8u);
    BOOST_TEST(statuses[200] >= 8);
    BOOST_TEST(statuses[200] + statuses[429] == 60);

    // A cap far above the burst: all 400 calls may be in flight at once on a loaded machine, and
    // past 80 % of the cap calls are metered one by one (exact_above), not from leases.
    made = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme","max_concurrent":1000})");
    std::string const busy(made.at("key").as_string());
    BOOST_TEST_REQUIRE(known_on_b(made));
    statuses = calls_of(busy, "chat-fast", 400);
    for (auto const& [status, count] : statuses) BOOST_TEST_MESSAGE("busy key: " << status << " x" << count);
    BOOST_TEST(statuses[200] == 400);
    std::int64_t from_leases = 0, alone = 0;
    for (auto port : {a.port(), b.port()}) {
        auto const meters = boost::json::parse(http_call(port, "GET", "/api/v1/health").body)
                                .at("store").at("leases").at("meters");
        from_leases += meters.at("calls_from_leases").as_int64();
        alone += meters.at("calls_alone").as_int64();
    }
    BOOST_TEST_MESSAGE("metered from leases " << from_leases << ", alone " << alone);
    // Most of the busy key's 400 (~398 on a quiet machine; under load more calls are in flight at
    // once than a lease holds, and those go alone: 299 was seen once beside a test suite).
    BOOST_TEST(from_leases > 200);
    BOOST_TEST(eventually([&] { // the leases closed at their hold: no slot held for a call that ended
        return redis.command({"ZCARD", "meter:{key:" + std::string(made.at("id").as_string()) + "}:calls"}).integer == 0;
    }));
    std::remove(config_file.c_str());
}

// A refresh token family lives in Redis: refreshed on one instance, its replaced token presented
// on the other revokes it for both.
BOOST_AUTO_TEST_CASE(a_refresh_token_reused_on_another_instance_revokes_its_family) {
    redis_server redis;
    auto const config_file = keys_config(redis, "refresh");
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());
    auto made = admin_call(a.port(), "POST", "/api/v1/keys", R"({"tenant":"acme"})");
    std::string const key(made.at("key").as_string());
    BOOST_TEST(time_until(b.port(), key, 200).count() < 1000);

    auto login = http_call(a.port(), "POST", "/api/auth/login", "", {{"Authorization", "Bearer " + key}});
    BOOST_TEST_REQUIRE(login.status == 200);
    auto const first = boost::json::parse(login.body);
    std::string const access(first.at("access_token").as_string());
    BOOST_TEST(chat_status(b.port(), access) == 200); // an access token works on every instance
    auto refresh = [](unsigned short port, boost::json::value const& pair) {
        return http_call(port, "POST", "/api/auth/refresh",
                         R"({"refresh_token":")" + std::string(pair.at("refresh_token").as_string()) + R"("})",
                         {{"Content-Type", "application/json"}});
    };
    auto on_b = refresh(b.port(), first);
    BOOST_TEST_REQUIRE(on_b.status == 200);
    auto const second = boost::json::parse(on_b.body);
    BOOST_TEST(refresh(a.port(), first).status == 401);  // reused: the family is revoked ...
    BOOST_TEST(refresh(b.port(), second).status == 401); // ... for the newest token too
    std::remove(config_file.c_str());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(multi_instance_rest)

// One dollar quota across two instances for model calls and REST calls alike: after a model call
// on A, 40 concurrent REST calls split between A and B; exactly as many as the dollars left pay
// for are served, the others refused before any provider is asked.
BOOST_AUTO_TEST_CASE(a_dollar_quota_spent_by_model_and_rest_calls_refuses_exactly_at_its_limit_across_instances) {
    redis_server redis;
    mock_upstream llm, quotes;
    llm.always(canned_reply::json(200, completion_body("priced-model"))); // 3 + 2 tokens
    quotes.always(canned_reply::json(200, R"({"price":1})"));
    std::string const config_file = "/tmp/switchboard-rest-" + std::to_string(getpid()) + ".yaml";
    // The model call costs 5 tokens × $100 per million = $0.0005; a quote $0.0095. $0.0295 a day
    // pays for the model call and three quotes.
    std::ofstream(config_file) << "store: {url: \"" << redis.url() << "\", timeout: 2s}\n"
                               << "server: {max_connections_per_ip: 5000}\n"
                               << "limits: [{per: ip, requests: 100000, window: 1m}]\n"
                               << "providers:\n"
                               << "  llm: {kind: openai, base_url: \"" << llm.base_url("/v1")
                               << "\", api_key: llm-key-000000001}\n"
                               << "  fin: {kind: rest, base_url: \"" << quotes.base_url()
                               << "\", usd_per_call: 0.0095, passthrough: [/v1/quote]}\n"
                               << "models: {chat: [llm/priced-model]}\n"
                               << "pricing: {priced-model: {input_per_million: 100, output_per_million: 100}}\n"
                               << "quotas:\n  tenants: {default: {usd_per_day: 0.0295, tokens_per_day: 0}}\n";
    gateway_process a(config_file, free_port());
    gateway_process b(config_file, free_port());
    auto chat = http_call(a.port(), "POST", "/v1/chat/completions",
                          R"({"model":"chat","messages":[{"role":"user","content":"hi"}]})",
                          {{"Content-Type", "application/json"}});
    BOOST_TEST_REQUIRE(chat.status == 200, chat.body);
    // The model call's settlement (its estimate back, its cost in) lands in Redis just after its answer.
    bool const settled = eventually([&] {
        auto q = http_call(b.port(), "GET", "/api/v1/quotas");
        if (q.status != 200) return false;
        auto const report = boost::json::parse(q.body);
        auto const& usd = report.at("tenants").at(0).at("day").at("usd");
        return usd.at("reserved").to_number<double>() == 0 && usd.at("used").to_number<double>() > 0;
    });
    BOOST_TEST_REQUIRE(settled);
    std::vector<call_spec> calls;
    for (int i = 0; i < 40; ++i)
        calls.push_back({i % 2 == 0 ? a.port() : b.port(), "GET", "/api/v1/proxy/fin/v1/quote/AAPL", "", {}});
    auto results = concurrent_calls(calls, 30s);
    int served = 0, refused = 0, other = 0;
    for (auto const& r : results) {
        if (r.response.status == 200) ++served;
        else if (r.response.status == 429 && r.response.body.find("quota_exceeded") != std::string::npos) ++refused;
        else ++other;
    }
    BOOST_TEST(served == 3);
    BOOST_TEST(refused == 37);
    BOOST_TEST(other == 0);
    BOOST_TEST(quotes.hits() == 3u);
    auto more = http_call(b.port(), "POST", "/v1/chat/completions",
                          R"({"model":"chat","messages":[{"role":"user","content":"hi"}]})",
                          {{"Content-Type", "application/json"}});
    BOOST_TEST(more.status == 429);
    BOOST_TEST(llm.hits() == 1u);
    std::remove(config_file.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
