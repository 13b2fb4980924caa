// The durable usage ledger: one row per call in SQLite or PostgreSQL (the same contract, each
// against a real server), written off the request path; two instances on one PostgreSQL sum
// exactly; a restart
// keeps the usage; 1,000 concurrent calls lose no row; a full queue drops and counts; a store
// that fails is counted; retention deletes what is past it, in chunks, on an injected clock;
// GET /api/v1/usage sums it (admin: every tenant; a tenant's key: its own) and /api/v1/stats
// reads its totals from it.
#include "gateway_fixture.hpp"
#include "tests/support/load_client.hpp"
#include "tests/support/mock_upstream.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/test_client.hpp"

#include "adapters/auth/key_ring.hpp"
#include "adapters/ledger/ledger_writer.hpp"
#include "adapters/ledger/postgres_ledger.hpp"
#include "adapters/ledger/sqlite_ledger.hpp"

#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <latch>

using namespace switchboard;
using namespace switchboard::testing;
namespace json = boost::json;
namespace ledger = domain::ledger;
using namespace std::chrono_literals;

namespace {
// A directory of the test's own, removed with it.
struct scratch_dir {
    std::filesystem::path path;
    scratch_dir() {
        static std::atomic<int> n{0};
        path = std::filesystem::temp_directory_path() /
               ("switchboard-ledger-test-" + std::to_string(getpid()) + "-" + std::to_string(++n));
        std::filesystem::create_directories(path);
    }
    ~scratch_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string file(std::string const& name) const { return (path / name).string(); }
};

ledger::usage_row row(std::int64_t at_ms, std::string tenant, std::string provider, double cost, int status = 200) {
    ledger::usage_row r;
    r.at_unix_ms = at_ms;
    r.request_id = "req-" + std::to_string(at_ms);
    r.tenant = std::move(tenant);
    r.provider = std::move(provider);
    r.model_group = "chat";
    r.route = "/v1/chat/completions";
    r.status = status;
    r.tokens_in = 10;
    r.tokens_out = 5;
    r.cost_usd = cost;
    r.latency_us = 1000;
    r.overhead_us = 100;
    return r;
}

ledger::usage_query everything(ledger::usage_grouping g = ledger::usage_grouping::total) {
    ledger::usage_query q;
    q.from_unix_ms = 0;
    q.to_unix_ms = std::int64_t{1} << 50;
    q.group_by = g;
    return q;
}

// A store whose append waits until released (or throws when told): the writer's thread is stuck
// in it while the test pushes.
struct stuck_store final : adapters::ledger_store {
    std::latch release{1};
    std::atomic<bool> fail{false};
    std::atomic<std::size_t> appended{0};
    void append(std::vector<ledger::usage_row> const& rows) override {
        release.wait();
        if (fail) throw adapters::ledger_error("disk full");
        appended += rows.size();
    }
    std::vector<ledger::usage_sums> sum(ledger::usage_query const&) override { return {}; }
    std::vector<ledger::failed_call> recent_errors(ledger::usage_query const&, std::size_t) override { return {}; }
    std::size_t forget_before(std::int64_t, std::size_t) override { return 0; }
    std::size_t forget_payloads_before(std::int64_t, std::size_t) override { return 0; }
    int schema_version() override { return 1; }
};

std::string const chat = R"({"model":"mock-1","messages":[{"role":"user","content":"hi"}],"user":"end-user-7"})";

json::object usage(unsigned short port, std::string const& query, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = http_call(port, "GET", "/api/v1/usage" + query, "", headers);
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    return json::parse(r.body).as_object();
}
} // namespace

BOOST_AUTO_TEST_SUITE(usage_ledger)

