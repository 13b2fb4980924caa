#pragma once
// Which deployments a call may try, in order, before any reservation: the gateway mode's actions
// for the call's priority (shed, or the cheaper tier, cheapest first or only the cheapest live
// one), the tier of a tiered group, the route and the client's hints. Pure.
#include "domain/call/call_machine.hpp"
#include "domain/degraded_mode.hpp"
#include "domain/pricing.hpp"
#include "domain/tiers.hpp"

namespace switchboard::domain::call {

struct route_request {
    std::string_view model;
    std::string_view forced;    // force_provider: only this provider may serve
    std::string_view preferred; // X-Preferred-Provider
    priority prio = priority::p1;
    std::optional<tier> requested_tier; // X-Tier
    request_features features;
    gateway_mode mode = gateway_mode::normal;
};

struct routed_call {
    std::vector<deployment> order;
    std::optional<domain::tier> chosen_tier; // set when the model is a tiered group
};

struct route_facts {
    route_table const& routes;
    price_table const& prices;
    tier_rules const& tiers;
};

result<routed_call> plan_route(route_facts const& facts, route_request const& r, health_view const& health,
                               time_point now);

} // namespace switchboard::domain::call
