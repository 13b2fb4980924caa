// What operators see: one JSON log line per request with its facts, DEBUG detail that never
// holds a secret, and Prometheus metrics that pass promtool and move with the traffic.
#include "gateway_fixture.hpp"
#include "adapters/observability/log_line.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/mock_upstream.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sys/wait.h>

using namespace switchboard::testing;
namespace json = boost::json;
using switchboard::adapters::log_level;

namespace {
// Random-looking keys: an 8-character piece of a dictionary word ("provider") would match the
// gateway's own vocabulary rather than a leak.
std::string const client_key = "sk-cQ7xV2bL9mN4pR8tW6zY3d0c11";
std::string const provider_key = "sk-pJ5kH8gF2dS6aZ9xC3vB7n1b22";
std::string const admin_key = "adm-Tq4Wr8Ey2Ui6Op0As5Df3f33";

// primary answers 503 (or what the script says), backup serves: every call falls back.
struct observed {
    mock_upstream primary;
    mock_upstream backup;
    std::unique_ptr<gateway_fixture> gw;

    explicit observed(std::string const& extra = "") {
        primary.always(canned_reply::json(503, R"({"error":{"message":"overloaded"}})"));
        backup.always(canned_reply::json(200, completion_body("backup-model", "from backup")));
        gw = std::make_unique<gateway_fixture>(
            "resilience: {retry: {max_attempts: 1}, breaker: {failure_threshold: 100}}\n"
            "admin: {api_key: " + admin_key + "}\n"
            "providers:\n"
            "  primary: {kind: openai, base_url: \"" + primary.base_url("/v1") + "\", api_key: " + provider_key + "}\n"
            "  backup: {kind: openai, base_url: \"" + backup.base_url("/v1") + "\", api_key: k-backup-000001}\n"
            "models:\n  chat: [primary/primary-model, backup/backup-model]\n" + extra);
    }
};

// The value of one series ("name{labels}") in an exposition, or -1 when absent.
double sample(std::string const& text, std::string const& series) {
    for (std::size_t at = text.find(series); at != std::string::npos; at = text.find(series, at + 1)) {
        bool const line_start = at == 0 || text[at - 1] == '\n';
        if (line_start && at + series.size() < text.size() && text[at + series.size()] == ' ')
            return std::stod(text.substr(at + series.size() + 1));
    }
    return -1;
}

// Every 8-character piece of `secret` that occurs in `text` (empty: none).
std::string leaked_piece(std::string const& text, std::string const& secret) {
    for (std::size_t i = 0; i + 8 <= secret.size(); ++i)
        if (text.find(secret.substr(i, 8)) != std::string::npos) return secret.substr(i, 8);
    return {};
}

// promtool's verdict on an exposition: its exit status and what it printed.
std::pair<int, std::string> promtool_check(std::string const& exposition) {
    std::string const file = "/tmp/switchboard-metrics-" + std::to_string(::getpid()) + ".txt";
    std::ofstream(file) << exposition;
    std::string const command = "promtool check metrics < " + file + " 2>&1";
    std::string output;
    FILE* p = popen(command.c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) output += buf;
    int const status = pclose(p);
    std::remove(file.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}
} // namespace

BOOST_AUTO_TEST_SUITE(observability)

BOOST_AUTO_TEST_CASE(each_request_leaves_one_json_line_with_its_facts) {
    log_capture logs(log_level::info);
    observed t("quotas: {tenants: {acme: {tokens_per_day: 10000}}}\n");
    auto ok = t.gw->chat(chat_body("chat"), {{"x-request-id", "req-observed-1"},
                                             {"x-tenant-id", "acme"},
                                             {"authorization", "Bearer " + client_key}});
    BOOST_TEST_REQUIRE(ok.status == 200);
    BOOST_TEST(ok.header("x-switchboard-cache") == "bypass");
    auto bad = t.gw->post("/v1/chat/completions", "{not json", {{"x-request-id", "req-observed-2"}});
    BOOST_TEST_REQUIRE(bad.status == 400);
    t.gw->get("/api/health");

    auto const lines = logs.lines(); // throws if any line is not one JSON object
    for (auto const& line : lines) {
        BOOST_TEST(line.contains("ts"));
        BOOST_TEST(line.contains("level"));
        BOOST_TEST(line.contains("event"));
    }
    auto const requests = logs.events("request");
    BOOST_TEST_REQUIRE(requests.size() == 3u); // one line per request, no more
    auto const& served = requests[0];
    BOOST_TEST(served.at("request_id").as_string() == "req-observed-1");
    BOOST_TEST(served.at("level").as_string() == "INFO");
    BOOST_TEST(served.at("method").as_string() == "POST");
    BOOST_TEST(served.at("route").as_string() == "/v1/chat/completions");
    BOOST_TEST(served.at("status").as_int64() == 200);
    BOOST_TEST(served.at("tenant").as_string() == "acme");
    BOOST_TEST(served.at("client_ip").as_string() == "127.0.0.1");
    BOOST_TEST(served.at("provider").as_string() == "backup");
    BOOST_TEST(served.at("model").as_string() == "backup-model");
    BOOST_TEST(served.at("attempts").as_int64() == 2);
    BOOST_TEST(served.at("tokens_in").as_int64() == 3);
    BOOST_TEST(served.at("tokens_out").as_int64() == 2);
    BOOST_TEST(served.contains("cost_usd"));
    BOOST_TEST(served.at("cache").as_string() == "bypass"); // a sampled call: as its x-switchboard-cache says
    BOOST_TEST(served.at("quota_remaining_pct").as_int64() > 90); // the default tenant quota, barely used
    BOOST_TEST(served.at("api_key").as_string() == "sk-...0c11");
    auto const latency = served.at("latency_us").as_int64();
    auto const upstream = served.at("upstream_us").as_int64();
    BOOST_TEST(upstream > 0);
    BOOST_TEST(latency >= upstream);
    BOOST_TEST(served.at("overhead_us").as_int64() == latency - upstream);
    BOOST_TEST(!served.contains("error_code"));

    auto const& refused = requests[1];
    BOOST_TEST(refused.at("request_id").as_string() == "req-observed-2");
    BOOST_TEST(refused.at("status").as_int64() == 400);
    BOOST_TEST(refused.at("error_code").as_string() == "invalid_request");
    BOOST_TEST(!refused.contains("provider"));
    BOOST_TEST(!refused.contains("api_key"));

    BOOST_TEST(requests[2].at("route").as_string() == "/api/health");
    BOOST_TEST(!requests[2].contains("request_body")); // payloads are opt-in
}

BOOST_AUTO_TEST_CASE(payloads_are_logged_only_when_opted_in_and_cut_to_size) {
    log_capture logs(log_level::info);
    observed t("logging: {include_payloads: true, payload_max_chars: 40}\n");
    std::string const long_prompt(200, 'x');
    BOOST_TEST_REQUIRE(t.gw->chat(chat_body("chat", long_prompt)).status == 200);
    auto const requests = logs.events("request");
    BOOST_TEST_REQUIRE(requests.size() == 1u);
    BOOST_TEST(requests[0].at("request_body").as_string().size() == 40u);
    BOOST_TEST(requests[0].at("response_body").as_string().size() == 40u);
}

BOOST_AUTO_TEST_CASE(at_debug_no_piece_of_any_key_reaches_logs_errors_or_metrics) {
    log_capture logs(log_level::debug);
    observed t;
    // A careless provider quoting the credentials it was sent, in a 400 (relayed to the client)
    // and in a 401 (not relayed).
    t.primary.reply_with([](recorded_request const& r) {
        std::string const quoted = r.header("authorization");
        int const status = r.body.find("echo-401") != std::string::npos ? 401 : 400;
        return canned_reply::json(status, R"({"error":{"message":"Invalid request with )" + quoted +
                                              R"(","param":")" + quoted + R"("}})");
    });
    std::vector<std::pair<std::string, std::string>> const auth{{"authorization", "Bearer " + client_key},
                                                                {"x-api-key", client_key}};
    std::string seen; // every response body and header value the client got
    auto keep = [&](client_response const& r) {
        seen += r.body;
        for (auto const& [name, value] : r.headers) seen += name + ": " + value + "\n";
        return r.status;
    };
    BOOST_TEST(keep(t.gw->chat(chat_body("chat", "echo-400"), auth)) == 400);
    // A 401 is a broken deployment: the backup serves, and the 401's text is relayed nowhere.
    BOOST_TEST(keep(t.gw->chat(chat_body("chat", "echo-401"), auth)) == 200);
    BOOST_TEST(keep(t.gw->post("/v1/embeddings", R"({"model":"chat","input":"x"})", auth)) != 0);
    BOOST_TEST(keep(http_call(t.gw->port(), "GET", "/api/v1/config", {},
                              {{"authorization", "Bearer " + admin_key}})) == 200);
    BOOST_TEST(keep(http_call(t.gw->port(), "GET", "/api/v1/stats", {},
                              {{"authorization", "Bearer wrong-" + admin_key}})) == 401);
    BOOST_TEST(keep(t.gw->get("/api/health/detailed")) != 0);
    std::string const metrics = t.gw->get("/metrics").body;
    std::string const log_text = logs.text();

    // The DEBUG detail is there (so the absence below means something): headers and attempts.
    auto const received = logs.events("request_received");
    BOOST_TEST_REQUIRE(!received.empty());
    BOOST_TEST(received[0].at("headers").as_object().at("authorization").as_string() == "Bearer sk-...0c11");
    BOOST_TEST(!logs.events("upstream_attempt").empty());
    BOOST_TEST(seen.find("Invalid request with") != std::string::npos); // the 400's reason was relayed

    for (auto const& secret : {client_key, provider_key, admin_key}) {
        BOOST_TEST(leaked_piece(log_text, secret) == "", "logs hold a piece of " << secret.substr(0, 6) << ": " << leaked_piece(log_text, secret));
        BOOST_TEST(leaked_piece(seen, secret) == "", "responses hold a piece of " << secret.substr(0, 6) << ": " << leaked_piece(seen, secret));
        BOOST_TEST(leaked_piece(metrics, secret) == "", "metrics hold a piece of " << secret.substr(0, 6) << ": " << leaked_piece(metrics, secret));
    }
}

