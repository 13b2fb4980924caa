// Rate-limit leases: most admissions decided on this core, a lease recorded in the shared store.
#include "adapters/limits/leased_rate_limit_store.hpp"

#include "adapters/limits/lease_opening.hpp"
#include "adapters/spawned.hpp"
#include "adapters/store/store_error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace switchboard::adapters {
namespace {

// The subject of a call's windows: its keys and limits (a rule changed by a reload is another).
std::string subject_of(std::vector<limit_window> const& windows) {
    std::string out;
    for (auto const& w : windows) {
        out += w.key;
        out += '|';
        out += std::to_string(w.limit);
        out += '\n';
    }
    return out;
}

// The fullest window's use after these verdicts, 0..1.
double use_of(std::vector<limit_window> const& windows, std::vector<window_verdict> const& verdicts) {
    double use = 0;
    for (std::size_t i = 0; i < windows.size() && i < verdicts.size(); ++i)
        if (windows[i].limit > 0)
            use = std::max(use, 1.0 - static_cast<double>(verdicts[i].remaining) / static_cast<double>(windows[i].limit));
    return use;
}

} // namespace

leased_rate_limit_store::leased_rate_limit_store(net::any_io_executor executor, rate_limit_store& shared,
                                                 window_lease_store& leases, domain::lease_terms terms,
                                                 steady_clock_fn steady, std::size_t max_subjects)
    : executor_(std::move(executor)), shared_(shared), leases_(leases), terms_(terms),
      steady_(steady ? std::move(steady) : [] { return std::chrono::steady_clock::now(); }),
      max_subjects_(max_subjects) {}

void leased_rate_limit_store::count_call(subject_state& s, domain::time_point now) {
    if (now >= s.hold_ends) {
        s.last_hold = now - s.hold_ends < terms_.hold ? s.this_hold : 0;
        s.this_hold = 0;
        s.hold_ends = now + terms_.hold;
    }
    ++s.this_hold;
}

// A call admitted from the lease: each window has what the store left after the lease, plus the
// lease's admissions not yet used.
std::vector<window_verdict> leased_rate_limit_store::take(held_lease& held) {
    ++held.lease.taken;
    counts_.from_lease.fetch_add(1, std::memory_order_relaxed);
    auto out = held.verdicts;
    for (auto& v : out) v.remaining += held.lease.granted - held.lease.taken;
    return out;
}

net::awaitable<std::vector<window_verdict>> leased_rate_limit_store::admit(std::vector<limit_window> const& windows) {
    if (!terms_.on()) co_return co_await shared_.admit(windows);
    auto const subject = subject_of(windows);
    if (subjects_.size() >= max_subjects_ && !subjects_.contains(subject)) {
        counts_.alone.fetch_add(1, std::memory_order_relaxed);
        co_return co_await shared_.admit(windows);
    }
    count_call(subjects_[subject], steady_());
    for (;;) { // each turn admits from the lease, waits for one being taken, or takes one
        auto& s = subjects_[subject];
        auto const now = steady_();
        if (s.lease && domain::window_lease_admits(s.lease->lease, now)) co_return take(*s.lease);
        if (s.lease) {
            end(std::move(*s.lease));
            s.lease.reset();
        }
        if (auto opening = s.opening) {
            co_await opening->async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        std::vector<std::int64_t> limits;
        std::vector<std::chrono::milliseconds> lengths;
        for (auto const& w : windows) limits.push_back(w.limit), lengths.push_back(w.window);
        auto const plan =
            domain::plan_window_lease(limits, lengths, s.use, std::max(s.this_hold, s.last_hold), terms_);
        if (!plan.admissions) break;
        bool const opened = co_await open_lease(subject, windows, plan);
        if (!opened) break;
    }
    counts_.alone.fetch_add(1, std::memory_order_relaxed);
    auto verdicts = co_await shared_.admit(windows);
    if (auto it = subjects_.find(subject); it != subjects_.end()) it->second.use = use_of(windows, verdicts);
    co_return verdicts;
}

// Takes a lease (the subject's other calls wait for it); false when the store refuses it.
net::awaitable<bool> leased_rate_limit_store::open_lease(std::string const& subject,
                                                         std::vector<limit_window> const& windows,
                                                         domain::window_lease_plan plan) {
    lease_opening opening(executor_, subjects_[subject].opening);
    auto grant = co_await leases_.lease(windows, plan.admissions, plan.hold);
    opening.end();
    auto& s = subjects_[subject];
    if (!grant.admitted) { // the windows are nearly full: their last admissions go one by one
        s.use = std::max(s.use, terms_.exact_above);
        co_return false;
    }
    s.use = use_of(windows, grant.verdicts);
    if (s.lease) end(std::move(*s.lease));
    s.lease = held_lease{{plan.admissions, 0, steady_() + plan.hold}, std::move(grant.member), windows,
                         std::move(grant.verdicts)};
    counts_.leases.fetch_add(1, std::memory_order_relaxed);
    co_return true; // the caller's next turn takes its admission from it
}

void leased_rate_limit_store::end(held_lease held) {
    if (held.lease.taken >= held.lease.granted) return;
    auto give_back = [](window_lease_store& store, held_lease h) -> net::awaitable<void> {
        try {
            co_await store.give_back(h.windows, h.member, h.lease.taken + 1, h.lease.granted);
        } catch (store_unavailable const&) {
            // Left in the windows, they leave with them: tighter for one window, never looser.
        }
    };
    net::co_spawn(executor_, give_back(leases_, std::move(held)), logged("rate_limit_lease_give_back"));
}

net::awaitable<void> leased_rate_limit_store::flush() {
    auto const now = steady_();
    for (auto it = subjects_.begin(); it != subjects_.end();) {
        auto& s = it->second;
        if (s.lease && !domain::window_lease_admits(s.lease->lease, now)) {
            end(std::move(*s.lease));
            s.lease.reset();
        }
        // A caller near its limit is remembered a minute (its calls go one by one without first
        // trying a lease); any other, one hold after its last.
        auto const forget_after = s.use < terms_.exact_above ? terms_.hold : std::chrono::milliseconds(60'000);
        bool const idle = !s.lease && !s.opening && now >= s.hold_ends + forget_after;
        it = idle ? subjects_.erase(it) : std::next(it);
    }
    co_return;
}

net::awaitable<void> leased_rate_limit_store::close_all() {
    for (auto& [subject, s] : subjects_)
        if (s.lease) {
            auto held = std::move(*s.lease);
            s.lease.reset();
            if (held.lease.taken < held.lease.granted)
                co_await leases_.give_back(held.windows, held.member, held.lease.taken + 1, held.lease.granted);
        }
}

std::size_t leased_rate_limit_store::leases_held() const {
    return static_cast<std::size_t>(
        std::count_if(subjects_.begin(), subjects_.end(), [](auto const& e) { return e.second.lease.has_value(); }));
}

} // namespace switchboard::adapters
