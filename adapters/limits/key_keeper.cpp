// A key's meter and budget around a call.
#include "adapters/limits/key_keeper.hpp"

#include "adapters/all_at_once.hpp"
#include "adapters/hex.hpp"
#include "adapters/limits/retry_later.hpp"
#include "adapters/store/store_error.hpp"


namespace switchboard::adapters {
namespace {

// Unique across instances: a random tag per thread and a counter.
std::string next_lease() {
    thread_local std::string const tag = random_hex(16);
    thread_local std::uint64_t sequence = 0;
    return tag + ":" + std::to_string(++sequence);
}

domain::gateway_error refusal(meter_verdict const& v, meter_claim const& c) {
    using r = meter_verdict::refusal;
    std::string const key = "API key '" + c.key_id + "'";
    if (v.refused == r::never)
        return domain::make_error(domain::errc::rate_limit_exceeded,
                                  "This call's estimate of " + std::to_string(c.tokens) + " tokens is more than the " +
                                      std::to_string(c.tokens_per_minute) + " tokens per minute of " + key +
                                      " (lower max_tokens)");
    auto e = domain::make_error(domain::errc::rate_limit_exceeded,
                                v.refused == r::calls
                                    ? key + " already has " + std::to_string(c.max_concurrent) +
                                          " calls in flight, its limit; retry when one ends"
                                    : key + " has used its " + std::to_string(c.tokens_per_minute) +
                                          " tokens per minute; retry shortly");
    e.retry_after = std::chrono::duration_cast<std::chrono::seconds>(v.retry_after + std::chrono::milliseconds(999));
    if (e.retry_after->count() < 1) e.retry_after = std::chrono::seconds(1);
    return e;
}
} // namespace

net::awaitable<std::optional<domain::gateway_error>> key_keeper::acquire(meter_claim& claim, bool& local) {
    local = false;
    std::optional<meter_verdict> verdict;
    try {
        verdict = co_await policy_.shared->acquire(claim);
    } catch (store_unavailable const&) {
        if (fallbacks_) fallbacks_->fetch_add(1);
    }
    if (!verdict) abandon_later(claim); // its slot, if the store took it after all, is not held two minutes
    if (!verdict) {
        switch (domain::on_store_outage(policy_.on_store_error, policy_.local != nullptr)) {
        case domain::outage_action::refuse: {
            auto e = domain::make_error(domain::errc::store_unavailable,
                                        "Key limits cannot be checked right now; try again shortly");
            e.retry_after = std::chrono::seconds(1);
            co_return e;
        }
        case domain::outage_action::let_through:
            co_return std::nullopt; // nothing held: nothing to release
        case domain::outage_action::count_locally:
            break;
        }
        local = true;
        claim.tokens_per_minute = domain::local_share(claim.tokens_per_minute, policy_.local_fraction);
        claim.max_concurrent = domain::local_share(claim.max_concurrent, policy_.local_fraction);
        verdict = co_await policy_.local->acquire(claim);
    }
    if (verdict->refused != meter_verdict::refusal::none) co_return refusal(*verdict, claim);
    claim.from_lease = verdict->from_lease; // its release goes back to the lease it came from
    co_return std::nullopt;
}

// The meter's claim and the budget's reservation go at once (one store round trip); a refusal by
// either gives back what the other took. The meter's refusal is the one reported when both refuse.
net::awaitable<domain::result<key_hold>> key_keeper::reserve(std::string const& key_id,
                                                             domain::key_limits const& limits,
                                                             domain::quota_counts estimate) {
    key_hold hold;
    std::optional<domain::gateway_error> meter_refused, budget_refused;
    std::vector<net::awaitable<void>> both;
    if (limits.tokens_per_minute > 0 || limits.max_concurrent > 0) {
        meter_claim claim{key_id, estimate.tokens, limits.tokens_per_minute, limits.max_concurrent, next_lease(),
                          policy_.lease};
        both.push_back(claim_meter(std::move(claim), hold, meter_refused));
    }
    if (limits.budget.any()) both.push_back(reserve_budget(key_id, limits.budget, estimate, hold, budget_refused));
    co_await all_at_once(std::move(both));
    auto refused = meter_refused ? std::move(meter_refused) : std::move(budget_refused);
    if (refused) {
        co_await settle(std::move(hold), std::nullopt);
        co_return std::move(*refused);
    }
    co_return hold;
}

net::awaitable<void> key_keeper::claim_meter(meter_claim claim, key_hold& hold,
                                             std::optional<domain::gateway_error>& refused) {
    bool local = false;
    refused = co_await acquire(claim, local);
    if (refused) co_return;
    hold.meter = std::move(claim);
    hold.meter_local = local;
}

net::awaitable<void> key_keeper::reserve_budget(std::string const& key_id, domain::quota_limits const& limits,
                                                domain::quota_counts estimate, key_hold& hold,
                                                std::optional<domain::gateway_error>& refused) {
    auto budget = co_await quotas_.reserve_key(key_id, limits, estimate);
    if (!budget)
        refused = budget.error();
    else
        hold.budget = std::move(*budget);
}

void key_keeper::abandon_later(meter_claim const& claim) {
    if (claim.max_concurrent <= 0) return;
    retry_later(
        executor_, [store = policy_.shared, claim]() -> net::awaitable<void> { co_await store->abandon(claim); },
        nullptr, "meter_claim_abandon", true); // all tries failed: the slot ends by itself after its lease
}

net::awaitable<void> key_keeper::release_meter(meter_claim claim, bool local, std::int64_t used) {
    auto& store = local ? *policy_.local : *policy_.shared;
    try {
        co_await store.release(claim, used);
    } catch (store_unavailable const&) {
        // The lease ends by itself; the tokens stay counted until the key's minute passes.
        if (fallbacks_) fallbacks_->fetch_add(1);
    }
}

// The lease and the budget end at once.
net::awaitable<void> key_keeper::settle(key_hold hold, std::optional<domain::quota_counts> actual) {
    std::vector<net::awaitable<void>> both;
    if (hold.meter) both.push_back(release_meter(std::move(*hold.meter), hold.meter_local, actual ? actual->tokens : 0));
    if (hold.budget) both.push_back(quotas_.settle(std::move(*hold.budget), actual));
    co_await all_at_once(std::move(both));
}

} // namespace switchboard::adapters
