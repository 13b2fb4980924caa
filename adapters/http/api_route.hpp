#pragma once
// One entry of the route table (api_routes.cpp): what api_router::answer() needs to know of a
// route besides its handler.
#include "adapters/http/api_router.hpp"

namespace switchboard::adapters {

struct api_router::route {
    std::string_view pattern; // also the `route` label of logs and metrics (bounded)
    http::verb method;
    route_handler handler = nullptr;
    route_filler fills = nullptr; // instead of a handler
    // The scope a caller's key needs when auth is on; nullopt: open to anyone (health, readiness,
    // metrics: an orchestrator must always see them). admin: the admin key, or a key with `admin`.
    std::optional<domain::access_scope> needs = domain::access_scope::admin;
    bool calls_provider = false; // its calls go to a provider (the inbound check overlaps the quota reservation)
    bool rate_limited = true;    // health probes are not: an orchestrator must always see the truth
    std::string_view serves_as = {}; // a legacy unversioned path: the current one (limits, Link header)

    bool admin() const { return needs == domain::access_scope::admin; }

    std::string_view current() const { return serves_as.empty() ? pattern : serves_as; }
};

} // namespace switchboard::adapters
