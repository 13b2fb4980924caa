// The attempt loop: routing → ordered deployments → attempts under one deadline.
#include "adapters/dispatch/dispatcher.hpp"

namespace switchboard::adapters {
namespace {
using clock = std::chrono::steady_clock;

dispatch_failure failure(domain::gateway_error e, int attempts = 0, std::string provider = {}) {
    return dispatch_failure{std::move(e), attempts, std::move(provider)};
}
} // namespace

template <class T, class Call>
net::awaitable<dispatch_result<T>> dispatcher::run(std::string const& model, std::string const& forced,
                                                   request_hints const& hints, Call call) {
    auto const deadline = clock::now() + catalog_->request_timeout;
    auto route = domain::resolve_route(catalog_->routes, model);
    if (!route) co_return failure(route.error());

    domain::routing_hints routing{hints.preferred_provider, forced, {}};
    auto const order = domain::fallback_order(*route, routing);
    if (order.empty())
        co_return failure(domain::make_error(domain::errc::invalid_request,
                                             "The provider '" + forced.substr(0, 64) +
                                                 "' does not serve the model '" + model.substr(0, 256) + "'",
                                             "force_provider"));

    int attempts = 0;
    domain::attempt_error last{domain::attempt_failure::unsupported, 0, {}, {}, {}};
    std::string last_provider;
    for (auto const& d : order) {
        auto slot = providers_.find(d.provider);
        if (slot == providers_.end()) continue; // validated at start-up; defensive
        auto const now = clock::now();
        if (now >= deadline) break;
        attempt_context ctx{std::min(deadline, now + slot->second.attempt_timeout), hints.request_id};
        ++attempts;
        last_provider = d.provider;
        auto outcome = co_await call(*slot->second.impl, d.model, ctx);
        if (outcome) {
            auto& value = *outcome;
            std::string const& priced = catalog_->prices.find(value.model) ? value.model : d.model;
            double const cost = slot->second.billable ? catalog_->prices.cost_usd(priced, value.usage) : 0.0;
            ledger_.record(d.provider, d.model, value.usage, cost);
            if (value.model.empty()) value.model = d.model;
            value.body["model"] = value.model;
            co_return dispatched<T>{std::move(value), d, attempts, cost};
        }
        last = outcome.error();
        if (domain::after_failure(last) == domain::next_step::stop) break;
    }
    if (attempts == 0)
        co_return failure(
            domain::make_error(domain::errc::provider_unavailable, "No provider could serve the request"));
    co_return failure(domain::client_error(last, clock::now() >= deadline), attempts, last_provider);
}

net::awaitable<dispatch_result<domain::chat_completion>> dispatcher::chat(domain::chat_request const& request,
                                                                          request_hints const& hints) {
    return run<domain::chat_completion>(
        request.model, request.force_provider, hints,
        [&request](provider& p, std::string const& model, attempt_context const& ctx) {
            return p.chat(request, model, ctx);
        });
}

net::awaitable<dispatch_result<domain::embedding_result>>
dispatcher::embed(domain::embedding_request const& request, request_hints const& hints) {
    return run<domain::embedding_result>(
        request.model, request.force_provider, hints,
        [&request](provider& p, std::string const& model, attempt_context const& ctx) {
            return p.embed(request, model, ctx);
        });
}

} // namespace switchboard::adapters