BOOST_AUTO_TEST_CASE(metrics_pass_promtool_and_move_with_requests_errors_fallbacks_and_rejections) {
    observed t("limits: [{per: ip, requests: 4, window: 60s, route: /v1/chat/completions}]\n"
               "quotas: {providers: {backup: {requests_per_day: 1000}}, tenants: {acme: {tokens_per_day: 100000}}}\n");
    auto before = t.gw->get("/api/metrics");
    BOOST_TEST_REQUIRE(before.status == 200);
    BOOST_TEST(before.header("content-type").find("text/plain; version=0.0.4") == 0);
    BOOST_TEST(sample(before.body, "switchboard_cache_hits_total") == 0);
    BOOST_TEST(sample(before.body, R"(switchboard_gateway_mode{mode="normal"})") == 1);

    BOOST_TEST(t.gw->chat(chat_body("chat"), {{"x-tenant-id", "acme"}}).status == 200);
    BOOST_TEST(t.gw->chat(chat_body("chat"), {{"x-tenant-id", "someone-else-123"}}).status == 200);
    BOOST_TEST(t.gw->post("/v1/chat/completions", "{oops").status == 400);
    BOOST_TEST(t.gw->chat(chat_body("chat")).status == 200);
    BOOST_TEST(t.gw->chat(chat_body("chat")).status == 429); // the fifth in the window

    auto const text = t.gw->get("/metrics").body;
    auto const [exit_status, verdict] = promtool_check(text);
    BOOST_TEST(exit_status == 0, "promtool check metrics: " << verdict);
    BOOST_TEST(verdict == "", "promtool lint: " << verdict);

    std::string const route = R"(route="/v1/chat/completions")";
    BOOST_TEST(sample(text, "switchboard_http_requests_total{" + route + R"(,status="200"})") == 3);
    BOOST_TEST(sample(text, "switchboard_http_requests_total{" + route + R"(,status="400"})") == 1);
    BOOST_TEST(sample(text, "switchboard_http_requests_total{" + route + R"(,status="429"})") == 1);
    BOOST_TEST(sample(text, "switchboard_http_request_duration_seconds_count{" + route + "}") == 5);
    BOOST_TEST(sample(text, "switchboard_gateway_overhead_seconds_count{" + route + "}") == 5);
    BOOST_TEST(sample(text, "switchboard_rate_limit_rejections_total{" + route + R"(,scope="ip"})") == 1);
    BOOST_TEST(sample(text, R"(switchboard_fallbacks_total{provider="primary"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_upstream_errors_total{provider="primary",type="server_error"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_upstream_requests_total{provider="backup",model="backup-model",outcome="success"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_upstream_request_duration_seconds_count{provider="primary",model="primary-model"})") == 3);
    // Tokens by tenant: a configured tenant by name, any other as "other" (bounded labels).
    BOOST_TEST(sample(text, R"(switchboard_input_tokens_total{provider="backup",model="backup-model",tenant="acme"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_input_tokens_total{provider="backup",model="backup-model",tenant="other"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_output_tokens_total{provider="backup",model="backup-model",tenant="default"})") == 2);
    BOOST_TEST(text.find("someone-else-123") == std::string::npos);
    // Gauges read at scrape time.
    BOOST_TEST(sample(text, R"(switchboard_circuit_breaker_state{deployment="primary/primary-model",state="closed"})") == 1);
    BOOST_TEST(sample(text, R"(switchboard_quota_used{subject="provider",name="backup",window="day",unit="requests"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_quota_limit{subject="tenant",name="acme",window="day",unit="tokens"})") == 100000);
    // The scrape itself; the previous request may still be counted for the instant between its
    // response reaching the client and its handler returning.
    BOOST_TEST(sample(text, "switchboard_in_flight_requests") >= 1);
    BOOST_TEST(sample(text, "switchboard_in_flight_requests") <= 2);
    BOOST_TEST(sample(text, R"(switchboard_store_up{kind="memory"})") == 1);
    BOOST_TEST(sample(text, "process_resident_memory_bytes") > 0);
    BOOST_TEST(sample(text, "switchboard_log_lines_dropped_total") == 0);
}

