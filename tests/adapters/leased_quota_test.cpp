// Quota leases over a shared store: most calls are admitted without a round trip, the fleet never
// admits past a limit, a lease is settled after its hold once its calls end, and the last of a
// quota is shared call by call. (The shared store here is the in-memory one, counted; the Redis
// store's part, a lease's quiet refusal, is in the store contract.)
#include "adapters/limits/leased_quota_store.hpp"
#include "adapters/store/memory_quota_store.hpp"
#include "domain/calendar.hpp"
#include "store_harness.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <future>

using namespace switchboard;
using namespace std::chrono_literals;
using testing::store_harness;

namespace {

// The shared store, counting what reaches it.
class counted_store final : public adapters::quota_store {
  public:
    explicit counted_store(adapters::memory_quota_store::clock_fn wall) : inner_(std::move(wall)) {}
    net::awaitable<adapters::quota_verdict> reserve(std::string const& subject, domain::quota_counts charge,
                                                    domain::quota_limits const& limits,
                                                    bool report_refusal = true) override {
        ++reserves;
        if (round_trip) co_await net::post(co_await net::this_coro::executor, net::use_awaitable);
        auto v = co_await inner_.reserve(subject, charge, limits, report_refusal);
        for (auto const& a : v.alerts) alerts.push_back(a);
        co_return v;
    }
    net::awaitable<std::vector<domain::quota_alert>> settle(adapters::quota_reservation const& r,
                                                            std::optional<domain::quota_counts> actual,
                                                            domain::quota_limits const& limits) override {
        ++settles;
        co_return co_await inner_.settle(r, actual, limits);
    }
    net::awaitable<adapters::quota_snapshot> snapshot(std::string const& subject) override {
        co_return co_await inner_.snapshot(subject);
    }
    bool remote() const override { return true; }

    int reserves = 0, settles = 0;
    bool round_trip = false; // a reservation suspends, as a remote store's does
    std::vector<domain::quota_alert> alerts;

