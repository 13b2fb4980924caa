// Key meter leases: most of a busy key's calls metered on this core, a lease taken and given back
// in the shared store.
#include "adapters/limits/leased_key_meter_store.hpp"

#include "adapters/limits/lease_opening.hpp"
#include "adapters/limits/retry_later.hpp"
#include "adapters/observability/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <vector>

namespace switchboard::adapters {
namespace {

// A key with other limits (after a reload) is another subject.
std::string subject_of(meter_claim const& c) {
    return c.key_id + '|' + std::to_string(c.tokens_per_minute) + '|' + std::to_string(c.max_concurrent);
}

domain::meter_limits limits_of(meter_claim const& c) { return {c.tokens_per_minute, c.max_concurrent}; }

} // namespace

leased_key_meter_store::leased_key_meter_store(net::any_io_executor executor, key_meter_store& shared,
                                               meter_lease_store& leases, domain::lease_terms terms,
                                               steady_clock_fn steady, std::size_t max_subjects)
    : executor_(std::move(executor)), shared_(shared), leases_store_(leases), terms_(terms),
      steady_(steady ? std::move(steady) : [] { return std::chrono::steady_clock::now(); }),
      max_subjects_(max_subjects) {}

leased_key_meter_store::subject_state& leased_key_meter_store::note_call(std::string const& subject,
                                                                        std::int64_t estimate) {
    auto& s = subjects_[subject];
    auto const now = steady_();
    if (now >= s.hold_ends) {
        s.last_hold = now - s.hold_ends < terms_.hold ? s.this_hold : domain::meter_recent{};
        s.this_hold = {};
        s.hold_ends = now + terms_.hold;
    }
    ++s.this_hold.calls;
    s.this_hold.tokens += estimate;
    return s;
}

void leased_key_meter_store::note_admitted(subject_state& s) {
    ++s.in_flight;
    s.this_hold.peak_in_flight = std::max(s.this_hold.peak_in_flight, s.in_flight);
}

void leased_key_meter_store::note_ended(std::string const& subject) {
    if (auto it = subjects_.find(subject); it != subjects_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

domain::meter_recent leased_key_meter_store::recent(subject_state const& s) const {
    return {std::max(s.this_hold.calls, s.last_hold.calls),
            std::max(s.this_hold.peak_in_flight, s.last_hold.peak_in_flight),
            std::max(s.this_hold.tokens, s.last_hold.tokens)};
}

net::awaitable<meter_verdict> leased_key_meter_store::acquire(meter_claim const& claim) {
    if (!terms_.on()) co_return co_await shared_.acquire(claim);
    auto const subject = subject_of(claim);
    if (subjects_.size() >= max_subjects_ && !subjects_.contains(subject)) {
        counts_.alone.fetch_add(1, std::memory_order_relaxed);
        co_return co_await shared_.acquire(claim);
    }
    note_call(subject, claim.tokens);
    auto const limits = limits_of(claim);
    for (;;) { // each turn admits from the open lease, waits for a lease being taken, or takes one
        auto& s = subjects_[subject];
        auto const now = steady_();
        if (auto opening = s.opening) {
            co_await opening->async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        if (s.open && leases_.at(s.open).lease.ends <= now) close(std::exchange(s.open, 0));
        auto const use = now - s.use_seen < terms_.hold ? s.use : 0.0; // a hold old: try a lease again
        domain::meter_lease_plan plan;
        if (s.open) {
            auto& held = leases_.at(s.open);
            if (domain::meter_lease_admits(held.lease, limits, claim.tokens, now)) {
                domain::meter_lease_take(held.lease, claim.tokens);
                note_admitted(s);
                counts_.from_lease.fetch_add(1, std::memory_order_relaxed);
                co_return meter_verdict{meter_verdict::refusal::none, {}, s.open};
            }
            plan = domain::plan_meter_growth(held.lease, limits, use, recent(s), claim.tokens, terms_);
        } else {
            plan = domain::plan_meter_lease(limits, use, recent(s), claim.tokens, terms_);
        }
        if (!plan.any()) break;
        bool const taken = co_await take_lease(subject, claim, plan, s.open);
        if (!taken) break;
    }
    counts_.alone.fetch_add(1, std::memory_order_relaxed);
    auto verdict = co_await shared_.acquire(claim);
    if (auto it = subjects_.find(subject); it != subjects_.end() && verdict.refused == meter_verdict::refusal::none)
        note_admitted(it->second);
    co_return verdict;
}

// Opens a lease (serial 0) or grows the open lease `serial` by `plan`; the key's other calls wait
// for it. False when the store refuses it.
net::awaitable<bool> leased_key_meter_store::take_lease(std::string const& subject, meter_claim const& claim,
                                                        domain::meter_lease_plan plan, std::uint64_t serial) {
    lease_opening opening(executor_, subjects_[subject].opening);
    // A new lease's members are "<the opening call's lease id>#1..#slots"; a grown one's follow on.
    meter_claim lease_claim = serial ? leases_.at(serial).claim : claim;
    lease_claim.tokens = 0;
    auto const first_slot = serial ? leases_.at(serial).lease.slots + 1 : 1;
    meter_lease_store::lease_grant grant;
    try {
        grant = co_await leases_store_.lease(lease_claim, first_slot, plan.slots, plan.tokens, terms_.exact_above);
    } catch (...) {
        opening.end();
        // Its reply never came, so it may hold slots: they go back (a member never added is
        // removed harmlessly, and the give-back runs after the lease on the same connection). Its
        // tokens, if taken, stay counted for their minute: tighter, never looser.
        if (plan.slots > 0) give_back_later(lease_claim, {first_slot, first_slot + plan.slots - 1, 0});
        throw;
    }
    opening.end();
    auto& s = subjects_[subject];
    s.use = grant.admitted ? grant.use : 1.0;
    s.use_seen = steady_();
    if (!grant.admitted) co_return false; // near a limit: its last calls go one by one
    counts_.leases.fetch_add(1, std::memory_order_relaxed);
    if (serial) {
        auto it = leases_.find(serial);
        if (it != leases_.end() && !it->second.lease.closed && it->second.lease.slots + 1 == first_slot) {
            domain::meter_lease_grow(it->second.lease, plan);
            co_return true;
        }
        // Closed meanwhile (its hold ended): what was added goes back, and the call takes a new lease.
        give_back_later(lease_claim, {first_slot, first_slot + plan.slots - 1, plan.tokens});
        co_return true;
    }
    auto const opened = ++next_serial_;
    leases_.emplace(opened, held_lease{{plan.slots, plan.tokens, 0, 0, steady_() + terms_.hold, false},
                                       std::move(lease_claim), subject});
    if (s.open) close(s.open);
    s.open = opened;
    co_return true; // the caller's next turn takes its slot from it
}

void leased_key_meter_store::close(std::uint64_t serial) {
    auto it = leases_.find(serial);
    if (it == leases_.end()) return;
    auto const back = domain::meter_lease_close(it->second.lease);
    if (back.any()) give_back_later(it->second.claim, back);
    if (domain::meter_lease_done(it->second.lease)) leases_.erase(it);
}

void leased_key_meter_store::give_back_later(meter_claim claim, domain::meter_give_back back) {
    auto const key_id = claim.key_id;
    auto const slots = std::max<std::int64_t>(0, back.last_slot - back.first_slot + 1);
    retry_later(
        executor_,
        [&store = leases_store_, claim = std::move(claim), back]() -> net::awaitable<void> {
            co_await store.give_back(claim, back.first_slot, back.last_slot, back.tokens);
        },
        [key_id, slots] { // the slots end by themselves after lease_for; the tokens stay counted for their minute
            log_event(log_level::warning, "meter_give_back_lost", {{"key_id", key_id}, {"slots", slots}});
        },
        "meter_lease_give_back", true);
}

net::awaitable<void> leased_key_meter_store::release(meter_claim const& claim, std::int64_t used) {
    if (!claim.from_lease) {
        note_ended(subject_of(claim));
        co_return co_await shared_.release(claim, used);
    }
    auto it = leases_.find(claim.from_lease);
    if (it == leases_.end()) co_return; // (every lease lives until its last call ends)
    note_ended(it->second.subject);
    auto const back = domain::meter_lease_end_call(it->second.lease, claim.tokens, used);
    auto lease_claim = it->second.claim;
    if (domain::meter_lease_done(it->second.lease)) leases_.erase(it);
    // A call that outlived its lease frees its slot as a call metered alone does.
    if (back.any()) co_await leases_store_.give_back(lease_claim, back.first_slot, back.last_slot, back.tokens);
}

net::awaitable<void> leased_key_meter_store::flush() {
    auto const now = steady_();
    for (auto it = subjects_.begin(); it != subjects_.end();) {
        auto& s = it->second;
        if (s.open && !domain::meter_lease_admits(leases_.at(s.open).lease, {}, 0, now)) close(std::exchange(s.open, 0));
        bool const idle = !s.open && !s.opening && s.in_flight == 0 && now >= s.hold_ends + terms_.hold;
        it = idle ? subjects_.erase(it) : std::next(it);
    }
    co_return;
}

net::awaitable<void> leased_key_meter_store::close_all() {
    std::vector<std::uint64_t> open;
    for (auto& [subject, s] : subjects_)
        if (s.open) open.push_back(std::exchange(s.open, 0));
    for (auto const serial : open) {
        auto it = leases_.find(serial);
        if (it == leases_.end()) continue;
        auto const back = domain::meter_lease_close(it->second.lease);
        auto claim = it->second.claim;
        if (domain::meter_lease_done(it->second.lease)) leases_.erase(it);
        if (back.any()) co_await leases_store_.give_back(claim, back.first_slot, back.last_slot, back.tokens);
    }
}

} // namespace switchboard::adapters
