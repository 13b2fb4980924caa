// Two-level lookup and the sharing of identical misses (cache_lookup.hpp).
#include "adapters/http/cache_lookup.hpp"

#include "adapters/cache/answer_codec.hpp"
#include "adapters/store/store_error.hpp"
#include "adapters/wall_clock.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace switchboard::adapters {
namespace {
using clock = std::chrono::steady_clock;

net::awaitable<void> give_back(cache_store* store, cache_address at) {
    try {
        co_await store->release(at);
    } catch (std::exception const&) {
        // The lease ends at its TTL.
    }
}

// The shared store's answer, or nullopt when it cannot answer: the store is then left alone for
// the rest of the call, which the cache bypasses. A look that asked for the lease and timed out
// may still have taken it on the server: it is given back at once (in the background), so the
// other instances do not wait for a call that will keep no answer there. If the store cannot take
// that either, the lease ends at its TTL (this call's deadline), which bounds their wait.
net::awaitable<std::optional<shared_lookup>> ask_shared(response_cache& cache, cache_use& use,
                                                        std::chrono::milliseconds lease) {
    try {
        co_return co_await use.shared->look(use.address(), lease);
    } catch (store_unavailable const&) {
        cache.note_shared_failure();
    }
    if (lease.count() > 0) net::co_spawn(use.executor, give_back(use.shared, use.address()), net::detached);
    use.shared = nullptr;
    co_return std::nullopt;
}

// The shared entry, read into the first level too; null when there is none or it is not one.
std::shared_ptr<cached_answer const> adopted(response_cache& cache, cache_use const& use, shared_lookup const& found) {
    if (!found.entry) return nullptr;
    auto answer = decode_answer(*found.entry, {cache.now_ms(), unix_now_ms(), found.remaining_ms});
    if (!answer) return nullptr;
    return cache.adopt(use.key, std::move(*answer));
}

// A found answer past its freshness is no hit: it becomes what the call revalidates.
std::shared_ptr<cached_answer const> fresh_only(response_cache& cache, cache_use& use,
                                                std::shared_ptr<cached_answer const> found) {
    if (found && found->stale_at(cache.now_ms())) {
        use.stale = std::move(found);
        return nullptr;
    }
    return found;
}

// Identical calls in flight on this instance: waits for their leader, or leads them.
net::awaitable<void> join_identical_calls(response_cache& cache, cache_use& use, clock::time_point until,
                                          bool streaming) {
    while (clock::now() < until) {
        auto ticket = cache.flights().join(use.key);
        if (ticket.leader) {
            use.lead = std::make_unique<flight_lead>(cache.flights(), use.key, std::move(ticket.f));
            co_return;
        }
        if (streaming) { // counted as coalesced when the leader's answer lands (follow_stream)
            use.following = std::move(ticket.f);
            use.status = cache_status::coalesced;
            co_return;
        }
        auto answer = co_await ticket.f->wait(until);
        if (answer) {
            cache.note_coalesced(*answer);
            use.hit = std::move(answer);
            use.status = cache_status::coalesced;
            co_return;
        }
        // The leader failed: join again (the first to do so leads the next attempt).
    }
}

// This instance's leader among every instance's: takes the key's lease, or waits for the answer
// of the instance that holds it (looking again with a growing interval), or leads once the lease
// is gone without an answer.
net::awaitable<void> join_shared_calls(response_cache& cache, cache_use& use, clock::time_point until) {
    auto interval = cache.options().shared_poll;
    bool waited = false;
    for (;;) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
        auto found = co_await ask_shared(cache, use, std::max(left, std::chrono::milliseconds(1)));
        if (!found) co_return; // the store is down: this instance's leader calls
        auto kept = adopted(cache, use, *found);
        if (kept && kept->stale_at(cache.now_ms())) { // every instance may revalidate it
            use.stale = std::move(kept);
            co_return;
        }
        if (auto answer = std::move(kept)) {
            waited ? cache.note_coalesced(*answer) : cache.note_hit(*answer);
            use.status = waited ? cache_status::coalesced : cache_status::hit;
            use.hit = answer;
            use.lead->land(std::move(answer)); // the calls waiting here have it too
            use.lead.reset();
            co_return;
        }
        if (found->lead) {
            use.lease = std::make_unique<shared_lease>(*use.shared, use.address(), use.executor);
            co_return;
        }
        if (found->entry || clock::now() + interval >= until) co_return; // unreadable, or no time left: call
        net::steady_timer timer(use.executor, interval);
        co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        interval = std::min(interval * 2, cache.options().shared_poll * 8);
        waited = true;
    }
}

void count_unanswered(response_cache& cache, cache_use& use, bool shared_failed) {
    use.status = use.plan.read && !shared_failed ? cache_status::miss : cache_status::bypass;
    use.status == cache_status::miss ? cache.note_miss() : cache.note_bypass();
}
} // namespace

shared_lease::~shared_lease() {
    if (held_) net::co_spawn(executor_, give_back(store_, std::move(at_)), net::detached);
}

net::awaitable<void> look_up(response_cache& cache, cache_use& use, clock::time_point until, bool streaming) {
    use.executor = co_await net::this_coro::executor;
    bool const had_shared = use.shared != nullptr;
    if (use.plan.read) {
        use.hit = fresh_only(cache, use, cache.local(use.key));
        if (!use.hit && !use.stale && use.shared && !use.plan.write) { // read only: one look, no lease
            auto found = co_await ask_shared(cache, use, std::chrono::milliseconds(0));
            if (found) use.hit = fresh_only(cache, use, adopted(cache, use, *found));
        }
        if (use.hit) {
            cache.note_hit(*use.hit);
            use.status = cache_status::hit;
            co_return;
        }
    }
    if (use.plan.write) {
        co_await join_identical_calls(cache, use, until, streaming);
        if (use.following) co_return;
        // A client that asked for a fresh answer (no-cache) neither reads the shared level nor
        // makes other instances wait for it.
        // A stale answer here is revalidated at once.
        if (use.lead && use.shared && use.plan.read && !use.stale) co_await join_shared_calls(cache, use, until);
        if (use.hit) co_return;
    }
    count_unanswered(cache, use, had_shared && !use.shared);
}

} // namespace switchboard::adapters
