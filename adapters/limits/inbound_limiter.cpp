// Inbound rate limiting.
#include "adapters/limits/inbound_limiter.hpp"

#include "adapters/hex.hpp"
#include "adapters/sha256.hpp"
#include "adapters/store/store_error.hpp"

#include <cmath>

namespace switchboard::adapters {
using domain::limit_scope;

std::string key_fingerprint(std::string_view api_key) {
    auto const digest = sha256(api_key);
    return hex_encode(digest.data(), 8);
}

namespace {
// The subject a rule counts for this caller; empty = the rule does not apply (no API key).
std::string subject_of(limit_scope scope, caller_identity const& who) {
    switch (scope) {
    case limit_scope::ip:
        return "ip:" + who.ip;
    case limit_scope::key:
        return who.key_id.empty() ? std::string() : "key:" + who.key_id;
    case limit_scope::tenant:
        return "tenant:" + who.tenant;
    case limit_scope::global:
        return "global";
    }
    return {};
}
} // namespace

net::awaitable<limit_outcome> inbound_limiter::check(std::string_view path, caller_identity const& who) {
    limit_outcome outcome;
    std::vector<domain::rate_limit_rule const*> applied;
    std::vector<limit_window> windows;
    bool fail_closed = false;
    for (auto const* rule : domain::rules_for(rules_, path)) {
        auto subject = subject_of(rule->per, who);
        if (subject.empty()) continue;
        auto const route = rule->route.empty() ? std::string("*") : rule->route;
        windows.push_back({"rl:{" + subject + "}:" + route + ":" + std::to_string(rule->window.count()),
                           rule->requests, rule->window});
        applied.push_back(rule);
        fail_closed = fail_closed || rule->on_store_error == domain::fail_mode::closed;
    }
    domain::rate_limit_rule const own{"", domain::limit_scope::key, who.own_requests_per_minute,
                                      std::chrono::minutes(1), domain::fail_mode::open};
    if (own.requests > 0 && !who.key_id.empty()) {
        windows.push_back({"rl:{key:" + who.key_id + "}:own:60000", own.requests, own.window});
        applied.push_back(&own);
    }
    if (windows.empty()) co_return outcome;

    std::vector<window_verdict> verdicts;
    std::optional<std::string> store_failure;
    try {
        verdicts = co_await shared_.admit(windows);
    } catch (store_unavailable const& e) {
        store_failure = e.what();
    }
    if (store_failure) {
        if (fallbacks_) fallbacks_->fetch_add(1);
        auto const action =
            domain::on_store_outage(fail_closed ? domain::fail_mode::closed : domain::fail_mode::open, local_ != nullptr);
        if (action == domain::outage_action::let_through) co_return outcome;
        if (action == domain::outage_action::refuse) {
            auto e = domain::make_error(domain::errc::store_unavailable,
                                        "Rate limits cannot be checked right now; try again shortly");
            e.retry_after = std::chrono::seconds(1);
            outcome.refusal = std::move(e);
            co_return outcome;
        }
        for (auto& w : windows) {
            w.key = "local:" + w.key;
            w.limit = domain::local_share(w.limit, fraction_);
        }
        verdicts = co_await local_->admit(windows);
    }

    std::chrono::milliseconds retry{0};
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        auto const& v = verdicts[i];
        outcome.windows.push_back({std::string(domain::scope_name(applied[i]->per)), windows[i].limit,
                                   v.remaining, v.reset, windows[i].window});
        if (!v.admitted) retry = std::max(retry, v.reset);
    }
    bool const admitted = std::all_of(verdicts.begin(), verdicts.end(), [](auto const& v) { return v.admitted; });
    if (!admitted) {
        auto e = domain::make_error(domain::errc::rate_limit_exceeded,
                                    "Rate limit reached for requests; retry after the time in Retry-After");
        e.retry_after = std::max(retry, std::chrono::milliseconds(1));
        outcome.refusal = std::move(e);
    }
    co_return outcome;
}

} // namespace switchboard::adapters