  private:
    adapters::memory_quota_store inner_;
};

struct clocks {
    std::atomic<std::int64_t> wall{1'796'000'000}; // 2026-11-29, mid-day
    std::atomic<std::int64_t> steady_ms{1'000'000};
    adapters::memory_quota_store::clock_fn wall_fn() {
        return [this] { return wall.load(); };
    }
    adapters::leased_quota_store::steady_clock_fn steady_fn() {
        return [this] { return domain::time_point(std::chrono::milliseconds(steady_ms.load())); };
    }
};

domain::lease_terms terms(int calls, double max_share = 0.02) {
    domain::lease_terms t;
    t.calls = calls;
    t.max_share = max_share;
    t.hold = 1000ms;
    t.exact_above = 0.8;
    return t;
}

struct leased_fixture {
    store_harness h;
    clocks time;
    counted_store shared{time.wall_fn()};
    adapters::leased_quota_store make(domain::lease_terms t, std::size_t max_subjects = 100'000) {
        return adapters::leased_quota_store(h.executor(), shared, t, time.steady_fn(), time.wall_fn(), max_subjects);
    }
};

domain::quota_limits const roomy{0, 10'000'000, 0};

} // namespace

BOOST_AUTO_TEST_SUITE(quota_leases_over_a_store)

BOOST_FIXTURE_TEST_CASE(most_calls_are_admitted_without_a_round_trip_and_all_usage_is_settled, leased_fixture) {
    auto leased = make(terms(32));
    for (int i = 0; i < 100; ++i) {
        auto v = h.run(leased.reserve("tenant:acme", {1, 1000, 0}, roomy));
        BOOST_TEST_REQUIRE(v.admitted);
        h.run(leased.settle(v.reservation, domain::quota_counts{1, 900, 0}, roomy));
    }
    BOOST_TEST(shared.reserves == 4); // leases of 32 calls: 32 + 32 + 32 + 4
    BOOST_TEST(leased.counts().leases == 4u);
    BOOST_TEST(leased.counts().from_lease == 100u);
    // Three leases were full, closed and settled; the fourth is still open, its room reserved.
    h.run_here([] {});
    auto snap = h.run(shared.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.used.tokens == 96 * 900);
    BOOST_TEST(snap.day_state.reserved.tokens == 32'000);
    // Its hold over, the flush settles it: every call's usage is in the store, nothing reserved.
    time.steady_ms += 1000;
    h.run(leased.flush());
    snap = h.run(shared.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.used.tokens == 100 * 900);
    BOOST_TEST(snap.day_state.used.requests == 100);
    BOOST_TEST(snap.day_state.reserved.tokens == 0);
    BOOST_TEST(snap.month_state.used.tokens == 100 * 900);
    BOOST_TEST(leased.leases_held() == 0u);
}

BOOST_FIXTURE_TEST_CASE(calls_arriving_while_a_lease_is_reserved_wait_for_it_rather_than_reserve_alone, leased_fixture) {
    shared.round_trip = true;
    auto leased = make(terms(32));
    std::string const subject = "tenant:acme"; // (outlives the calls: they hold it by reference)
    std::vector<std::future<adapters::quota_verdict>> calls;
    for (int i = 0; i < 40; ++i)
        calls.push_back(net::co_spawn(h.executor(), leased.reserve(subject, {1, 1000, 0}, roomy), net::use_future));
    int admitted = 0;
    for (auto& c : calls) admitted += c.get().admitted;
    BOOST_TEST(admitted == 40);
    BOOST_TEST(shared.reserves == 2); // a lease of 32, then one more for the other 8
    BOOST_TEST(leased.counts().alone == 0u);
    BOOST_TEST(leased.counts().from_lease == 40u);
}

BOOST_FIXTURE_TEST_CASE(a_fleet_of_leasing_cores_admits_exactly_up_to_the_limit_never_past_it, leased_fixture) {
    // Three cores (or instances) over one store; 10 % shares so leases hold 10 calls of 1,000.
    auto a = make(terms(32, 0.1));
    auto b = make(terms(32, 0.1));
    auto c = make(terms(32, 0.1));
    adapters::leased_quota_store* cores[] = {&a, &b, &c};
    domain::quota_limits const limits{0, 100'000, 0};
    int admitted = 0, refused = 0;
    for (int round = 0; round < 60; ++round)
        for (auto* core : cores) {
            auto v = h.run(core->reserve("tenant:acme", {0, 1000, 0}, limits));
            if (!v.admitted) {
                ++refused;
                continue;
            }
            ++admitted;
            auto snap = h.run(shared.snapshot("tenant:acme"));
            BOOST_TEST_REQUIRE(snap.day_state.used.tokens + snap.day_state.reserved.tokens <= 100'000);
        }
    // Every call is still in flight, and each core kept calling: no leased room was left unused.
    // The last lease was opened at 70 %; past 80 % the other cores' calls went one by one.
    BOOST_TEST(admitted == 100);
    BOOST_TEST(refused == 80);
    BOOST_TEST(a.counts().alone + b.counts().alone + c.counts().alone > 0u);
}

BOOST_FIXTURE_TEST_CASE(a_refused_lease_reports_no_threshold_and_the_call_is_reserved_alone, leased_fixture) {
    domain::quota_limits const limits{0, 100'000, 0};
    // Another holder has 95 % of the quota.
    auto other = h.run(shared.reserve("tenant:acme", {0, 95'000, 0}, limits));
    BOOST_TEST_REQUIRE(other.admitted);
    shared.alerts.clear();
    auto leased = make(terms(32, 0.1)); // a lease of 10 calls does not fit; one call does
    auto v = h.run(leased.reserve("tenant:acme", {0, 1000, 0}, limits));
    BOOST_TEST(v.admitted);
    BOOST_TEST(v.reservation.from_lease == 0u);
    BOOST_TEST(shared.reserves == 3); // the other's, the lease's, the call's
    for (auto const& a : shared.alerts) BOOST_TEST(a.percent != 100);
    // From now on its calls go alone: no lease is tried again at this use.
    h.run(leased.reserve("tenant:acme", {0, 1000, 0}, limits));
    BOOST_TEST(shared.reserves == 4);
    BOOST_TEST(leased.counts().leases == 0u);
    // The quota used up for a call reports 100 % once, as without leases.
    for (int i = 0; i < 3; ++i) h.run(leased.reserve("tenant:acme", {0, 1000, 0}, limits));
    auto last = h.run(leased.reserve("tenant:acme", {0, 1000, 0}, limits));
    BOOST_TEST(!last.admitted);
    bool full = false;
    for (auto const& a : shared.alerts) full = full || a.percent == 100;
    BOOST_TEST(full);
}

// A subject near its limit is remembered for a minute after its latest call, so its calls go one by
// one without trying a lease first; then it is forgotten like any other (memory stays bounded).
BOOST_FIXTURE_TEST_CASE(a_subject_near_its_limit_is_remembered_a_minute_then_forgotten, leased_fixture) {
    domain::quota_limits const limits{0, 100'000, 0};
    BOOST_TEST_REQUIRE(h.run(shared.reserve("tenant:acme", {0, 90'000, 0}, limits)).admitted);
    auto leased = make(terms(32, 0.1));
    h.run(leased.reserve("tenant:acme", {0, 100, 0}, limits)); // a lease of 3,200 fits: 93.2 %
    time.steady_ms += 1000;
    h.run(leased.flush()); // the lease ends; the subject is at 90 %: remembered
    auto const before = shared.reserves;
    h.run(leased.reserve("tenant:acme", {0, 100, 0}, limits));
    BOOST_TEST(shared.reserves == before + 1); // alone, no lease tried
    time.steady_ms += 61'000;
    h.run(leased.flush()); // a minute without a call: forgotten
    h.run(leased.reserve("tenant:acme", {0, 100, 0}, limits));
    BOOST_TEST(shared.reserves == before + 2); // a lease is tried again (and fits: 93.4 %)
    BOOST_TEST(leased.counts().leases == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_lease_past_its_hold_is_settled_when_its_last_call_ends, leased_fixture) {
    auto leased = make(terms(32));
    std::vector<adapters::quota_reservation> calls;
    for (int i = 0; i < 3; ++i) calls.push_back(h.run(leased.reserve("key:k1", {1, 1000, 0}, roomy)).reservation);
    h.run(leased.settle(calls[0], domain::quota_counts{1, 700, 0}, roomy));
    h.run(leased.settle(calls[1], std::nullopt, roomy)); // failed: nothing used
    time.steady_ms += 1000;
    h.run(leased.flush()); // closed; the call still in flight keeps it, shrunk to that call's charge
    BOOST_TEST(shared.settles == 1);
    auto snap = h.run(shared.snapshot("key:k1"));
    BOOST_TEST(snap.day_state.reserved.tokens == 1000);
    BOOST_TEST(snap.day_state.used.tokens == 700);
    // A call now opens a new lease; the old one is settled when its call ends.
    auto next = h.run(leased.reserve("key:k1", {1, 1000, 0}, roomy));
    BOOST_TEST(next.reservation.from_lease != calls[2].from_lease);
    h.run(leased.settle(calls[2], domain::quota_counts{1, 1200, 0}, roomy)); // more than estimated: kept
    BOOST_TEST(shared.settles == 2);
    snap = h.run(shared.snapshot("key:k1"));
    BOOST_TEST(snap.day_state.used.tokens == 1900);
    BOOST_TEST(snap.day_state.used.requests == 2);
    BOOST_TEST(snap.day_state.reserved.tokens == 32'000); // the new lease
}

// A long call (a stream) must not keep a whole lease's room reserved until it ends: once the lease
// is closed, the flush shrinks it to what its calls in flight hold.
BOOST_FIXTURE_TEST_CASE(a_closed_lease_waiting_on_a_long_call_keeps_only_that_calls_reservation, leased_fixture) {
    auto leased = make(terms(32));
    std::vector<adapters::quota_reservation> calls;
    for (int i = 0; i < 3; ++i) calls.push_back(h.run(leased.reserve("tenant:acme", {0, 1000, 0}, roomy)).reservation);
    h.run(leased.settle(calls[0], domain::quota_counts{0, 800, 0}, roomy));
    h.run(leased.settle(calls[1], domain::quota_counts{0, 900, 0}, roomy));
    time.steady_ms += 1000;
    h.run(leased.flush()); // closed; one call in flight: shrunk to its 1,000 tokens
    auto snap = h.run(shared.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.reserved.tokens == 1000);
    BOOST_TEST(snap.day_state.used.tokens == 1700); // the ended calls' usage is in
    BOOST_TEST(leased.leases_held() == 1u);
    time.steady_ms += 1000;
    h.run(leased.flush()); // shrunk once: nothing more to do
    BOOST_TEST(shared.reserves == 2);
    h.run(leased.settle(calls[2], domain::quota_counts{0, 1500, 0}, roomy)); // the stream ends
    snap = h.run(shared.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.reserved.tokens == 0);
    BOOST_TEST(snap.day_state.used.tokens == 3200);
    BOOST_TEST(leased.leases_held() == 0u);
}

// A call that ends while its lease is being shrunk is counted once, in the smaller reservation.
BOOST_FIXTURE_TEST_CASE(a_call_ending_while_its_lease_shrinks_is_counted_once, leased_fixture) {
    auto leased = make(terms(32));
    std::vector<adapters::quota_reservation> calls;
    for (int i = 0; i < 2; ++i) calls.push_back(h.run(leased.reserve("tenant:acme", {0, 1000, 0}, roomy)).reservation);
    time.steady_ms += 1000;
    shared.round_trip = true; // the shrink's reservation suspends: a call ends meanwhile
    auto flushed = net::co_spawn(h.executor(), leased.flush(), net::use_future);
    auto ended = net::co_spawn(h.executor(), leased.settle(calls[0], domain::quota_counts{0, 600, 0}, roomy),
                               net::use_future);
    flushed.get();
    ended.get();
    shared.round_trip = false;
    h.run(leased.settle(calls[1], domain::quota_counts{0, 400, 0}, roomy));
    auto snap = h.run(shared.snapshot("tenant:acme"));
    BOOST_TEST(snap.day_state.used.tokens == 1000);
    BOOST_TEST(snap.day_state.reserved.tokens == 0);
    BOOST_TEST(leased.leases_held() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_new_utc_day_opens_a_new_lease, leased_fixture) {
    auto leased = make(terms(32));
    auto first = h.run(leased.reserve("tenant:acme", {0, 1000, 0}, roomy));
    h.run(leased.settle(first.reservation, domain::quota_counts{0, 1000, 0}, roomy));
    time.wall = domain::next_day_start(time.wall.load()); // midnight UTC
    auto second = h.run(leased.reserve("tenant:acme", {0, 1000, 0}, roomy));
    BOOST_TEST(second.reservation.from_lease != first.reservation.from_lease);
    BOOST_TEST(second.reservation.day == domain::day_id(time.wall.load()));
    BOOST_TEST(shared.reserves == 2);
    h.run_here([] {}); // the old lease's settlement, in the background
    BOOST_TEST(shared.settles == 1);
}

BOOST_FIXTURE_TEST_CASE(close_all_settles_every_idle_lease_at_shutdown, leased_fixture) {
    auto leased = make(terms(32));
    for (auto const* subject : {"tenant:a", "tenant:b", "key:k"}) {
        auto v = h.run(leased.reserve(subject, {1, 1000, 0}, roomy));
        h.run(leased.settle(v.reservation, domain::quota_counts{1, 10, 0}, roomy));
    }
    h.run(leased.close_all());
    BOOST_TEST(shared.settles == 3);
    BOOST_TEST(leased.leases_held() == 0u);
    BOOST_TEST(h.run(shared.snapshot("tenant:b")).day_state.used.tokens == 10);
    BOOST_TEST(h.run(shared.snapshot("tenant:b")).day_state.reserved.tokens == 0);
}

BOOST_FIXTURE_TEST_CASE(past_its_subject_bound_a_new_subject_is_reserved_call_by_call, leased_fixture) {
    auto leased = make(terms(32), 2);
    for (auto const* subject : {"tenant:a", "tenant:b"}) h.run(leased.reserve(subject, {1, 1000, 0}, roomy));
    BOOST_TEST(leased.counts().leases == 2u);
    for (int i = 0; i < 3; ++i) {
        auto v = h.run(leased.reserve("tenant:flood", {1, 1000, 0}, roomy));
        BOOST_TEST(v.admitted);
        BOOST_TEST(v.reservation.from_lease == 0u);
        h.run(leased.settle(v.reservation, domain::quota_counts{1, 10, 0}, roomy));
    }
    BOOST_TEST(leased.counts().alone == 3u);
    BOOST_TEST(h.run(shared.snapshot("tenant:flood")).day_state.used.tokens == 30);
}

BOOST_FIXTURE_TEST_CASE(with_leases_off_every_call_reaches_the_store, leased_fixture) {
    auto leased = make(terms(1));
    for (int i = 0; i < 5; ++i) {
        auto v = h.run(leased.reserve("tenant:acme", {1, 1000, 0}, roomy));
        h.run(leased.settle(v.reservation, domain::quota_counts{1, 1000, 0}, roomy));
    }
    BOOST_TEST(shared.reserves == 5);
    BOOST_TEST(shared.settles == 5);
}

BOOST_AUTO_TEST_SUITE_END()
