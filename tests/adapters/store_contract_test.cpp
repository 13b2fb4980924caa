// The store ports' contract, run against the in-memory adapters and the Redis adapters (over a
// real redis-server): sliding windows, all-or-nothing admission, quota reservations and their
// settlement, threshold alerts once per window. Then what only Redis has: key names with hash
// tags, TTLs that end with the UTC window, script reload after a flush.
#include "adapters/store/memory_budget_store.hpp"
#include "adapters/store/memory_key_meter_store.hpp"
#include "adapters/store/memory_quota_store.hpp"
#include "adapters/store/memory_rate_limit_store.hpp"
#include "adapters/store/redis/redis_stores.hpp"
#include "adapters/store/redis/redis_url.hpp"
#include "adapters/store/store_error.hpp"
#include "domain/calendar.hpp"
#include "tests/adapters/store_harness.hpp"
#include "tests/support/build_kind.hpp"
#include "adapters/store/redis/key_slot.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/redis_cluster_servers.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/test_certificate.hpp"
#include "tests/support/test_client.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard;
using namespace switchboard::testing;
using namespace std::chrono_literals;

namespace {

struct stores {
    adapters::rate_limit_store* limits;
    adapters::quota_store* quotas;
};

// The contract, whatever the adapter.
void sliding_window_contract(store_harness& h, adapters::rate_limit_store& s, std::string const& prefix) {
    std::vector<adapters::limit_window> one{{prefix + "rl:{ip:a}:*:60000", 5, 60s}};
    for (int i = 0; i < 5; ++i) {
        auto v = h.run(s.admit(one));
        BOOST_TEST(v.at(0).admitted);
        BOOST_TEST(v.at(0).remaining == 4 - i);
    }
    auto refused = h.run(s.admit(one)).at(0);
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(refused.remaining == 0);
    BOOST_TEST((refused.reset > 55s && refused.reset <= 60s));

    // All or nothing: a request refused by the tight window does not count in the roomy one.
    std::vector<adapters::limit_window> two{{prefix + "rl:{key:k}:*:60000", 1, 60s},
                                            {prefix + "rl:{tenant:t}:*:60000", 10, 60s}};
    BOOST_TEST(h.run(s.admit(two)).at(1).remaining == 9);
    for (int i = 0; i < 3; ++i) {
        auto v = h.run(s.admit(two));
        BOOST_TEST(!v.at(0).admitted);
        BOOST_TEST(v.at(1).remaining == 9); // room it still has (the refused request was taken back)
    }
    std::vector<adapters::limit_window> roomy{two[1]};
    BOOST_TEST(h.run(s.admit(roomy)).at(0).remaining == 8);

    // The same with two windows of one subject (a key's own limit beside a per-key rule), which a
    // store may check in one step: still all or nothing, and the refusal says which refused.
    std::vector<adapters::limit_window> own{{prefix + "rl:{key:k2}:*:60000", 10, 60s},
                                            {prefix + "rl:{key:k2}:own:60000", 1, 60s}};
    auto first = h.run(s.admit(own));
    BOOST_TEST((first.at(0).admitted && first.at(1).admitted));
    BOOST_TEST(first.at(0).remaining == 9);
    BOOST_TEST(first.at(1).remaining == 0);
    for (int i = 0; i < 3; ++i) {
        auto v = h.run(s.admit(own));
        BOOST_TEST(v.at(0).admitted);
        BOOST_TEST(!v.at(1).admitted);
        BOOST_TEST(v.at(0).remaining == 9); // nothing taken from the roomy window
        BOOST_TEST(v.at(1).remaining == 0);
        BOOST_TEST((v.at(1).reset > 55s && v.at(1).reset <= 60s));
    }
}

void quota_contract(store_harness& h, adapters::quota_store& s, std::string const& subject) {
    domain::quota_limits const limits{0, 1000, 0};
    std::vector<adapters::quota_reservation> held;
    for (;;) {
        auto v = h.run(s.reserve(subject, {1, 100}, limits));
        if (!v.admitted) {
            BOOST_TEST(domain::metric_name(v.exhausted) == "tokens_per_day");
            BOOST_TEST(v.reset_unix > 0);
            break;
        }
        held.push_back(v.reservation);
    }
    BOOST_TEST(held.size() == 10u);
    auto snap = h.run(s.snapshot(subject));
    BOOST_TEST(snap.day_state.reserved.tokens == 1000);
    BOOST_TEST(snap.month_state.reserved.tokens == 1000);
    // Half succeed with fewer tokens than reserved; half fail and give everything back.
    for (std::size_t i = 0; i < held.size(); ++i)
        h.run(s.settle(held[i], i % 2 == 0 ? std::optional<domain::quota_counts>({1, 40}) : std::nullopt, limits));
    snap = h.run(s.snapshot(subject));
    BOOST_TEST(snap.day_state.reserved.tokens == 0);
    BOOST_TEST(snap.day_state.reserved.requests == 0);
    BOOST_TEST(snap.day_state.used.tokens == 200);
    BOOST_TEST(snap.day_state.used.requests == 5);
    BOOST_TEST(snap.month_state.used.tokens == 200);
    BOOST_TEST(snap.day == domain::day_id(snap.day_reset_unix - 1));
}

void alert_contract(store_harness& h, adapters::quota_store& s, std::string const& subject) {
    domain::quota_limits const limits{0, 100, 0};
    auto a = h.run(s.reserve(subject, {1, 80}, limits));
    BOOST_TEST_REQUIRE(a.alerts.size() == 1u);
    BOOST_TEST(a.alerts[0].percent == 75);
    h.run(s.settle(a.reservation, std::nullopt, limits)); // back to 0: the 75 % alert stays reported
    auto b = h.run(s.reserve(subject, {1, 80}, limits));
    BOOST_TEST(b.alerts.empty());
    auto c = h.run(s.reserve(subject, {1, 15}, limits));
    BOOST_TEST_REQUIRE(c.alerts.size() == 1u);
    BOOST_TEST(c.alerts[0].percent == 90);
    // A quota lease's refusal (report_refusal false) reports nothing: the quota is not used up
    // for a single call, which is then reserved on its own.
    auto lease = h.run(s.reserve(subject, {0, 50}, limits, false));
    BOOST_TEST(!lease.admitted);
    BOOST_TEST(lease.alerts.empty());
    // 95 of 100 counted: a call that does not fit means the quota is used up.
    auto refused = h.run(s.reserve(subject, {1, 10}, limits));
    BOOST_TEST(!refused.admitted);
    BOOST_TEST_REQUIRE(refused.alerts.size() == 1u);
    BOOST_TEST(refused.alerts[0].percent == 100);
    BOOST_TEST(h.run(s.reserve(subject, {1, 10}, limits)).alerts.empty()); // once per window
}

// Dollars: reserved at the estimate, settled at the cost, refused when the estimate does not fit;
// a month limit counts what the day windows counted.
void dollar_contract(store_harness& h, adapters::quota_store& s, std::string const& subject) {
    domain::quota_limits limits;
    limits.micro_usd_per_day = 1'000'000;  // $1
    limits.micro_usd_per_month = 1'500'000; // $1.50
    auto a = h.run(s.reserve(subject, {1, 100, 600'000}, limits));
    BOOST_TEST_REQUIRE(a.admitted);
    auto refused = h.run(s.reserve(subject, {1, 100, 600'000}, limits)); // 1.2 > 1 with the first held
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(domain::metric_name(refused.exhausted) == "usd_per_day");
    BOOST_TEST(refused.counted == 600'000);
    h.run(s.settle(a.reservation, domain::quota_counts{1, 80, 250'000}, limits)); // it cost $0.25
    auto snap = h.run(s.snapshot(subject));
    BOOST_TEST(snap.day_state.used.micro_usd == 250'000);
    BOOST_TEST(snap.day_state.reserved.micro_usd == 0);
    BOOST_TEST(snap.month_state.used.micro_usd == 250'000);
    auto b = h.run(s.reserve(subject, {1, 100, 700'000}, limits)); // 0.95 of $1
    BOOST_TEST(b.admitted);
    BOOST_TEST(b.use == 0.95, boost::test_tools::tolerance(0.002));
    h.run(s.settle(b.reservation, std::nullopt, limits)); // failed: given back
    BOOST_TEST(h.run(s.snapshot(subject)).day_state.reserved.micro_usd == 0);
    BOOST_TEST(h.run(s.snapshot(subject)).day_state.used.micro_usd == 250'000);
}

// Requests per month: counted in the month window beside the day's, reserved then settled, a
// failed call given back, the limit exact.
void monthly_requests_contract(store_harness& h, adapters::quota_store& s, std::string const& subject) {
    domain::quota_limits limits;
    limits.requests_per_month = 2;
    auto a = h.run(s.reserve(subject, {1, 0, 0}, limits));
    auto b = h.run(s.reserve(subject, {1, 0, 0}, limits));
    BOOST_TEST_REQUIRE((a.admitted && b.admitted));
    auto refused = h.run(s.reserve(subject, {1, 0, 0}, limits));
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(domain::metric_name(refused.exhausted) == "requests_per_month");
    h.run(s.settle(a.reservation, domain::quota_counts{1, 0, 0}, limits));
    h.run(s.settle(b.reservation, std::nullopt, limits)); // failed: its request given back
    auto snap = h.run(s.snapshot(subject));
    BOOST_TEST(snap.month_state.used.requests == 1);
    BOOST_TEST(snap.month_state.reserved.requests == 0);
    BOOST_TEST(snap.day_state.used.requests == 1);
    BOOST_TEST(h.run(s.reserve(subject, {1, 0, 0}, limits)).admitted);
    BOOST_TEST(!h.run(s.reserve(subject, {1, 0, 0}, limits)).admitted);
}

// A key's meter: calls in flight up to the cap, a minute's tokens at once then paced, nothing
// taken by a refused claim, unused tokens back at release.
void meter_contract(store_harness& h, adapters::key_meter_store& s, std::string const& key) {
    using refusal = adapters::meter_verdict::refusal;
    auto claim = [&](std::string lease, std::int64_t tokens) {
        return adapters::meter_claim{key, tokens, 1000, 2, std::move(lease), 60s};
    };
    auto a = claim("a", 400), b = claim("b", 400), c = claim("c", 10);
    auto const started = std::chrono::steady_clock::now(); // a real store's tokens come back with real time
    BOOST_TEST((h.run(s.acquire(a)).refused == refusal::none));
    BOOST_TEST((h.run(s.acquire(b)).refused == refusal::none));
    auto busy = h.run(s.acquire(c));
    BOOST_TEST((busy.refused == refusal::calls));
    BOOST_TEST(busy.retry_after.count() > 0);
    h.run(s.release(a, 400));
    auto d = claim("d", 300); // 400 + 400 + 300 > 1000 tokens in the minute
    auto paced = h.run(s.acquire(d));
    BOOST_TEST((paced.refused == refusal::tokens));
    // 100 tokens at 1000/min: 6 s, less what came back while the test ran (a slow run waited >1 s once).
    auto const waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    BOOST_TEST((paced.retry_after > 6s - waited - 100ms && paced.retry_after <= 6s));
    h.run(s.release(b, 50)); // used 50 of its 400: 350 come back at once
    BOOST_TEST((h.run(s.acquire(d)).refused == refusal::none));
    BOOST_TEST((h.run(s.acquire(claim("e", 1001))).refused == refusal::never));
    h.run(s.release(d, 300));
}

void every_contract(store_harness& h, adapters::rate_limit_store& limits, adapters::quota_store& quotas,
                    adapters::key_meter_store& meters) {
    sliding_window_contract(h, limits, "");
    quota_contract(h, quotas, "tenant:acme");
    alert_contract(h, quotas, "provider:openai");
    dollar_contract(h, quotas, "key:k1");
    monthly_requests_contract(h, quotas, "provider:weather");
    meter_contract(h, meters, "k1");
}

} // namespace

BOOST_AUTO_TEST_SUITE(store_contract)

BOOST_AUTO_TEST_CASE(memory_adapters_keep_the_contract) {
    store_harness h;
    adapters::memory_rate_limit_store limits;
    adapters::memory_quota_store quotas;
    adapters::memory_key_meter_store meters;
    every_contract(h, limits, quotas, meters);
}

BOOST_AUTO_TEST_CASE(redis_adapters_keep_the_contract) {
    redis_server server;
    store_harness h;
    auto& redis = h.redis(server.port());
    adapters::redis_rate_limit_store limits(redis);
    adapters::redis_quota_store quotas(redis);
    adapters::redis_key_meter_store meters(redis);
    every_contract(h, limits, quotas, meters);
}

// Rate-limit leases on Redis: n admissions in every window of the call at once, all or nothing,
// counted as made when the lease's hold ends; the unused ones given back.
BOOST_AUTO_TEST_CASE(redis_leases_admissions_counted_at_the_end_of_their_hold_and_gives_back_the_unused) {
    redis_server server;
    store_harness h;
    adapters::redis_rate_limit_store limits(h.redis(server.port()));
    std::vector<adapters::limit_window> const windows{{"rl:{key:k9}:*:60000", 10, 60s},
                                                      {"rl:{key:k9}:own:60000", 100, 60s}};
    auto const server_ms = [&] {
        auto t = server.command({"TIME"});
        return std::stoll(t.elements.at(0)) * 1000 + std::stoll(t.elements.at(1)) / 1000;
    };
    auto const before = server_ms();
    auto lease = h.run(limits.lease(windows, 4, 500ms));
    BOOST_TEST_REQUIRE(lease.admitted);
    BOOST_TEST(lease.verdicts.at(0).remaining == 6);
    BOOST_TEST(lease.verdicts.at(1).remaining == 96);
    auto const counted = [&](adapters::limit_window const& w) { return std::stoll("0" + server.command({"GET", w.key + ":n"}).text); };
    for (auto const& w : windows) {
        // One member for the lease's four admissions, and the window's counter.
        auto const entries = server.command({"ZRANGE", w.key, "0", "-1", "WITHSCORES"});
        BOOST_TEST_REQUIRE(entries.elements.size() == 2u);
        BOOST_TEST(entries.elements.at(0) == lease.member + "*4");
        BOOST_TEST(counted(w) == 4);
        // Counted as made at the end of the hold (the score is microseconds of the server clock).
        BOOST_TEST(std::stoll(entries.elements.at(1)) / 1000 >= before + 500);
        BOOST_TEST(server.command({"PTTL", w.key}).integer > 60'000);
        BOOST_TEST(server.command({"PTTL", w.key + ":n"}).integer > 60'000);
    }
    // Eight more do not fit the first window: nothing is written in either.
    auto refused = h.run(limits.lease(windows, 8, 500ms));
    BOOST_TEST(!refused.admitted);
    BOOST_TEST(!refused.verdicts.at(0).admitted);
    BOOST_TEST(counted(windows[1]) == 4);
    BOOST_TEST(h.run(limits.admit(windows)).at(0).remaining == 5); // a call on its own still fits
    // The lease used one admission: the other three go back, in every window.
    h.run(limits.give_back(windows, lease.member, 2, 4));
    for (auto const& w : windows) {
        BOOST_TEST(counted(w) == 2);
        BOOST_TEST(!server.command({"ZSCORE", w.key, lease.member + "*1"}).text.empty()); // at the lease's time
        BOOST_TEST(server.command({"ZCARD", w.key}).integer == 2); // the lease's one, the call's
    }
    BOOST_TEST(h.run(limits.admit(windows)).at(0).remaining == 7); // 10 − the lease's 1 − two calls
}

// Admissions leave a window's log and its count together as the window slides (Redis's clock
// decides: polled): a lease's n at once, calls one by one; the count always matches the log.
BOOST_AUTO_TEST_CASE(redis_admissions_leave_the_log_and_its_count_together_as_the_window_slides) {
    redis_server server;
    store_harness h;
    adapters::redis_rate_limit_store limits(h.redis(server.port()));
    std::vector<adapters::limit_window> const w{{"rl:{ip:slide}:*:300", 3, 300ms}};
    auto const count = [&] { return std::stoll("0" + server.command({"GET", w[0].key + ":n"}).text); };
    auto const members = [&] { return server.command({"ZCARD", w[0].key}).integer; };
    BOOST_TEST_REQUIRE(h.run(limits.lease(w, 3, 0ms)).admitted);
    BOOST_TEST(!h.run(limits.admit(w)).at(0).admitted);
    BOOST_TEST(testing::eventually([&] { return h.run(limits.admit(w)).at(0).admitted; }));
    BOOST_TEST(count() == 1); // the lease's three left at once; this call is in
    BOOST_TEST(members() == 1);
    BOOST_TEST(h.run(limits.admit(w)).at(0).admitted);
    BOOST_TEST(h.run(limits.admit(w)).at(0).admitted);
    BOOST_TEST(!h.run(limits.admit(w)).at(0).admitted);
    BOOST_TEST(testing::eventually([&] { return h.run(limits.admit(w)).at(0).admitted; }));
    BOOST_TEST(count() == members()); // calls one by one: one member each
    BOOST_TEST(count() <= 3);
}

// A window written before its counter existed is counted from its log once, then kept.
BOOST_AUTO_TEST_CASE(redis_windows_without_a_counter_are_counted_from_their_log) {
    redis_server server;
    store_harness h;
    adapters::redis_rate_limit_store limits(h.redis(server.port()));
    std::vector<adapters::limit_window> const windows{{"rl:{ip:old}:*:60000", 5, 60s}};
    auto const t = server.command({"TIME"});
    auto const now_us = std::stoll(t.elements.at(0)) * 1'000'000 + std::stoll(t.elements.at(1));
    server.command({"ZADD", windows[0].key, std::to_string(now_us), "a", std::to_string(now_us), "b",
                    std::to_string(now_us), "lease*2"});
    server.command({"PEXPIRE", windows[0].key, "60000"});
    auto const verdicts = h.run(limits.admit(windows));
    BOOST_TEST(verdicts.at(0).admitted);
    BOOST_TEST(verdicts.at(0).remaining == 0); // 5 − (a, b, a lease of two) − this call
    BOOST_TEST(server.command({"GET", windows[0].key + ":n"}).text == "5");
    BOOST_TEST(server.command({"PTTL", windows[0].key + ":n"}).integer > 0);
    BOOST_TEST(!h.run(limits.admit(windows)).at(0).admitted);
}

BOOST_AUTO_TEST_CASE(memory_quota_windows_start_over_at_utc_midnight_and_month_start) {
    store_harness h;
    std::int64_t now = 1798761599 - 10; // 2026-12-31T23:59:49Z
    adapters::memory_quota_store quotas([&now] { return now; });
    domain::quota_limits const limits{0, 100, 150};
    auto a = h.run(quotas.reserve("tenant:acme", {1, 100}, limits));
    BOOST_TEST(a.admitted);
    h.run(quotas.settle(a.reservation, domain::quota_counts{1, 100}, limits));
    BOOST_TEST(!h.run(quotas.reserve("tenant:acme", {1, 1}, limits)).admitted);
    now += 11; // 2027-01-01T00:00:00Z: a new day and a new month
    auto b = h.run(quotas.reserve("tenant:acme", {1, 100}, limits));
    BOOST_TEST(b.admitted);
    BOOST_TEST(b.reservation.day == "2027-01-01");
    BOOST_TEST(b.reservation.month == "2027-01");
    // A settlement of yesterday's reservation arriving late leaves today's counters alone.
    h.run(quotas.settle(a.reservation, std::nullopt, limits));
    auto snap = h.run(quotas.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.reserved.tokens == 100);
    BOOST_TEST(snap.month_state.used.tokens == 0);
}

BOOST_AUTO_TEST_CASE(memory_stores_keyed_by_client_chosen_names_stay_bounded) {
    store_harness h;
    adapters::memory_quota_store quotas(adapters::memory_quota_store::system_seconds, 100);
    domain::quota_limits const limits{0, 1'000'000, 0};
    for (int i = 0; i < 5000; ++i) {
        h.run(quotas.reserve("tenant:invented-" + std::to_string(i), {0, 1}, limits));
        h.run(quotas.reserve("tenant:acme", {0, 1}, limits)); // used all along: never the one forgotten
    }
    BOOST_TEST(quotas.size() <= 100u);
    BOOST_TEST(h.run(quotas.snapshot("tenant:acme")).day_state.reserved.tokens == 5000);

    adapters::memory_budget_store budgets(100);
    domain::budget_limits const budget{3, 0, 0, std::chrono::seconds(900), {1, 1, 1, 1}};
    auto const now = domain::time_point{} + std::chrono::hours(1);
    for (int i = 0; i < 5000; ++i)
        BOOST_TEST(h.run(budgets.reserve("b-" + std::to_string(i), 10, domain::priority::p1, budget, now)).admitted);
    BOOST_TEST(budgets.size() <= 100u);
}

BOOST_AUTO_TEST_CASE(housekeeping_forgets_subjects_whose_month_has_ended) {
    store_harness h;
    std::int64_t now = 1795219200; // 2026-11-21T00:00:00Z
    adapters::memory_quota_store quotas([&now] { return now; });
    domain::quota_limits const limits{0, 1000, 10000};
    for (auto const* tenant : {"tenant:a", "tenant:b", "tenant:c"}) {
        auto r = h.run(quotas.reserve(tenant, {0, 10}, limits));
        h.run(quotas.settle(r.reservation, domain::quota_counts{0, 10}, limits));
    }
    BOOST_TEST(quotas.prune() == 0u); // November is still running: its month counts stay
    now += 9 * 86400;                 // 2026-11-30: same month, a new day
    BOOST_TEST(quotas.prune() == 0u);
    BOOST_TEST(h.run(quotas.snapshot("tenant:a")).month_state.used.tokens == 10);
    now += 86400; // 2026-12-01
    BOOST_TEST(quotas.prune() == 3u);
    BOOST_TEST(quotas.prune() == 0u);
    BOOST_TEST(h.run(quotas.snapshot("tenant:a")).month_state.used.tokens == 0);
}

BOOST_AUTO_TEST_CASE(redis_keys_carry_hash_tags_and_expire_with_their_utc_window) {
    redis_server server;
    store_harness h;
    auto& redis = h.redis(server.port());
    adapters::redis_quota_store quotas(redis, std::chrono::seconds(3600));
    adapters::redis_rate_limit_store limits(redis);
    auto v = h.run(quotas.reserve("provider:openai", {1, 10}, {100, 1000, 0}));
    BOOST_TEST_REQUIRE(v.admitted);
    auto const day_key = "quota:{openai}:" + v.reservation.day;
    auto const month_key = "quota:{openai}:" + v.reservation.month;
    auto const now = std::stoll(server.command({"TIME"}).elements.at(0));
    BOOST_TEST(v.reservation.day == domain::day_id(now));
    BOOST_TEST(server.command({"EXPIRETIME", day_key}).integer == domain::next_day_start(now) + 3600);
    BOOST_TEST(server.command({"EXPIRETIME", month_key}).integer == domain::next_month_start(now) + 3600);
    h.run(quotas.reserve("tenant:acme", {1, 10}, {0, 1000, 5000}));
    BOOST_TEST(server.command({"EXISTS", "quota:{tenant:acme}:" + v.reservation.day}).integer == 1);

    // A settlement for a window that has ended (its key gone) never recreates it without a TTL.
    adapters::quota_reservation stale{"provider:openai", "2001-01-01", "2001-01", {1, 10}};
    h.run(quotas.settle(stale, domain::quota_counts{1, 5}, {100, 1000, 0}));
    BOOST_TEST(server.command({"EXISTS", "quota:{openai}:2001-01-01"}).integer == 0);

    std::vector<adapters::limit_window> w{{"rl:{ip:127.0.0.1}:*:60000", 3, 60s}};
    h.run(limits.admit(w));
    auto const ttl = server.command({"PTTL", "rl:{ip:127.0.0.1}:*:60000"}).integer;
    BOOST_TEST((ttl > 59'000 && ttl <= 60'000));
    for (auto const& key : server.keys()) BOOST_TEST(server.command({"TTL", key}).integer > 0, key);
}

// A reservation's lease is one member that carries what to give back. Leases taken by an earlier
// version (the id alone, its details in a `:leases:d` hash) are still given back when they expire
// and when they are settled, so instances of both layouts can share one Redis during an upgrade.
BOOST_AUTO_TEST_CASE(a_lease_taken_in_the_earlier_layout_is_given_back_by_expiry_and_by_settlement) {
    redis_server server;
    store_harness h;
    auto& redis = h.redis(server.port());
    adapters::redis_quota_store quotas(redis);
    domain::quota_limits const limits{0, 100000, 0};
    auto const mine = h.run(quotas.reserve("tenant:acme", {1, 100}, limits));
    BOOST_TEST_REQUIRE(mine.admitted);
    auto const& day = mine.reservation.day;
    auto const& month = mine.reservation.month;
    auto const base = std::string("quota:{tenant:acme}");
    BOOST_TEST(server.command({"ZCARD", base + ":leases"}).integer == 1);
    BOOST_TEST(server.command({"ZRANGE", base + ":leases", "0", "0"}).elements.at(0) ==
               mine.reservation.lease_id + "|" + day + "|" + month + "|1|100|0");
    BOOST_TEST(server.command({"EXISTS", base + ":leases:d"}).integer == 0);

    // Two reservations of the earlier layout: one whose lease has ended, one still held.
    auto old_lease = [&](std::string const& id, std::string const& expiry, std::string const& tokens) {
        for (auto const& window : {day, month}) {
            server.command({"HINCRBY", base + ":" + window, "rr", "1"});
            server.command({"HINCRBY", base + ":" + window, "rt", tokens});
        }
        server.command({"ZADD", base + ":leases", expiry, id});
        server.command({"HSET", base + ":leases:d", id, day + "|" + month + "|1|" + tokens + "|0"});
    };
    old_lease("old:expired", "0", "500");
    old_lease("old:held", "99999999999999", "300");
    auto snap = h.run(quotas.snapshot("tenant:acme")); // any script on the subject reaps
    BOOST_TEST(snap.day_state.reserved.tokens == 400);   // 100 of mine + 300 still held
    BOOST_TEST(snap.month_state.reserved.tokens == 400);
    BOOST_TEST(server.command({"HEXISTS", base + ":leases:d", "old:expired"}).integer == 0);

    adapters::quota_reservation held{"tenant:acme", day, month, {1, 300}, "old:held"};
    h.run(quotas.settle(held, std::nullopt, limits));
    h.run(quotas.settle(mine.reservation, domain::quota_counts{1, 80}, limits));
    snap = h.run(quotas.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.reserved.tokens == 0);
    BOOST_TEST(snap.day_state.reserved.requests == 0);
    BOOST_TEST(snap.day_state.used.tokens == 80);
    BOOST_TEST(snap.month_state.reserved.tokens == 0);
    BOOST_TEST(server.command({"EXISTS", base + ":leases"}).integer == 0);
    BOOST_TEST(server.command({"EXISTS", base + ":leases:d"}).integer == 0);
    for (auto const& key : server.keys()) BOOST_TEST(server.command({"TTL", key}).integer > 0, key);
}

// The windows are named from the gateway's clock and checked against the server's TIME: a gateway
// a day ahead is told the server's day (one more round trip), then names it right.
BOOST_AUTO_TEST_CASE(quota_windows_follow_the_server_clock_when_the_gateway_clock_is_a_day_off) {
    redis_server server;
    store_harness h;
    auto& redis = h.redis(server.port());
    adapters::redis_quota_store quotas(redis, 2min, 1h, +[] { return adapters::unix_now() + 86400; });
    auto evalsha_calls = [&] {
        auto const stats = server.command({"INFO", "commandstats"}).text;
        auto const at = stats.find("cmdstat_evalsha:calls=");
        return at == std::string::npos ? 0L : std::stol(stats.substr(at + 22));
    };
    auto const a = h.run(quotas.reserve("tenant:skew", {1, 10}, {0, 1000, 0}));
    BOOST_TEST_REQUIRE(a.admitted);
    auto const now = std::stoll(server.command({"TIME"}).elements.at(0));
    BOOST_TEST(a.reservation.day == domain::day_id(now));
    BOOST_TEST(evalsha_calls() == 2); // named tomorrow, told today, named today
    BOOST_TEST(h.run(quotas.reserve("tenant:skew", {1, 10}, {0, 1000, 0})).admitted);
    BOOST_TEST(h.run(quotas.snapshot("tenant:skew")).day_state.reserved.tokens == 20);
    BOOST_TEST(evalsha_calls() == 4); // the offset learned: one call each
    BOOST_TEST(server.command({"EXISTS", "quota:{tenant:skew}:" + domain::day_id(now + 86400)}).integer == 0);
}

BOOST_AUTO_TEST_CASE(scripts_are_reloaded_after_the_server_forgets_them) {
    redis_server server;
    store_harness h;
    auto& redis = h.redis(server.port());
    adapters::redis_rate_limit_store limits(redis);
    std::vector<adapters::limit_window> w{{"rl:{global}:*:60000", 10, 60s}};
    BOOST_TEST(h.run(limits.admit(w)).at(0).remaining == 9);
    BOOST_TEST(server.command({"SCRIPT", "FLUSH"}).ok);
    BOOST_TEST(h.run(limits.admit(w)).at(0).remaining == 8); // NOSCRIPT → EVAL, same answer
    BOOST_TEST(h.run(limits.admit(w)).at(0).remaining == 7);
}

// Whether an admission succeeds within `limit`, retrying while the store is unavailable.
bool admits_within(store_harness& h, adapters::rate_limit_store& s, std::vector<adapters::limit_window> const& w,
                   std::chrono::milliseconds limit) {
    auto const give_up = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < give_up) {
        try {
            if (h.run(s.admit(w)).at(0).admitted) return true;
        } catch (adapters::store_unavailable const&) {
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

BOOST_AUTO_TEST_CASE(a_frozen_redis_fails_calls_within_the_timeout_and_the_connection_recovers) {
    redis_server server;
    store_harness h;
    auto& redis = h.redis(server.port(), 50ms);
    adapters::redis_rate_limit_store limits(redis);
    std::vector<adapters::limit_window> w{{"rl:{global}:*:60000", 1000, 60s}};
    h.run(limits.admit(w));
    server.freeze();
    for (int i = 0; i < 20; ++i) {
        auto const start = std::chrono::steady_clock::now();
        bool failed = false;
        try {
            h.run(limits.admit(w));
        } catch (adapters::store_unavailable const&) {
            failed = true;
        }
        auto const took = std::chrono::steady_clock::now() - start;
        BOOST_TEST(failed);
        // The timeout and a scheduling margin; a call that waited for the stall timeout (500 ms)
        // or for the reply would be far past either bound.
        BOOST_TEST((took < 50ms + (testing::sanitized_build ? 250ms : 40ms)));
    }
    BOOST_TEST(h.stats.timeouts.load() >= 1);
    server.thaw();
    BOOST_TEST(admits_within(h, limits, w, 5s)); // back without anyone restarting anything
    server.kill();
    server.restart();
    BOOST_TEST(admits_within(h, limits, w, 5s));
    BOOST_TEST(h.stats.outages.load() >= 1);
}

BOOST_AUTO_TEST_SUITE_END()

// The same stores over a real three-shard Redis Cluster (redis_cluster.hpp): the contract holds,
// keys spread over every shard, and a slot that moves or is migrating is followed.
namespace {
// A three-shard cluster and a link to it, ready.
struct on_a_cluster {
    redis_cluster_servers cluster;
    store_harness h;
    adapters::redis_cluster& redis = h.cluster(cluster.node(0).port());

    // One window per shard: window i lives on shard i.
    std::vector<adapters::limit_window> one_window_per_shard(std::string const& prefix, std::int64_t limit) {
        std::vector<adapters::limit_window> out(cluster.size());
        for (int i = 0; i < 1000; ++i) {
            auto key = "rl:{" + prefix + std::to_string(i) + "}:*:60000";
            auto& w = out[cluster.node_of_slot(adapters::key_slot(key))];
            if (w.key.empty()) w = {std::move(key), limit, 60s};
        }
        for (auto const& w : out) BOOST_TEST_REQUIRE(!w.key.empty());
        return out;
    }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(redis_cluster_store, on_a_cluster)

BOOST_AUTO_TEST_CASE(the_stores_keep_their_contract_on_a_three_shard_cluster) {
    BOOST_TEST_REQUIRE(redis.primaries().size() == 3u);
    adapters::redis_rate_limit_store limits(redis);
    adapters::redis_quota_store quotas(redis);
    adapters::redis_key_meter_store meters(redis);
    every_contract(h, limits, quotas, meters);
    BOOST_TEST(h.stats.redirections.load() == 0); // every command went where its slot lives
    for (std::size_t i = 0; i < cluster.size(); ++i)
        for (auto const& key : cluster.node(i).keys()) BOOST_TEST(cluster.node(i).command({"TTL", key}).integer > 0, key);
}

BOOST_AUTO_TEST_CASE(the_keys_of_many_tenants_spread_over_every_shard_and_one_call_reaches_several_at_once) {
    adapters::redis_quota_store quotas(redis);
    adapters::redis_rate_limit_store limits(redis);
    for (int i = 0; i < 60; ++i) BOOST_TEST(h.run(quotas.reserve("tenant:t" + std::to_string(i), {1, 10}, {0, 1000, 0})).admitted);
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        auto const keys = cluster.node(i).command({"DBSIZE"}).integer;
        BOOST_TEST_MESSAGE("shard " << i << ": " << keys << " keys");
        BOOST_TEST(keys >= 15); // 60 tenants × 3 keys over 3 shards: 60 each on average
    }
    // One admission whose windows live on three shards: each shard gets its window at once.
    auto windows = one_window_per_shard("tenant:w", 2);
    for (auto const& v : h.run(limits.admit(windows))) BOOST_TEST(v.remaining == 1);
    windows[2].limit = 1; // refused by one shard: taken back on the others
    auto refused = h.run(limits.admit(windows));
    BOOST_TEST(!refused.at(2).admitted);
    windows[2].limit = 2;
    for (auto const& v : h.run(limits.admit(windows))) BOOST_TEST(v.remaining == 0);
}

BOOST_AUTO_TEST_CASE(a_slot_moved_to_another_shard_is_followed_and_the_map_read_again) {
    adapters::redis_quota_store quotas(redis);
    domain::quota_limits const limits{0, 1000, 0};
    BOOST_TEST_REQUIRE(h.run(quotas.reserve("tenant:moving", {1, 100}, limits)).admitted);
    auto const slot = adapters::key_slot("quota:{tenant:moving}");
    auto const from = cluster.node_of_slot(slot);
    auto const maps = h.stats.slot_maps.load();
    cluster.move_slot(slot, (from + 1) % cluster.size());
    auto second = h.run(quotas.reserve("tenant:moving", {1, 100}, limits)); // MOVED, then the new node
    BOOST_TEST(second.admitted);
    BOOST_TEST(h.stats.redirections.load() == 1);
    auto snap = h.run(quotas.snapshot("tenant:moving")); // the map has the move: no redirection
    BOOST_TEST(snap.day_state.reserved.tokens == 200);  // both reservations, in the moved keys
    BOOST_TEST(h.stats.redirections.load() == 1);
    auto const give_up = std::chrono::steady_clock::now() + 2s;
    while (h.stats.slot_maps.load() == maps && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(5ms);
    BOOST_TEST(h.stats.slot_maps.load() > maps); // read again at once, not at the next period
    h.run(quotas.settle(second.reservation, std::nullopt, limits));
    BOOST_TEST(h.run(quotas.snapshot("tenant:moving")).day_state.reserved.tokens == 100);
}

// A window (its log and its counter) whose slot is migrating is served where its keys are: on
// the source while they are there; a new window, on neither shard, is refused (-TRYAGAIN after
// the ASK: the fail mode decides) until the migration ends, and never counted from zero on the
// importing shard.
BOOST_AUTO_TEST_CASE(a_window_whose_slot_is_migrating_is_served_where_its_keys_are) {
    adapters::redis_rate_limit_store limits(redis);
    std::vector<adapters::limit_window> const old{{"rl:{migrating}:*:60000", 5, 60s}};
    std::vector<adapters::limit_window> const fresh{{"rl:{migrating}:own:60000", 5, 60s}};
    BOOST_TEST(h.run(limits.admit(old)).at(0).remaining == 4);
    auto const slot = adapters::key_slot(old[0].key);
    auto const from = cluster.node_of_slot(slot);
    auto const to = (from + 1) % cluster.size();
    cluster.start_moving(slot, to);
    BOOST_TEST(h.run(limits.admit(old)).at(0).remaining == 3); // on the source, where its keys are
    BOOST_CHECK_THROW(h.run(limits.admit(fresh)), adapters::store_unavailable);
    BOOST_TEST(h.stats.redirections.load() >= 1); // (asked on the importing shard)
    auto const here = [&](std::size_t node) {
        return cluster.node(node).command({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}).integer;
    };
    BOOST_TEST(here(to) == 0); // nothing written where the slot is going
    cluster.move_slot(slot, to); // the migration ends: the window moves with its counter
    BOOST_TEST(h.run(limits.admit(old)).at(0).remaining == 2);
    BOOST_TEST(h.run(limits.admit(fresh)).at(0).remaining == 4);
    BOOST_TEST(here(to) == 4);
}

// One shard down fails only the calls of its own slots, at once (the fail modes apply to them),
// and serves again when it comes back; the other shards never notice.
BOOST_AUTO_TEST_CASE(a_shard_that_dies_fails_only_its_own_slots_at_once_and_serves_again_when_back) {
    adapters::redis_rate_limit_store limits(redis);
    auto const windows = one_window_per_shard("tenant:d", 1000);
    std::vector<std::vector<adapters::limit_window>> on;
    for (auto const& w : windows) on.push_back({w});
    for (auto const& w : on) BOOST_TEST_REQUIRE(h.run(limits.admit(w)).at(0).admitted);
    cluster.node(1).kill();
    auto const start = std::chrono::steady_clock::now();
    BOOST_CHECK_THROW(h.run(limits.admit(on[1])), adapters::store_unavailable);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 300ms)); // at once or within the call timeout
    BOOST_TEST(h.run(limits.admit(on[0])).at(0).admitted);
    BOOST_TEST(h.run(limits.admit(on[2])).at(0).admitted);
    cluster.node(1).restart(); // the same port and nodes.conf: it takes its slots back
    BOOST_TEST(store_contract::admits_within(h, limits, on[1], 5s));
    BOOST_TEST(h.run(limits.admit(on[0])).at(0).admitted);
}

// A quota script names every key it counts in (its windows and leases): while the subject's slot
// migrates, the call runs where the keys are, or is refused for the fail mode to decide, and
// never counts on the importing shard from zero.
BOOST_AUTO_TEST_CASE(a_quota_whose_slot_is_migrating_is_never_counted_from_zero) {
    adapters::redis_quota_store quotas(redis);
    domain::quota_limits const limits{0, 1000, 0};
    auto const a = h.run(quotas.reserve("tenant:mig", {1, 100}, limits));
    BOOST_TEST_REQUIRE(a.admitted);
    auto const slot = adapters::key_slot("quota:{tenant:mig}");
    auto const from = cluster.node_of_slot(slot);
    auto const to = (from + 1) % cluster.size();
    cluster.start_moving(slot, to);
    // Every key still on the source: served there.
    auto const b = h.run(quotas.reserve("tenant:mig", {1, 100}, limits));
    BOOST_TEST(b.admitted);
    BOOST_TEST(h.run(quotas.snapshot("tenant:mig")).day_state.reserved.tokens == 200);
    // Both settled: the lease set is gone and only the windows are on the source. A reservation
    // now finds some of its keys missing there: refused (-TRYAGAIN), nothing counted anywhere.
    h.run(quotas.settle(a.reservation, domain::quota_counts{1, 50}, limits));
    h.run(quotas.settle(b.reservation, domain::quota_counts{1, 50}, limits));
    BOOST_CHECK_THROW(h.run(quotas.reserve("tenant:mig", {1, 100}, limits)), adapters::store_unavailable);
    BOOST_TEST(cluster.node(to).command({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}).integer == 0);
    cluster.move_slot(slot, to); // the migration ends: the windows are on the new shard
    auto const c = h.run(quotas.reserve("tenant:mig", {1, 100}, limits));
    BOOST_TEST(c.admitted);
    auto const snap = h.run(quotas.snapshot("tenant:mig"));
    BOOST_TEST(snap.day_state.used.tokens == 100); // what was used before the move still counts
    BOOST_TEST(snap.day_state.reserved.tokens == 100);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(redis_connection_setup)


BOOST_AUTO_TEST_CASE(rediss_verifies_the_server_and_serves_the_same_scripts) {
    test_certificate cert;
    auto const tls_port = free_port();
    redis_server server({}, tls_port, cert.cert.string(), cert.key.string());
    auto url = adapters::parse_redis_url("rediss://localhost:" + std::to_string(tls_port) + "/0");
    BOOST_TEST_REQUIRE(url.has_value());
    BOOST_TEST(url->tls);
    adapters::redis_options options;
    options.endpoint = *url;
    options.call_timeout = 500ms;
    {
        store_harness h;
        auto& redis = h.redis(options, cert.cert.string());
        BOOST_TEST_REQUIRE(h.stats.connections_up.load() == 1);
        adapters::redis_rate_limit_store limits(redis);
        std::vector<adapters::limit_window> w{{"rl:{global}:*:60000", 2, 60s}};
        BOOST_TEST(h.run(limits.admit(w)).at(0).remaining == 1);
        BOOST_TEST(server.command({"ZCARD", "rl:{global}:*:60000"}).integer == 1);
    }
    {
        store_harness untrusted; // no CA: the self-signed server must be refused
        untrusted.redis(options);
        BOOST_TEST(!untrusted.wait_ready(1s));
    }
}

BOOST_AUTO_TEST_CASE(acl_credentials_from_the_url_authenticate_and_a_wrong_password_never_connects) {
    redis_server server({"--user", "gateway", "on", ">s3cret-pass", "~*", "&*", "+@all"});
    auto good = adapters::parse_redis_url("redis://gateway:s3cret-pass@127.0.0.1:" + std::to_string(server.port()) + "/2");
    BOOST_TEST_REQUIRE(good.has_value());
    BOOST_TEST(good->user == "gateway");
    BOOST_TEST(good->db == 2);
    BOOST_TEST(good->describe().find("s3cret") == std::string::npos);
    {
        store_harness h;
        adapters::redis_options options;
        options.endpoint = *good;
        auto& redis = h.redis(options);
        BOOST_TEST_REQUIRE(h.stats.connections_up.load() == 1);
        adapters::redis_quota_store quotas(redis);
        BOOST_TEST(h.run(quotas.reserve("tenant:acme", {1, 5}, {0, 100, 0})).admitted);
        // The keys went to database 2 of the URL: the day and month windows, and the set of the
        // reservations' leases.
        BOOST_TEST(server.command({"EVAL", "redis.call('SELECT', 2) return redis.call('DBSIZE')", "0"}).integer == 3);
        BOOST_TEST(server.command({"DBSIZE"}).integer == 0);
    }
    auto bad = *good;
    bad.password = "wrong";
    store_harness h;
    adapters::redis_options options;
    options.endpoint = bad;
    h.redis(options);
    BOOST_TEST(!h.wait_ready(1s));
}

BOOST_AUTO_TEST_CASE(redis_urls_are_parsed_or_refused_with_a_reason) {
    auto plain = adapters::parse_redis_url("redis://cache.internal");
    BOOST_TEST_REQUIRE(plain.has_value());
    BOOST_TEST(plain->port == 6379);
    BOOST_TEST(plain->db == 0);
    auto password_only = adapters::parse_redis_url("redis://:p%40ss@h:6380/1");
    BOOST_TEST_REQUIRE(password_only.has_value());
    BOOST_TEST(password_only->password == "p@ss");
    BOOST_TEST(password_only->user.empty());
    BOOST_TEST(!adapters::parse_redis_url("http://h:1").has_value());
    BOOST_TEST(!adapters::parse_redis_url("redis://h:1/99").has_value());
    BOOST_TEST(!adapters::parse_redis_url("redis:///0").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
