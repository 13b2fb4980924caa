#pragma once
// Which deployments may serve a requested model, and in what order to try them.
// resolve_route() maps the client's `model` to candidate deployments; fallback_order() applies
// the request's hints. Both are pure: same inputs, same answer, no I/O.

#include "domain/errors.hpp"
#include "domain/pricing.hpp"
#include "domain/tiers.hpp"

#include <array>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

// One concrete target: a configured provider and the model name it is sent.
struct deployment {
    std::string provider;
    std::string model;
    std::int64_t context_window = 0; // tokens; 0 = not declared
    bool prefill = false; // continues a final assistant message (streams resume there after a cut)
    friend bool operator==(deployment const&, deployment const&) = default;
};

// Sent as the upstream model when a catch-all deployment should use the client's model name.
inline constexpr std::string_view requested_model_placeholder = "*";

struct model_prefix_rule {
    std::string prefix;   // e.g. "claude-"
    std::string provider; // provider that serves models starting with prefix
};

struct route_table {
    std::map<std::string, std::vector<deployment>, std::less<>> groups; // public name → order
    std::set<std::string, std::less<>> providers;                       // configured names
    std::vector<model_prefix_rule> prefix_rules;                        // bare model inference
    std::vector<deployment> catch_all;                                  // the "*" group
    // Groups split by tier: deployments for simple, medium and complex calls.
    std::map<std::string, std::array<std::vector<deployment>, tier_count>, std::less<>> tiered;
};

// Resolution order: exact group name; "provider/model" for a configured provider; a bare model
// name matched by prefix rules; the catch-all group. Else model_not_found.
// A tiered group yields its deployments for `t`, then those of the tiers above (more capable)
// as fallbacks.
result<std::vector<deployment>> resolve_route(route_table const& table, std::string_view model,
                                              tier t = tier::medium);
bool is_tiered(route_table const& table, std::string_view model);

struct routing_hints {
    std::string preferred_provider;              // X-Preferred-Provider: tried first when it can serve
    std::string forced_provider;                 // force_provider: only this provider may serve
    std::set<std::string, std::less<>> excluded; // deployment keys to skip (provider/model)
};

std::string deployment_key(deployment const& d);
// The keys of the deployments the configuration names in full (groups, tiers, and catch-all
// entries with a fixed model). Any other key a request can reach — "provider/anything", a bare
// name found by prefix, the catch-all's client model — is chosen by the client: state and
// metric labels kept for those must be bounded.
std::set<std::string, std::less<>> fixed_deployment_keys(route_table const& table);

// Candidates reordered/filtered by hints. The relative order of the rest is kept.
// An empty result with a forced provider means it cannot serve this model.
std::vector<deployment> fallback_order(std::vector<deployment> const& candidates, routing_hints const& hints);

// After a prompt was too long for a window of `floor` tokens (0: unknown): the index of the next
// deployment after `from` whose window (context_window_of: configured, else the built-in table)
// is larger, or unknown (it may hold the prompt) — never one
// known to be smaller or equal — else nullopt. With an unknown floor any next deployment may help.
std::optional<std::size_t> next_larger_context(std::vector<deployment> const& order, std::size_t from,
                                               std::int64_t floor);

// The same deployments, cheapest first by list price (input + output per million tokens);
// unpriced ones keep their order after the priced ones. Stable.
std::vector<deployment> cheapest_first(std::vector<deployment> order, price_table const& prices);

// Public model names /v1/models lists: every group and every provider/model pair.
std::vector<std::string> listed_models(route_table const& table);

} // namespace switchboard::domain