BOOST_AUTO_TEST_CASE(retries_are_counted_apart_from_fallbacks) {
    mock_upstream flaky;
    std::atomic<int> calls{0};
    flaky.reply_with([&](recorded_request const&) {
        return ++calls % 2 == 1 ? canned_reply::json(503, R"({"error":{"message":"busy"}})")
                                : canned_reply::json(200, completion_body("m"));
    });
    gateway_fixture gw("resilience: {retry: {max_attempts: 2, backoff_base: 1ms, backoff_cap: 2ms}}\n"
                       "providers:\n  flaky: {kind: openai, base_url: \"" + flaky.base_url("/v1") +
                       "\", api_key: k-flaky-000001}\nmodels:\n  chat: [flaky/m]\n");
    for (int i = 0; i < 3; ++i) BOOST_TEST(gw.chat(chat_body("chat")).status == 200);
    auto const text = gw.get("/metrics").body;
    BOOST_TEST(sample(text, R"(switchboard_upstream_retries_total{provider="flaky"})") == 3);
    BOOST_TEST(sample(text, R"(switchboard_fallbacks_total{provider="flaky"})") == -1); // none happened
    BOOST_TEST(sample(text, R"(switchboard_upstream_requests_total{provider="flaky",model="m",outcome="error"})") == 3);
}

