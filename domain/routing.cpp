// Model resolution and fallback ordering.
#include "domain/routing.hpp"

#include "domain/context_windows.hpp"

#include <algorithm>
#include <limits>

namespace switchboard::domain {

namespace {
std::vector<deployment> with_requested_model(std::vector<deployment> ds, std::string_view model) {
    for (auto& d : ds)
        if (d.model == requested_model_placeholder) d.model = std::string(model);
    return ds;
}
} // namespace

result<std::vector<deployment>> resolve_route(route_table const& table, std::string_view model, tier t) {
    if (auto it = table.groups.find(model); it != table.groups.end())
        return with_requested_model(it->second, model);
    if (auto it = table.tiered.find(model); it != table.tiered.end()) {
        std::vector<deployment> out;
        for (int i = static_cast<int>(t); i < tier_count; ++i)
            for (auto const& d : it->second[static_cast<std::size_t>(i)]) out.push_back(d);
        return with_requested_model(std::move(out), model);
    }

    // Upstream model names may contain '/', so only the first segment names the provider.
    if (auto slash = model.find('/'); slash != std::string_view::npos && slash + 1 < model.size()) {
        auto provider = model.substr(0, slash);
        if (table.providers.contains(provider))
            return std::vector<deployment>{{std::string(provider), std::string(model.substr(slash + 1))}};
    }

    for (auto const& rule : table.prefix_rules)
        if (model.starts_with(rule.prefix))
            return std::vector<deployment>{{rule.provider, std::string(model)}};

    if (!table.catch_all.empty()) return with_requested_model(table.catch_all, model);

    return make_error(errc::model_not_found,
                      "The model '" + std::string(model.substr(0, 256)) +
                          "' does not exist or is not served by this gateway",
                      "model");
}

bool is_tiered(route_table const& table, std::string_view model) {
    return table.tiered.contains(model);
}

std::string deployment_key(deployment const& d) {
    return d.provider + "/" + d.model;
}

std::set<std::string, std::less<>> fixed_deployment_keys(route_table const& table) {
    std::set<std::string, std::less<>> keys;
    auto add = [&](std::vector<deployment> const& list) {
        for (auto const& d : list)
            if (d.model != requested_model_placeholder) keys.insert(deployment_key(d));
    };
    for (auto const& [name, list] : table.groups) add(list);
    for (auto const& [name, tiers] : table.tiered)
        for (auto const& list : tiers) add(list);
    add(table.catch_all);
    return keys;
}

std::vector<deployment> fallback_order(std::vector<deployment> const& candidates,
                                       routing_hints const& hints) {
    std::vector<deployment> out;
    out.reserve(candidates.size());
    for (auto const& d : candidates) {
        if (!hints.forced_provider.empty() && d.provider != hints.forced_provider) continue;
        if (hints.excluded.contains(deployment_key(d))) continue;
        if (std::find(out.begin(), out.end(), d) != out.end()) continue; // listed twice
        out.push_back(d);
    }
    if (!hints.preferred_provider.empty())
        std::stable_partition(out.begin(), out.end(),
                              [&](deployment const& d) { return d.provider == hints.preferred_provider; });
    return out;
}

std::optional<std::size_t> next_larger_context(std::vector<deployment> const& order, std::size_t from,
                                               std::int64_t floor) {
    for (std::size_t j = from + 1; j < order.size(); ++j)
        if (may_hold_longer_prompt(order[j], floor)) return j;
    return std::nullopt;
}

std::vector<deployment> cheapest_first(std::vector<deployment> order, price_table const& prices) {
    auto price_of = [&](deployment const& d) {
        auto p = prices.find(d.model);
        return p ? p->input_per_million + p->output_per_million : std::numeric_limits<double>::infinity();
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](deployment const& a, deployment const& b) { return price_of(a) < price_of(b); });
    return order;
}

std::vector<std::string> listed_models(route_table const& table) {
    std::vector<std::string> names;
    for (auto const& [name, tiers] : table.tiered) {
        names.push_back(name);
        for (auto const& ds : tiers)
            for (auto const& d : ds)
                if (d.model != requested_model_placeholder) names.push_back(deployment_key(d));
    }
    for (auto const& [name, ds] : table.groups) {
        names.push_back(name);
        for (auto const& d : ds)
            if (d.model != requested_model_placeholder) names.push_back(deployment_key(d));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

} // namespace switchboard::domain
