// Rate-limit leases over a real Redis: a busy caller is admitted mostly from leases, a fleet of
// leasing cores admits exactly up to a limit and never past it, and a lease gives back what it did
// not use when it ends. (The Redis store's part, leases counted at the end of their hold, is in
// the store contract.)
#include "adapters/limits/leased_rate_limit_store.hpp"
#include "adapters/store/redis/redis_stores.hpp"
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

struct limits_fixture {
    redis_server server;
    store_harness h;
    adapters::redis_rate_limit_store shared{h.redis(server.port())};
    std::atomic<std::int64_t> steady_ms{1'000'000};
    adapters::leased_rate_limit_store make(int calls, double max_share, std::size_t max_subjects = 100'000) {
        domain::lease_terms t;
        t.calls = calls;
        t.max_share = max_share;
        t.hold = 1000ms;
        t.exact_above = 0.8;
        return adapters::leased_rate_limit_store(h.executor(), shared, shared, t, [this] {
            return domain::time_point(std::chrono::milliseconds(steady_ms.load()));
        }, max_subjects);
    }
    bool admitted(adapters::leased_rate_limit_store& s, std::vector<adapters::limit_window> const& w) {
        auto v = h.run(s.admit(w));
        return std::all_of(v.begin(), v.end(), [](auto const& x) { return x.admitted; });
    }
    // The admissions a window's log holds (its counter).
    long long logged(std::string const& key) { return std::stoll("0" + server.command({"GET", key + ":n"}).text); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(rate_limit_leases_over_redis)

BOOST_FIXTURE_TEST_CASE(a_busy_caller_is_admitted_mostly_from_leases_and_every_admission_is_logged, limits_fixture) {
    auto leased = make(32, 0.1);
    std::vector<adapters::limit_window> const windows{{"rl:{key:k1}:*:60000", 1000, 60s}};
    auto const before = scripts_run(server);
    for (int i = 0; i < 300; ++i) BOOST_TEST_REQUIRE(admitted(leased, windows));
    auto const scripts = scripts_run(server) - before;
    BOOST_TEST_MESSAGE("300 admissions, " << scripts << " scripts, " << leased.counts().leases << " leases");
    BOOST_TEST(scripts <= 20); // the first call alone, then leases growing with the rate to 32
    BOOST_TEST(leased.counts().alone == 1u);
    BOOST_TEST(leased.counts().from_lease == 299u);
    // The last lease's unused admissions go back when it ends: the log holds the 300 calls.
    h.run(leased.close_all());
    BOOST_TEST(logged(windows[0].key) == 300);
}

BOOST_FIXTURE_TEST_CASE(leasing_cores_admit_exactly_up_to_a_limit_and_never_past_it, limits_fixture) {
    auto a = make(32, 0.1);
    auto b = make(32, 0.1);
    adapters::leased_rate_limit_store* cores[] = {&a, &b};
    std::vector<adapters::limit_window> const windows{{"rl:{key:k2}:*:60000", 100, 60s},
                                                      {"rl:{key:k2}:own:60000", 1000, 60s}};
    int admitted_calls = 0;
    for (int round = 0; round < 80; ++round)
        for (auto* core : cores) {
            admitted_calls += admitted(*core, windows);
            BOOST_TEST_REQUIRE(logged(windows[0].key) <= 100); // leased admissions are in the log
        }
    BOOST_TEST(admitted_calls == 100);
    BOOST_TEST(a.counts().leases + b.counts().leases >= 4u);
    BOOST_TEST(a.counts().alone + b.counts().alone > 4u); // near the limit, one by one
    BOOST_TEST(logged(windows[0].key) == 100);
    BOOST_TEST(logged(windows[1].key) == 100);
}

BOOST_FIXTURE_TEST_CASE(a_lease_ends_at_its_hold_and_gives_back_the_admissions_it_did_not_use, limits_fixture) {
    auto leased = make(32, 0.1);
    std::vector<adapters::limit_window> const windows{{"rl:{ip:10.0.0.1}:*:60000", 1000, 60s}};
    for (int i = 0; i < 3; ++i) BOOST_TEST(admitted(leased, windows)); // alone, then a lease of 4
    BOOST_TEST(leased.leases_held() == 1u);
    BOOST_TEST(logged(windows[0].key) == 5); // one alone + the lease's four
    steady_ms += 1000;
    h.run(leased.flush());
    // The give-back runs in the background: its round trip, not time, is waited for.
    BOOST_TEST(testing::eventually([&] { return logged(windows[0].key) == 3; }));
    BOOST_TEST(leased.leases_held() == 0u);
}

// Callers are chosen by clients (an address, a key): past its bound the store follows no new one,
// and their calls are admitted one by one, exactly as without leases.
BOOST_FIXTURE_TEST_CASE(past_its_caller_bound_new_callers_are_admitted_one_by_one, limits_fixture) {
    auto leased = make(32, 0.1, 1);
    std::vector<adapters::limit_window> const known{{"rl:{ip:10.0.0.1}:*:60000", 1000, 60s}};
    std::vector<adapters::limit_window> const flood{{"rl:{ip:10.9.9.9}:*:60000", 1000, 60s}};
    for (int i = 0; i < 10; ++i) BOOST_TEST(admitted(leased, known));
    for (int i = 0; i < 10; ++i) BOOST_TEST(admitted(leased, flood));
    BOOST_TEST(leased.counts().alone == 11u); // the known caller's first call, and every flood call
    BOOST_TEST(logged(flood[0].key) == 10);
}

BOOST_AUTO_TEST_SUITE_END()
