// Quota leases: most calls admitted on this core, a lease reserved and settled in the shared store.
#include "adapters/limits/leased_quota_store.hpp"

#include "adapters/limits/lease_opening.hpp"
#include "adapters/limits/settle_later.hpp"
#include "adapters/spawned.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/calendar.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>

namespace switchboard::adapters {

leased_quota_store::leased_quota_store(net::any_io_executor executor, quota_store& shared, domain::lease_terms terms,
                                       steady_clock_fn steady, wall_clock_fn wall, std::size_t max_subjects)
    : executor_(std::move(executor)), shared_(shared), terms_(terms),
      steady_(steady ? std::move(steady) : [] { return std::chrono::steady_clock::now(); }),
      wall_(wall ? std::move(wall) : wall_clock_fn(unix_now)), max_subjects_(max_subjects) {
    levels_ = {}; // unused: the shared store reports thresholds, with its own levels
}

std::optional<quota_verdict> leased_quota_store::take_from_lease(std::string const& subject, subject_state& s,
                                                                 domain::quota_counts charge) {
    if (!s.open) return std::nullopt;
    auto& held = leases_.at(s.open);
    if (domain::lease_expired(held.lease, steady_(), terms_) || wall_() >= held.day_end) {
        close(s.open);
        s.open = 0;
        return std::nullopt;
    }
    if (!domain::lease_fits(held.lease, charge)) return std::nullopt;
    domain::lease_take(held.lease, charge);
    counts_.from_lease.fetch_add(1, std::memory_order_relaxed);
    quota_verdict v;
    v.admitted = true;
    v.reservation = {subject, held.reservation.day, held.reservation.month, charge, {}, s.open};
    v.use = s.use;
    return v;
}

net::awaitable<quota_verdict> leased_quota_store::reserve(std::string const& subject, domain::quota_counts charge,
                                                          domain::quota_limits const& limits, bool report_refusal) {
    if (!terms_.on()) co_return co_await shared_.reserve(subject, charge, limits, report_refusal);
    if (subjects_.size() >= max_subjects_ && !subjects_.contains(subject)) {
        counts_.alone.fetch_add(1, std::memory_order_relaxed);
        co_return co_await shared_.reserve(subject, charge, limits, report_refusal);
    }
    subjects_[subject].seen = steady_();
    for (;;) { // each turn takes from the lease, waits for one being opened, or opens one
        auto& s = subjects_[subject];
        if (auto taken = take_from_lease(subject, s, charge)) co_return std::move(*taken);
        if (auto opening = s.opening) {
            co_await opening->async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        auto const size = domain::lease_size(charge, limits, s.use, terms_);
        if (!size) break;
        auto opened = co_await open_lease(subject, *size, charge, limits);
        if (opened) co_return std::move(*opened);
        break; // refused: the quota's last share goes call by call
    }
    counts_.alone.fetch_add(1, std::memory_order_relaxed);
    auto v = co_await shared_.reserve(subject, charge, limits, report_refusal);
    if (auto it = subjects_.find(subject); it != subjects_.end()) // (a flush may have forgotten it meanwhile)
        it->second.use = v.admitted ? v.use : 1.0;
    co_return v;
}

// While the lease is being reserved, the subject's other calls on this core wait for it (they would
// otherwise each pay the same round trip alone), and no second lease is opened.
net::awaitable<std::optional<quota_verdict>> leased_quota_store::open_lease(std::string const& subject,
                                                                          domain::quota_counts lease,
                                                                          domain::quota_counts charge,
                                                                          domain::quota_limits const& limits) {
    lease_opening opening(executor_, subjects_[subject].opening); // however the reservation ends
    std::optional<quota_verdict> v = co_await shared_.reserve(subject, lease, limits, false);
    opening.end();
    auto& s = subjects_[subject];
    if (!v->admitted) { // the quota is nearly used: its last share goes call by call
        s.use = std::max(s.use, terms_.exact_above);
        co_return std::nullopt;
    }
    s.use = v->use;
    if (s.open) close(s.open); // (a call that did not fit it started this one)
    s.open = next_id_++;
    auto& held = leases_[s.open];
    held.lease.granted = lease;
    held.lease.opened = steady_();
    held.reservation = std::move(v->reservation);
    held.limits = limits;
    held.day_end = domain::next_day_start(wall_());
    counts_.leases.fetch_add(1, std::memory_order_relaxed);
    domain::lease_take(held.lease, charge);
    counts_.from_lease.fetch_add(1, std::memory_order_relaxed);
    v->reservation = {subject, held.reservation.day, held.reservation.month, charge, {}, s.open};
    co_return v; // with the lease's alerts: thresholds its reservation crossed
}

void leased_quota_store::close(std::uint64_t id) {
    auto it = leases_.find(id);
    if (it == leases_.end()) return;
    it->second.lease.open = false;
    if (domain::lease_done(it->second.lease)) settle_done_later(id);
}

net::awaitable<std::vector<domain::quota_alert>> leased_quota_store::settle(quota_reservation const& reservation,
                                                                           std::optional<domain::quota_counts> actual,
                                                                           domain::quota_limits const& limits) {
    if (!reservation.from_lease) co_return co_await shared_.settle(reservation, actual, limits);
    auto it = leases_.find(reservation.from_lease);
    if (it == leases_.end()) co_return std::vector<domain::quota_alert>{};
    domain::lease_end(it->second.lease, reservation.charge, actual);
    if (!domain::lease_done(it->second.lease) || it->second.shrinking) co_return std::vector<domain::quota_alert>{};
    co_return co_await settle_lease(reservation.from_lease);
}

// The lease's usage moves into the store's `used` and its reservation is given back. A store that
// cannot take it now gets it again in the background; until then (or if it never does) the
// store's expiry of unsettled reservations bounds what the lease keeps.
net::awaitable<std::vector<domain::quota_alert>> leased_quota_store::settle_lease(std::uint64_t id) {
    if (auto it = leases_.find(id); it == leases_.end() || it->second.shrinking)
        co_return std::vector<domain::quota_alert>{}; // (a shrink settles it when it is done)
    auto node = leases_.extract(id);
    auto& held = node.mapped();
    std::optional<domain::quota_counts> const used = held.lease.used;
    try {
        co_return co_await shared_.settle(held.reservation, used, held.limits);
    } catch (store_unavailable const&) {
    }
    settle_later(executor_, shared_, std::move(held.reservation), used, held.limits);
    co_return std::vector<domain::quota_alert>{};
}

net::awaitable<void> leased_quota_store::shrink(std::uint64_t id) {
    auto it = leases_.find(id);
    if (it == leases_.end()) co_return;
    it->second.shrinking = true; // (the entry stays: nothing extracts a shrinking lease)
    auto& held = it->second;
    auto const keep = held.lease.taken;
    std::optional<quota_verdict> smaller;
    try {
        smaller = co_await shared_.reserve(held.reservation.subject, keep, held.limits, false);
    } catch (store_unavailable const&) {
    }
    if (smaller && smaller->admitted) {
        auto old = std::move(held.reservation);
        std::optional<domain::quota_counts> const used = held.lease.used;
        held.reservation = std::move(smaller->reservation);
        held.lease.granted = keep; // calls that ended meanwhile only freed part of it
        held.lease.used = {};
        try {
            co_await shared_.settle(old, used, held.limits);
        } catch (store_unavailable const&) {
            settle_later(executor_, shared_, std::move(old), used, held.limits);
        }
    }
    held.shrinking = false;
    held.shrunk = true;
    if (domain::lease_done(held.lease)) co_await settle_lease(id);
}

void leased_quota_store::settle_done_later(std::uint64_t id) {
    auto settle_one = [](leased_quota_store* self, std::uint64_t lease) -> net::awaitable<void> {
        co_await self->settle_lease(lease);
    };
    // Runs on the executor of the coroutine that closed the lease: this core's.
    net::co_spawn(executor_, settle_one(this, id), logged("quota_lease_settlement"));
}

net::awaitable<void> leased_quota_store::flush() {
    auto const now = steady_();
    std::vector<std::uint64_t> done, shrinking;
    for (auto& [id, held] : leases_) {
        if (domain::lease_expired(held.lease, now, terms_)) held.lease.open = false;
        if (domain::lease_done(held.lease)) done.push_back(id);
        else if (!held.shrunk && !held.shrinking && domain::lease_worth_shrinking(held.lease)) shrinking.push_back(id);
    }
    for (auto it = subjects_.begin(); it != subjects_.end();) {
        auto open = leases_.find(it->second.open);
        if (open != leases_.end() && !open->second.lease.open) it->second.open = 0;
        // A subject near its limit is remembered a minute after its latest call (its calls go one
        // by one without first trying a lease); any other, once it holds no open lease.
        auto const& s = it->second;
        bool const idle = !s.open && !s.opening && (s.use < terms_.exact_above || now - s.seen >= std::chrono::minutes(1));
        it = idle ? subjects_.erase(it) : std::next(it);
    }
    for (auto id : done) co_await settle_lease(id);
    for (auto id : shrinking) co_await shrink(id);
}

net::awaitable<void> leased_quota_store::close_all() {
    for (auto& [id, held] : leases_) held.lease.open = false;
    for (auto& [name, s] : subjects_) s.open = 0;
    std::vector<std::uint64_t> done;
    for (auto& [id, held] : leases_)
        if (domain::lease_done(held.lease)) done.push_back(id);
    for (auto id : done) co_await settle_lease(id);
}

net::awaitable<quota_snapshot> leased_quota_store::snapshot(std::string const& subject) {
    co_return co_await shared_.snapshot(subject);
}

} // namespace switchboard::adapters