// What every store does: migrate once, keep rows across opens, sum them per group, filter by
// tenant and served calls, forget the old ones in chunks. `open` opens the same store again.
void check_store(std::function<std::unique_ptr<adapters::ledger_store>()> const& open) {
    {
        auto store = open();
        BOOST_TEST(store->schema_version() == 2);
        auto with_bodies = row(1000, "acme", "openai", 0.5);
        with_bodies.payload = ledger::usage_row::bodies{"{\"prompt\":\"hi\"}", "{\"answer\":\"hello\"}"};
        store->append({with_bodies, row(2000, "acme", "groq", 0.25, 503), row(86'400'000 + 5, "globex", "openai", 1.0)});
    }
    auto again = open(); // migrations are not applied twice
    BOOST_TEST(again->schema_version() == 2);
    auto total = again->sum(everything());
    BOOST_TEST_REQUIRE(total.size() == 1u);
    BOOST_TEST(total[0].requests == 3);
    BOOST_TEST(total[0].errors == 1);
    BOOST_TEST(total[0].tokens_in == 30);
    BOOST_TEST(total[0].cost_usd == 1.75);
    BOOST_TEST(total[0].latency_us == 3000);
    auto by_tenant = again->sum(everything(ledger::usage_grouping::tenant));
    BOOST_TEST_REQUIRE(by_tenant.size() == 2u);
    BOOST_TEST(by_tenant[0].group == "acme");
    BOOST_TEST(by_tenant[0].requests == 2);
    BOOST_TEST(by_tenant[1].group == "globex");
    auto by_day = again->sum(everything(ledger::usage_grouping::day));
    BOOST_TEST_REQUIRE(by_day.size() == 2u);
    BOOST_TEST(by_day[0].group == "1970-01-01");
    BOOST_TEST(by_day[1].group == "1970-01-02");
    auto q = everything(ledger::usage_grouping::provider);
    q.tenant = "acme";
    q.served_only = true; // the 503 is not a served call
    auto served = again->sum(q);
    BOOST_TEST_REQUIRE(served.size() == 1u);
    BOOST_TEST(served[0].group == "openai");
    auto const failed = again->recent_errors(everything(), 10);
    BOOST_TEST_REQUIRE(failed.size() == 1u);
    BOOST_TEST(failed[0].status == 503);
    BOOST_TEST(failed[0].provider == "groq");
    BOOST_TEST(failed[0].at_unix_ms == 2000);
    auto only_globex = everything();
    only_globex.tenant = "globex";
    BOOST_TEST(again->recent_errors(only_globex, 10).empty());
    auto window = everything();
    window.from_unix_ms = 1500;
    window.to_unix_ms = 2001;
    BOOST_TEST(again->sum(window).at(0).requests == 1);
    BOOST_TEST(again->forget_payloads_before(500, 10) == 0u); // the bodies' own retention
    BOOST_TEST(again->forget_payloads_before(1001, 10) == 1u);
    BOOST_TEST(again->sum(everything()).at(0).requests == 3); // the rows stay
    BOOST_TEST(again->forget_before(86'400'000, 1) == 1u); // at most one, the oldest
    BOOST_TEST(again->forget_before(86'400'000, 10) == 1u);
    BOOST_TEST(again->sum(everything()).at(0).requests == 1);
    BOOST_TEST(again->sum(window).empty());
}

BOOST_AUTO_TEST_CASE(sqlite_keeps_rows_across_opens_and_sums_them_per_group) {
    scratch_dir dir;
    check_store([&] { return std::make_unique<adapters::sqlite_ledger>(dir.file("usage.db")); });
}

