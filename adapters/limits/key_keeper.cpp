// A key's meter and budget around a call.
#include "adapters/limits/key_keeper.hpp"

#include "adapters/hex.hpp"
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
    co_return std::nullopt;
}

net::awaitable<domain::result<key_hold>> key_keeper::reserve(std::string const& key_id,
                                                             domain::key_limits const& limits,
                                                             domain::quota_counts estimate) {
    key_hold hold;
    if (limits.tokens_per_minute > 0 || limits.max_concurrent > 0) {
        meter_claim claim{key_id, estimate.tokens, limits.tokens_per_minute, limits.max_concurrent, next_lease(),
                          policy_.lease};
        bool local = false;
        auto refused = co_await acquire(claim, local);
        if (refused) co_return *refused;
        hold.meter = std::move(claim);
        hold.meter_local = local;
    }
    if (limits.budget.any()) {
        auto budget = co_await quotas_.reserve_key(key_id, limits.budget, estimate);
        if (!budget) {
            auto error = budget.error();
            co_await settle(std::move(hold), std::nullopt);
            co_return error;
        }
        hold.budget = std::move(*budget);
    }
    co_return hold;
}

net::awaitable<void> key_keeper::settle(key_hold hold, std::optional<domain::quota_counts> actual) {
    if (hold.meter) {
        auto& store = hold.meter_local ? *policy_.local : *policy_.shared;
        auto const used = actual ? actual->tokens : 0;
        try {
            co_await store.release(*hold.meter, used);
        } catch (store_unavailable const&) {
            // The lease ends by itself; the tokens stay counted until the key's minute passes.
            if (fallbacks_) fallbacks_->fetch_add(1);
        }
    }
    if (hold.budget) co_await quotas_.settle(std::move(*hold.budget), actual);
}

} // namespace switchboard::adapters
