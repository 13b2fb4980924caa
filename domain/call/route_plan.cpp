// Route planning: the mode's actions, then the route, then the order.
#include "domain/call/route_plan.hpp"

#include <algorithm>

namespace switchboard::domain::call {
namespace {
// Cheapest first (degraded), or only the cheapest live deployment (critical) — a plain group
// only: a pinned call keeps its provider and a tiered group was already moved a tier down.
std::vector<deployment> order_for_mode(std::vector<deployment> order, mode_actions const& actions,
                                       price_table const& prices, health_view const& health, time_point now) {
    if (!actions.cheapest_first) return order;
    order = cheapest_first(std::move(order), prices);
    if (!actions.cheapest_only) return order;
    auto live = std::find_if(order.begin(), order.end(),
                             [&](deployment const& d) { return health.available(deployment_key(d), now); });
    if (live != order.end()) order = {*live};
    return order;
}
} // namespace

result<routed_call> plan_route(route_facts const& facts, route_request const& r, health_view const& health,
                               time_point now) {
    auto const actions = actions_for(r.mode, r.prio);
    bool const tiered = is_tiered(facts.routes, r.model);
    auto t = choose_tier(r.requested_tier, r.features, facts.tiers);
    if (actions.cheapest_first) t = cheaper(t); // degraded: the cheaper tier
    auto route = resolve_route(facts.routes, r.model, t);
    if (!route) return route.error();
    routing_hints const hints{std::string(r.preferred), std::string(r.forced), {}};
    auto order = fallback_order(*route, hints);
    if (r.forced.empty() && !tiered) order = order_for_mode(std::move(order), actions, facts.prices, health, now);
    if (actions.shed)
        return make_error(errc::priority_shed, "The gateway is in " + std::string(mode_name(r.mode)) +
                                                   " mode; calls of priority " + std::string(priority_name(r.prio)) +
                                                   " are shed until it recovers");
    if (order.empty())
        return make_error(errc::invalid_request,
                          "The provider '" + std::string(r.forced.substr(0, 64)) + "' does not serve the model '" +
                              std::string(r.model.substr(0, 256)) + "'",
                          "force_provider");
    return routed_call{std::move(order), tiered ? std::optional<tier>(t) : std::nullopt};
}

} // namespace switchboard::domain::call