// SQLite takes a batch 32 rows to a statement, then the rest one by one, with its statements
// kept from batch to batch: every row lands whole, in its own columns, whatever its place.
BOOST_AUTO_TEST_CASE(sqlite_keeps_every_row_of_large_batches_in_its_own_columns) {
    scratch_dir dir;
    adapters::sqlite_ledger store(dir.file("usage.db"));
    auto batch = [](int first, int n) {
        std::vector<ledger::usage_row> rows;
        for (int i = first; i < first + n; ++i) {
            auto r = row(i, "tenant-" + std::to_string(i % 3), "provider-" + std::to_string(i), i * 0.5, 200 + i);
            r.tokens_in = i;
            r.budget_id = "budget-" + std::to_string(i);
            rows.push_back(std::move(r));
        }
        return rows;
    };
    store.append(batch(1, 70)); // two chunks of 32 and 6 alone
    store.append(batch(71, 33)); // the kept statements again, with other values
    auto total = store.sum(everything());
    BOOST_TEST_REQUIRE(total.size() == 1u);
    BOOST_TEST(total[0].requests == 103);
    BOOST_TEST(total[0].tokens_in == 103 * 104 / 2);
    BOOST_TEST(total[0].cost_usd == 103 * 104 / 4.0);
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(dir.file("usage.db").c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_prepare_v2(db,
                                          "SELECT at_unix_ms, request_id, tenant, provider, status, tokens_in, "
                                          "budget_id FROM usage ORDER BY at_unix_ms",
                                          -1, &q, nullptr) == SQLITE_OK);
    int expected = 1, mismatches = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        auto text = [&](int c) { return std::string(reinterpret_cast<char const*>(sqlite3_column_text(q, c))); };
        auto const i = std::to_string(expected);
        bool const same = sqlite3_column_int64(q, 0) == expected && text(1) == "req-" + i &&
                          text(2) == "tenant-" + std::to_string(expected % 3) && text(3) == "provider-" + i &&
                          sqlite3_column_int(q, 4) == 200 + expected && sqlite3_column_int(q, 5) == expected &&
                          text(6) == "budget-" + i;
        if (!same) ++mismatches;
        ++expected;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    BOOST_TEST(expected == 104);
    BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(postgres_keeps_rows_across_opens_and_sums_them_per_group) {
    postgres_server pg;
    check_store([&] { return std::make_unique<adapters::postgres_ledger>(pg.url()); });
    BOOST_TEST(pg.query("SELECT version FROM ledger_migrations ORDER BY version") == std::vector<std::string>({"1", "2"}));
}

BOOST_AUTO_TEST_CASE(a_postgres_ledger_that_cannot_connect_says_so_without_its_password) {
    try {
        adapters::postgres_ledger store("postgresql://user:hunter2-secret@127.0.0.1:" + std::to_string(free_port()) + "/x");
        BOOST_FAIL("connected to nothing");
    } catch (adapters::ledger_error const& e) {
        BOOST_TEST(std::string(e.what()).find("hunter2") == std::string::npos, e.what());
    }
}

// Bytes a client chose (a credential, a model name with a NUL, a body that is not text) never
// fail a PostgreSQL batch: they are stored as well-formed UTF-8.
BOOST_AUTO_TEST_CASE(client_bytes_that_are_not_text_never_fail_a_postgres_batch) {
    postgres_server pg;
    gateway_fixture gw("ledger: {store: postgres, url: \"" + pg.url() + "\", payloads: true}\n");
    auto const odd_user = R"({"model":"mock-1","user":"caf\u00e9\u0000","messages":[{"role":"user","content":"hi"}]})";
    BOOST_TEST(gw.chat(odd_user, {{"Authorization", "Bearer sk-\xff\xfe-not-utf8-0123456789"}}).status == 200);
    http_call(gw.port(), "POST", "/v1/chat/completions", std::string("{\"model\":\"\xff\xfe\"}"),
              {{"Content-Type", "application/json"}});
    gw.runtime().history()->flush();
    auto const counts = gw.runtime().history()->counts();
    BOOST_TEST(counts.failed == 0u);
    BOOST_TEST(counts.written == 2u);
    BOOST_TEST(pg.query("SELECT end_user FROM usage WHERE end_user <> ''") ==
               std::vector<std::string>{"caf\xc3\xa9\xef\xbf\xbd"});
    BOOST_TEST(pg.query("SELECT COUNT(*) FROM usage_payloads") == std::vector<std::string>{"2"});
}

// Two gateways writing one PostgreSQL: each sees the calls of both, exactly.
BOOST_AUTO_TEST_CASE(two_instances_writing_one_postgres_sum_exactly) {
    postgres_server pg;
    std::string const config = "server: {max_connections_per_ip: 5000}\nledger: {store: postgres, url: \"" + pg.url() + "\"}\n";
    gateway_fixture a(config), b(config);
    std::vector<call_spec> calls;
    for (int i = 0; i < 400; ++i)
        calls.push_back(call_spec{i % 2 ? a.port() : b.port(), "POST", "/v1/chat/completions", chat,
                                  {{"X-Tenant-Id", i % 4 < 2 ? "acme" : "globex"}}});
    int ok = 0;
    for (auto const& r : concurrent_calls(calls, 60s)) ok += r.response.status == 200 ? 1 : 0;
    BOOST_TEST(ok == 400);
    a.runtime().history()->flush();
    b.runtime().history()->flush();
    for (auto* gw : {&a, &b}) {
        auto const body = usage(gw->port(), "?group_by=tenant");
        BOOST_TEST(body.at("total").at("requests").as_int64() == 400);
        BOOST_TEST(body.at("data").at(0).at("group").as_string() == "acme");
        BOOST_TEST(body.at("data").at(0).at("requests").as_int64() == 200);
    }
    BOOST_TEST(pg.query("SELECT COUNT(DISTINCT request_id) FROM usage") == std::vector<std::string>{"400"});
}

BOOST_AUTO_TEST_CASE(an_answer_lists_at_most_a_thousand_groups_and_says_it_was_cut) {
    scratch_dir dir;
    std::string const config = "admin: {api_key: ledger-admin-key-0123456789}\nledger: {path: \"" + dir.file("usage.db") + "\"}\n";
    {
        adapters::sqlite_ledger store(dir.file("usage.db"));
        std::vector<ledger::usage_row> rows;
        auto const now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        for (int i = 0; i < 1005; ++i) {
            auto r = row(now - 1000, "acme", "p", 0.001);
            r.model_group = "model-" + std::to_string(10000 + i); // a client's many model names
            rows.push_back(std::move(r));
        }
        store.append(rows);
    }
    gateway_fixture gw(config);
    auto const body = usage(gw.port(), "?group_by=model", {{"Authorization", "Bearer ledger-admin-key-0123456789"}});
    BOOST_TEST(body.at("data").as_array().size() == 1000u);
    BOOST_TEST(body.at("truncated").as_bool());
    BOOST_TEST(body.at("total").at("requests").as_int64() == 1000);
    BOOST_TEST(!usage(gw.port(), "?group_by=tenant", {{"Authorization", "Bearer ledger-admin-key-0123456789"}}).contains("truncated"));
}

BOOST_AUTO_TEST_CASE(a_full_queue_drops_and_counts_without_waiting_for_the_store) {
    auto store = std::make_shared<stuck_store>();
    adapters::ledger_options options;
    options.queue_rows = 10;
    options.batch_rows = 1;
    options.batch_wait = 1ms;
    {
        adapters::ledger_writer writer(store, options, [] { return std::int64_t{1'000}; });
        // The writer takes one row and sticks in the store; ten more fill the queue; the rest are
        // dropped at once (this loop would hang if a push waited for the store).
        int accepted = 0;
        for (int i = 0; i < 100; ++i) accepted += writer.push(row(i, "acme", "p", 0.0)) ? 1 : 0;
        auto const counts = writer.counts();
        BOOST_TEST(accepted >= 10);
        BOOST_TEST(accepted <= 11);
        BOOST_TEST(counts.dropped == static_cast<std::uint64_t>(100 - accepted));
        store->release.count_down();
        writer.flush();
        BOOST_TEST(writer.counts().written == static_cast<std::uint64_t>(accepted));
    }
    BOOST_TEST(store->appended.load() >= 10u);
}

BOOST_AUTO_TEST_CASE(a_batch_the_store_refuses_is_counted_as_failed_and_the_writer_goes_on) {
    auto store = std::make_shared<stuck_store>();
    store->fail = true;
    store->release.count_down();
    adapters::ledger_writer writer(store, {}, [] { return std::int64_t{1'000}; });
    for (int i = 0; i < 5; ++i) BOOST_TEST(writer.push(row(i, "acme", "p", 0.0)));
    writer.flush();
    BOOST_TEST(writer.counts().failed == 5u);
    store->fail = false;
    BOOST_TEST(writer.push(row(9, "acme", "p", 0.0)));
    writer.flush();
    BOOST_TEST(writer.counts().written == 1u);
}

BOOST_AUTO_TEST_CASE(retention_deletes_what_is_past_it_in_chunks_on_the_injected_clock) {
    scratch_dir dir;
    auto store = std::make_shared<adapters::sqlite_ledger>(dir.file("usage.db"));
    std::int64_t const day = 86'400'000;
    std::atomic<std::int64_t> now{100 * day};
    std::vector<ledger::usage_row> rows;
    for (int i = 0; i < 25; ++i) rows.push_back(row(10 * day + i, "acme", "p", 0.0)); // 90 days old
    for (int i = 0; i < 4; ++i) rows.push_back(row(95 * day + i, "acme", "p", 0.0));  // 5 days old
    store->append(rows);
    adapters::ledger_options options;
    options.retention = std::chrono::hours(24 * 30);
    options.retention_every = std::chrono::hours(1000); // only the run at start, and retain_now
    options.retention_chunk = 10;
    adapters::ledger_writer writer(store, options, [&] { return now.load(); });
    writer.flush();
    // The run at start deletes the 25 old rows in three chunks (10, 10, 5) and keeps the recent four.
    writer.retain_now(); // whatever the background run has left
    BOOST_TEST(store->sum(everything())[0].requests == 4);
    BOOST_TEST(writer.counts().forgotten == 25u);
    // Forty days later the rest is past retention too.
    now = 135 * day;
    BOOST_TEST(writer.retain_now() == 4u);
    BOOST_TEST(store->sum(everything()).empty());
}

BOOST_AUTO_TEST_CASE(a_restart_keeps_the_usage) {
    scratch_dir dir;
    std::string const config = "ledger: {path: \"" + dir.file("usage.db") + "\"}\n";
    {
        gateway_fixture gw(config);
        for (int i = 0; i < 3; ++i) BOOST_TEST(gw.chat(chat, {{"X-Tenant-Id", "acme"}}).status == 200);
    } // drained: the queued rows are written
    gateway_fixture again(config);
    auto const body = usage(again.port(), "?group_by=tenant");
    auto const& data = body.at("data").as_array();
    BOOST_TEST_REQUIRE(data.size() == 1u);
    BOOST_TEST(data[0].at("group").as_string() == "acme");
    BOOST_TEST(data[0].at("requests").as_int64() == 3);
    BOOST_TEST(data[0].at("tokens_in").as_int64() > 0);
    BOOST_TEST(body.at("total").at("requests").as_int64() == 3);
    // The row holds what the call did, never its prompt or answer.
    adapters::sqlite_ledger file(dir.file("usage.db"));
    auto q = everything(ledger::usage_grouping::model);
    BOOST_TEST(file.sum(q).at(0).group == "mock-1");
}

// The rows of a query's first column in an SQLite file, as text.
std::vector<std::string> sqlite_column(std::string const& file, std::string const& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    std::vector<std::string> out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK)
        while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<char const*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

BOOST_AUTO_TEST_CASE(bodies_are_kept_only_when_payloads_are_on_and_cut_to_their_length) {
    scratch_dir dir;
    {
        gateway_fixture plain("ledger: {path: \"" + dir.file("plain.db") + "\"}\n");
        BOOST_TEST(plain.chat(chat).status == 200);
    }
    BOOST_TEST(sqlite_column(dir.file("plain.db"), "SELECT COUNT(*) FROM usage") == std::vector<std::string>{"1"});
    BOOST_TEST(sqlite_column(dir.file("plain.db"), "SELECT COUNT(*) FROM usage_payloads") == std::vector<std::string>{"0"});
    {
        gateway_fixture logged("ledger: {path: \"" + dir.file("logged.db") + "\", payloads: true, payload_max_chars: 40}\n");
        BOOST_TEST(logged.chat(chat).status == 200);
    }
    auto const bodies = sqlite_column(dir.file("logged.db"), "SELECT request_body FROM usage_payloads");
    BOOST_TEST_REQUIRE(bodies.size() == 1u);
    BOOST_TEST(bodies[0] == chat.substr(0, 40));
}

BOOST_AUTO_TEST_CASE(a_thousand_concurrent_calls_lose_no_row) {
    gateway_fixture gw("server: {max_connections_per_ip: 5000}\n", {}, 2);
    std::vector<call_spec> calls(1000, call_spec{gw.port(), "POST", "/v1/chat/completions", chat, {}});
    int ok = 0;
    for (auto const& r : concurrent_calls(calls, 60s)) ok += r.response.status == 200 ? 1 : 0;
    BOOST_TEST(ok == 1000);
    auto const body = usage(gw.port(), "");
    BOOST_TEST(body.at("total").at("requests").as_int64() == 1000);
    BOOST_TEST(gw.runtime().history()->counts().dropped == 0u);
    auto const metrics = http_call(gw.port(), "GET", "/metrics").body;
    BOOST_TEST(metrics.find("switchboard_ledger_rows_total{outcome=\"written\"} 1000") != std::string::npos);
}

std::string const admin_config = "admin: {api_key: ledger-admin-key-0123456789}\n";
std::vector<std::pair<std::string, std::string>> const as_admin{{"Authorization", "Bearer ledger-admin-key-0123456789"}};

BOOST_AUTO_TEST_CASE(refused_calls_are_rows_and_a_caller_nobody_knows_is_not) {
    gateway_fixture gw("limits: [{route: /v1/chat/completions, per: ip, requests: 1, window: 1m}, {per: ip, requests: 1000, window: 1m}]\n");
    auto const json_body = std::vector<std::pair<std::string, std::string>>{{"Content-Type", "application/json"}};
    BOOST_TEST(gw.chat(chat).status == 200);
    BOOST_TEST(gw.chat(chat).status == 429);                                                 // over the limit
    BOOST_TEST(http_call(gw.port(), "POST", "/v1/chat/completions", "{not json", json_body).status == 429);
    BOOST_TEST(http_call(gw.port(), "GET", "/api/v1/health").status == 200);                 // not a call
    auto const body = usage(gw.port(), "?group_by=model");
    BOOST_TEST(body.at("total").at("requests").as_int64() == 3);
    BOOST_TEST(body.at("total").at("errors").as_int64() == 2);
    BOOST_TEST(usage(gw.port(), "?group_by=model").at("data").as_array().size() == 2u); // "mock-1" and "" (unread)
    auto const errors = http_call(gw.port(), "GET", "/api/v1/usage/errors?limit=10");
    BOOST_TEST_REQUIRE(errors.status == 200, errors.body);
    auto const failed = json::parse(errors.body).at("data").as_array();
    BOOST_TEST_REQUIRE(failed.size() == 2u);
    BOOST_TEST(failed[0].at("status").as_int64() == 429); // newest first
    BOOST_TEST(failed[0].at("code").as_string() == "rate_limit_exceeded");
    BOOST_TEST(http_call(gw.port(), "GET", "/api/v1/usage/errors?limit=500").status == 400);
    auto const by_route = usage(gw.port(), "?group_by=route");
    BOOST_TEST(by_route.at("data").at(0).at("group").as_string() == "/v1/chat/completions");
    std::string const secret = "ledger-test-secret-0123456789";
    auto const key = adapters::key_ring::mint(secret);
    gateway_fixture keyed("auth:\n  secret: " + secret + "\n  keys:\n    - {id: " + key.id + ", hash: " + key.secret_hash +
                          ", tenant: acme}\n");
    BOOST_TEST(keyed.chat(chat).status == 401);
    BOOST_TEST(keyed.chat(chat, {{"Authorization", "Bearer sb-not-a-key"}}).status == 401);
    auto const seen = usage(keyed.port(), "", {{"Authorization", "Bearer " + key.text}});
    BOOST_TEST(seen.at("total").at("requests").as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(stats_come_from_the_ledger) {
    gateway_fixture gw(admin_config);
    for (int i = 0; i < 4; ++i) BOOST_TEST(gw.chat(chat).status == 200);
    auto const stats = json::parse(http_call(gw.port(), "GET", "/api/stats", "", as_admin).body).as_object();
    BOOST_TEST(stats.at("source").as_string() == "ledger");
    BOOST_TEST(stats.at("llm_routing").at("total_requests").as_int64() == 4);
    BOOST_TEST(stats.at("llm_routing").at("distribution").at("mock").at("count").as_int64() == 4);
}

BOOST_AUTO_TEST_CASE(bad_queries_are_refused_naming_the_parameter_and_an_off_ledger_is_a_404) {
    gateway_fixture gw("");
    auto bad = http_call(gw.port(), "GET", "/api/v1/usage?group_by=color");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json::parse(bad.body).at("error").at("param").as_string() == "group_by");
    gateway_fixture off(admin_config + "ledger: {store: off}\n");
    BOOST_TEST(http_call(off.port(), "GET", "/api/v1/usage", "", as_admin).status == 404);
    BOOST_TEST(http_call(off.port(), "GET", "/api/v1/usage").status == 401); // auth off, an admin key set: it is needed
    auto const stats = http_call(off.port(), "GET", "/api/v1/stats", "", as_admin);
    BOOST_TEST(json::parse(stats.body).at("source").as_string() == "instance");
}

BOOST_AUTO_TEST_CASE(a_tenants_key_reads_its_own_usage_and_admin_reads_every_tenant) {
    std::string const secret = "ledger-test-secret-0123456789";
    auto const acme = adapters::key_ring::mint(secret);
    auto const admin = adapters::key_ring::mint(secret);
    auto entry = [](adapters::minted_key const& k, std::string const& rest) {
        return "    - {id: " + k.id + ", hash: " + k.secret_hash + ", " + rest + "}\n";
    };
    gateway_fixture gw("auth:\n  secret: " + secret + "\n  keys:\n" + entry(acme, "tenant: acme") +
                       entry(admin, "tenant: ops, scopes: [admin]"));
    auto bearer = [](adapters::minted_key const& k) {
        return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + k.text}};
    };
    BOOST_TEST(gw.chat(chat, bearer(acme)).status == 200);
    BOOST_TEST(gw.chat(chat, bearer(admin)).status == 200);
    auto const own = usage(gw.port(), "?group_by=tenant", bearer(acme));
    BOOST_TEST(own.at("tenant").as_string() == "acme");
    BOOST_TEST_REQUIRE(own.at("data").as_array().size() == 1u);
    BOOST_TEST(own.at("data").at(0).at("group").as_string() == "acme");
    auto const other = http_call(gw.port(), "GET", "/api/v1/usage?tenant=ops", "", bearer(acme));
    BOOST_TEST(other.status == 403);
    auto const all = usage(gw.port(), "?group_by=tenant", bearer(admin));
    BOOST_TEST(all.at("data").as_array().size() == 2u);
    // The key column holds the key's public id, never its secret.
    auto const by_key = usage(gw.port(), "?group_by=key", bearer(admin));
    for (auto const& g : by_key.at("data").as_array()) {
        auto const id = std::string(g.at("group").as_string());
        BOOST_TEST((id == acme.id || id == admin.id), id);
        BOOST_TEST(id.find(acme.text) == std::string::npos);
    }
    BOOST_TEST(http_call(gw.port(), "GET", "/api/v1/usage").status == 401);
}

BOOST_AUTO_TEST_CASE(with_auth_on_the_admin_key_reads_every_tenants_usage_and_quotas) {
    std::string const secret = "ledger-test-secret-0123456789";
    auto const acme = adapters::key_ring::mint(secret);
    gateway_fixture gw(admin_config + "auth:\n  secret: " + secret + "\n  keys:\n    - {id: " + acme.id +
                       ", hash: " + acme.secret_hash + ", tenant: acme}\n");
    BOOST_TEST(gw.chat(chat, {{"Authorization", "Bearer " + acme.text}}).status == 200);
    auto const all = usage(gw.port(), "?group_by=tenant", as_admin);
    BOOST_TEST(all.at("data").at(0).at("group").as_string() == "acme");
    BOOST_TEST(http_call(gw.port(), "GET", "/api/v1/quotas", "", as_admin).status == 200);
    BOOST_TEST(http_call(gw.port(), "GET", "/api/v1/usage", "", {{"Authorization", "Bearer not-the-admin-key"}}).status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
