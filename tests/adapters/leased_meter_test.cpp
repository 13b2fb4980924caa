// Key meter leases over a real Redis: a busy key's calls are metered mostly from leases, leasing
// cores never let a key have more calls in flight or spend more tokens than it allows, and a
// lease gives back what its calls do not hold when it closes, the rest as they end.
#include "adapters/limits/leased_key_meter_store.hpp"
#include "adapters/store/redis/redis_stores.hpp"
#include "adapters/store/store_error.hpp"
#include "store_harness.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/redis_server.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>

using namespace switchboard;
using namespace std::chrono_literals;
using testing::redis_server;
using testing::scripts_run;
using testing::store_harness;

namespace {

struct meter_fixture {
    redis_server server;
    store_harness h;
    adapters::redis_key_meter_store shared{h.redis(server.port())};
    std::atomic<std::int64_t> steady_ms{1'000'000};
    int next_call = 0;

    adapters::leased_key_meter_store make(int calls = 32, std::size_t max_subjects = 100'000) {
        domain::lease_terms t;
        t.calls = calls;
        t.hold = 1000ms;
        t.exact_above = 0.8;
        return adapters::leased_key_meter_store(h.executor(), shared, shared, t, [this] {
            return domain::time_point(std::chrono::milliseconds(steady_ms.load()));
        }, max_subjects);
    }
    adapters::meter_claim claim(std::string key, std::int64_t tokens, std::int64_t per_minute, std::int64_t max_calls) {
        return {std::move(key), tokens, per_minute, max_calls, "test:" + std::to_string(++next_call), 120'000ms};
    }
    // Acquires; the claim comes back ready to release (from_lease set), or nullopt when refused.
    std::optional<adapters::meter_claim> acquire(adapters::leased_key_meter_store& s, adapters::meter_claim c) {
        auto const v = h.run(s.acquire(c));
        if (v.refused != adapters::meter_verdict::refusal::none) return std::nullopt;
        c.from_lease = v.from_lease;
        return c;
    }
    void release(adapters::leased_key_meter_store& s, adapters::meter_claim const& c, std::int64_t used) {
        h.run(s.release(c, used));
    }
    long long slots_held(std::string const& key) { return server.command({"ZCARD", "meter:{key:" + key + "}:calls"}).integer; }
};

} // namespace

BOOST_AUTO_TEST_SUITE(key_meter_leases_over_redis)

BOOST_FIXTURE_TEST_CASE(a_busy_keys_calls_are_metered_mostly_from_leases_and_every_slot_comes_back, meter_fixture) {
    auto leased = make();
    auto const before = scripts_run(server);
    auto redis_now_us = [&] {
        auto const time = server.command({"TIME"});
        return std::stoll(time.elements.at(0)) * 1'000'000 + std::stoll(time.elements.at(1));
    };
    auto const started_us = redis_now_us();
    for (int i = 0; i < 300; ++i) { // four calls in flight at a time
        std::vector<adapters::meter_claim> running;
        for (int j = 0; j < 4; ++j) {
            auto c = acquire(leased, claim("k1", 100, 600'000, 100)); // 100 µs of the key's minute a token
            BOOST_TEST_REQUIRE(c.has_value());
            running.push_back(*c);
        }
        for (auto const& c : running) release(leased, c, 50);
        ++i;
    }
    auto const scripts = scripts_run(server) - before;
    BOOST_TEST_MESSAGE("600 calls, " << scripts << " scripts, " << leased.counts().leases << " leases");
    // The first call alone (acquire + release); then a lease of two slots, grown to four; and
    // more tokens each time it has used 32 calls' estimates (30,000 tokens used, 3,200 a time).
    BOOST_TEST(scripts <= 4 + 10);
    BOOST_TEST(leased.counts().alone == 1u);
    BOOST_TEST(leased.counts().from_lease == 599u);
    BOOST_TEST(slots_held("k1") == 4);
    h.run(leased.close_all());
    BOOST_TEST(slots_held("k1") == 0);
    // The tokens the lease did not use came back: the key has paid for what its calls used (600
    // × 50), less what came back with time since the first call (10,000 a second: on Redis's
    // clock, so a slow run, e.g. under the sanitizers, loosens the bound by exactly its time), and
    // no more.
    auto const now_us = redis_now_us();
    auto const tat = std::stoll(server.command({"HGET", "meter:{key:k1}", "tat"}).text);
    auto const counted = (tat - now_us) / 100;
    auto const came_back_since = (now_us - started_us) / 100;
    BOOST_TEST_MESSAGE("tokens counted: " << counted << ", at most " << came_back_since << " came back with time");
    BOOST_TEST(counted <= 30'000);
    BOOST_TEST(counted >= 30'000 - came_back_since - 1'000);
}

BOOST_FIXTURE_TEST_CASE(leasing_cores_never_let_a_key_have_more_calls_in_flight_than_it_allows, meter_fixture) {
    auto a = make();
    auto b = make();
    adapters::leased_key_meter_store* cores[] = {&a, &b};
    std::vector<std::pair<adapters::leased_key_meter_store*, adapters::meter_claim>> running;
    for (int round = 0; round < 10; ++round)
        for (auto* core : cores) {
            if (auto c = acquire(*core, claim("k2", 10, 0, 8))) running.emplace_back(core, *c);
            BOOST_TEST_REQUIRE(slots_held("k2") <= 8);
        }
    BOOST_TEST(running.size() == 8u); // exactly the limit: the last slots went one by one
    BOOST_TEST(a.counts().leases + b.counts().leases >= 2u);
    for (auto const& [core, c] : running) release(*core, c, 10);
    // The calls that outlived their lease freed their slots; an open lease keeps its own for its hold.
    BOOST_TEST(slots_held("k2") <= 4);
    steady_ms += 1000;
    h.run(a.flush());
    h.run(b.flush());
    BOOST_TEST(testing::eventually([&] { return slots_held("k2") == 0; }));
    // With every call ended the key is free again: its eight slots can be taken at once.
    int again = 0;
    for (int i = 0; i < 8; ++i) again += acquire(a, claim("k2", 10, 0, 8)).has_value();
    BOOST_TEST(again == 8);
}

BOOST_FIXTURE_TEST_CASE(leasing_cores_never_spend_a_keys_tokens_faster_than_it_allows, meter_fixture) {
    auto a = make();
    auto b = make();
    adapters::leased_key_meter_store* cores[] = {&a, &b};
    // 600,000 tokens a minute, 10,000 a call: 60 calls now, then one every 100 ms.
    auto const started = std::chrono::steady_clock::now();
    int admitted = 0;
    for (int round = 0; round < 100; ++round)
        for (auto* core : cores)
            if (auto c = acquire(*core, claim("k3", 10'000, 600'000, 0))) {
                ++admitted;
                release(*core, *c, 10'000);
            }
    h.run(a.close_all()); // what an open lease still holds comes back; then the last calls fit
    h.run(b.close_all());
    for (int i = 0; i < 10; ++i)
        if (auto c = acquire(a, claim("k3", 10'000, 600'000, 0))) ++admitted, release(a, *c, 10'000);
    auto const elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto const refilled = static_cast<int>(elapsed * 10) + 1; // one call's tokens per 100 ms
    BOOST_TEST_MESSAGE(admitted << " calls admitted in " << elapsed << " s");
    BOOST_TEST(admitted >= 60);
    BOOST_TEST(admitted <= 60 + refilled);
}

BOOST_FIXTURE_TEST_CASE(a_closed_lease_gives_back_its_free_slots_at_once_and_each_running_calls_when_it_ends,
                        meter_fixture) {
    auto leased = make();
    std::vector<adapters::meter_claim> running;
    release(leased, *acquire(leased, claim("k4", 10, 0, 100)), 10); // alone; then a lease of 2 slots
    for (int i = 0; i < 2; ++i) running.push_back(*acquire(leased, claim("k4", 10, 0, 100)));
    BOOST_TEST(running.back().from_lease != 0u);
    BOOST_TEST(slots_held("k4") == 2);
    release(leased, running.back(), 10);
    running.pop_back();
    steady_ms += 1000;
    h.run(leased.flush()); // its hold is over: the free slot goes back, the running call's stays
    BOOST_TEST(testing::eventually([&] { return slots_held("k4") == 1; }));
    release(leased, running.back(), 10); // the call outlived its lease: it frees its slot itself
    BOOST_TEST(slots_held("k4") == 0);
    BOOST_TEST(leased.leases_held() == 0u);
}

// A lease whose reply never came (Redis stalled past the call's timeout) may still be taken when
// Redis resumes: the slots it would hold are given back after it, not left for the call lease's
// two minutes.
BOOST_FIXTURE_TEST_CASE(a_lease_whose_reply_never_came_leaves_no_slot_behind, meter_fixture) {
    auto leased = make();
    release(leased, *acquire(leased, claim("k5", 10, 0, 100)), 10); // alone: the next call leases
    server.freeze();
    BOOST_CHECK_THROW(h.run(leased.acquire(claim("k5", 10, 0, 100))), adapters::store_unavailable);
    server.thaw();
    BOOST_TEST(testing::eventually([&] { return slots_held("k5") == 0; }));
    BOOST_TEST(leased.leases_held() == 0u);
}

BOOST_FIXTURE_TEST_CASE(past_its_key_bound_new_keys_are_metered_one_by_one, meter_fixture) {
    auto leased = make(32, 1);
    for (int i = 0; i < 10; ++i) release(leased, *acquire(leased, claim("known", 10, 0, 100)), 10);
    for (int i = 0; i < 10; ++i) release(leased, *acquire(leased, claim("flood", 10, 0, 100)), 10);
    BOOST_TEST(leased.counts().alone == 11u); // the known key's first call, and every flood call
    BOOST_TEST(slots_held("flood") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