BOOST_AUTO_TEST_CASE(metrics_can_be_turned_off) {
    observed t("metrics: {enabled: false}\n");
    BOOST_TEST(t.gw->get("/metrics").status == 404);
    BOOST_TEST(t.gw->get("/api/metrics").status == 404);
    BOOST_TEST(t.gw->chat(chat_body("chat")).status == 200);
}

// The hand-built log line (log_line) must stay valid JSON whatever its values hold: quotes,
// backslashes, control characters, non-ASCII text, integer extremes and non-finite numbers.
BOOST_AUTO_TEST_CASE(log_lines_are_valid_json_whatever_their_values_hold) {
    log_capture capture(log_level::debug);
    std::string const awkward = std::string("quote\" backslash\\ nl\n cr\r tab\t nul") + '\0' + "\x01 caf\xC3\xA9 \xE2\x82\xAC";
    switchboard::adapters::log_line(log_level::warning, "odd\"event")
        .add("text", awkward)
        .add("min", std::numeric_limits<std::int64_t>::min())
        .add("max", std::numeric_limits<std::int64_t>::max())
        .add("cost", 0.000125)
        .add("nan", std::numeric_limits<double>::quiet_NaN())
        .add("nested", json::value(json::object{{"a", json::array{1, "b"}}}))
        .write();
    switchboard::adapters::log_event(log_level::info, "plain", {{"flag", true}, {"n", 3}});
    auto lines = capture.lines();
    BOOST_REQUIRE_EQUAL(lines.size(), 2u);
    auto const& odd = lines[0];
    BOOST_TEST(odd.at("event").as_string() == "odd\"event");
    BOOST_TEST(odd.at("level").as_string() == "WARNING");
    BOOST_TEST(odd.at("text").as_string() == awkward);
    BOOST_TEST(odd.at("min").as_int64() == std::numeric_limits<std::int64_t>::min());
    BOOST_TEST(odd.at("max").as_int64() == std::numeric_limits<std::int64_t>::max());
    BOOST_TEST(odd.at("cost").as_double() == 0.000125);
    BOOST_TEST(odd.at("nan").is_null());
    BOOST_TEST(json::serialize(odd.at("nested")) == R"({"a":[1,"b"]})");
    std::string const ts(odd.at("ts").as_string());
    BOOST_TEST(ts.size() == 27u); // 2026-11-21T11:56:16.849750Z
    BOOST_TEST(ts[10] == 'T');
    BOOST_TEST(ts.back() == 'Z');
    BOOST_TEST(lines[1].at("flag").as_bool());
    BOOST_TEST(lines[1].at("n").as_int64() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
