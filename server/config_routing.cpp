// The sections of where calls go and what they may use: providers, models, pricing, limits,
// quotas — collections whose entries are sections — and the top-level list of the whole file.
#include "server/config_sections.hpp"

#include "adapters/observability/log.hpp"
#include "adapters/store/redis/redis_url.hpp"
#include "adapters/upstream/origin.hpp"

#include <boost/json/value_from.hpp>

#include <algorithm>
#include <fstream>
#include <regex>

namespace switchboard::server {
namespace json = boost::json;
using namespace std::chrono_literals;
using adapters::mask_secret;

namespace {
auto const itself = [](auto& s) -> auto& { return s; };

// A map of names to entries, each read by `read_entry(rd, node, path, name)`.
template <class F> void each_entry(config_reader& rd, YAML::Node const& n, std::string const& path,
                                   std::string_view what, F read_entry) {
    if (!n.IsMap()) return rd.fail(path, "must map " + std::string(what));
    for (auto const& kv : n) {
        auto const name = kv.first.as<std::string>();
        read_entry(kv.second, path + "." + name, name);
    }
}

// A provider's own timeouts (the global section adds the call-wide ones).
field_list<adapters::provider_settings> provider_timeout_fields() {
    using S = adapters::provider_settings;
    static config_field<S> const fields[] = {
        field::duration<S>("connect", &S::connect_timeout),
        field::duration<S>("attempt", &S::attempt_timeout),
        field::duration<S>("response_headers", &S::response_headers_timeout, 0ms),
    };
    return fields;
}

field_list<adapters::provider_settings> probe_fields() {
    using S = adapters::provider_settings;
    static config_field<S> const fields[] = {
        field::duration<S>("interval", &S::probe_interval, 0ms),
        field::duration<S>("timeout", &S::probe_timeout),
    };
    return fields;
}

// `fallback_on: [401, 403, 404]`: 4xx statuses that say the deployment is broken.
config_field<adapters::provider_settings> fallback_on_field() {
    using S = adapters::provider_settings;
    return {"fallback_on",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& p) {
                if (!n.IsSequence()) return rd.fail(path, "must be a list of HTTP statuses (400-499)");
                p.fallback_on.statuses.clear();
                for (std::size_t i = 0; i < n.size(); ++i)
                    if (auto s = rd.integer(n[i], path + "[" + std::to_string(i) + "]", 400, 499))
                        p.fallback_on.statuses.push_back(static_cast<int>(*s));
            },
            [](S const& p) { return json::value_from(p.fallback_on.statuses); }};
}

// Extra static headers: values may hold credentials, so the dump masks them.
config_field<adapters::provider_settings> headers_field() {
    using S = adapters::provider_settings;
    return {"headers",
            [](config_reader& rd, YAML::Node const& n, std::string const& path, S& p) {
                if (!n.IsMap()) return rd.fail(path, "must be a mapping of header names to values");
                for (auto const& kv : n) {
                    auto key = kv.first.as<std::string>();
                    if (auto v = rd.string(kv.second, path + "." + key)) p.headers.emplace_back(key, *v);
                }
            },
            [](S const& p) {
                json::object out;
                for (auto const& [k, v] : p.headers) out[k] = mask_secret(v);
                return json::value(std::move(out));
            }};
}
} // namespace

field_list<adapters::provider_settings> provider_fields() {
    using S = adapters::provider_settings;
    static std::vector<config_field<S>> const fields = [] {
        std::vector<config_field<S>> list{
        field::text<S>("kind", &S::kind),
        {"base_url", field::text<S>("base_url", &S::base_url).read,
         [](S const& p) { return json::value(p.base_url.empty() ? adapters::default_base_url(p.kind) : p.base_url); }},
        {"api_key", field::text<S>("api_key", &S::api_key).read,
         [](S const& p) { return json::value(mask_secret(p.api_key)); }},
        field::text<S>("ca_file", &S::ca_file),
        field::flag<S>("allow_insecure_http", &S::allow_insecure_http),
        headers_field(),
        field::bytes<S>("max_response_bytes", &S::max_response_bytes, 1024, 1ull << 30),
        field::integer<S>("preconnect", &S::preconnect, 0, 64),
        fallback_on_field(),
        field::section<S, S>("timeouts", itself, provider_timeout_fields()),
        field::section<S, domain::retry_config>("retry", &S::retry, retry_fields()),
        field::section<S, domain::breaker_config>("breaker", &S::breaker, breaker_fields()),
        field::section<S, domain::throttle_config>("limits", &S::limits, throttle_fields()),
        field::section<S, S>("probe", itself, probe_fields()),
        };
        for (auto& f : rest_provider_fields()) list.push_back(std::move(f));
        return list;
    }();
    return fields;
}

std::optional<adapters::origin> check_destination_url(config_reader& rd, std::string const& url,
                                                     bool allow_insecure_http, std::string const& path) {
    auto where = adapters::parse_origin(url);
    if (!where) {
        rd.fail(path, where.error());
        return std::nullopt;
    }
    if (!where->tls && !adapters::is_loopback_host(where->host) && !allow_insecure_http)
        rd.fail(path, "plain http:// is allowed only for loopback hosts (set allow_insecure_http: true to override)");
    return *where;
}

void check_endpoint(config_reader& rd, adapters::provider_settings const& p, std::string const& path) {
    std::string url = p.base_url.empty() ? adapters::default_base_url(p.kind) : p.base_url;
    if (url.empty()) return rd.fail(path + ".base_url", "is required for kind " + p.kind);
    auto const where = check_destination_url(rd, url, p.allow_insecure_http, path + ".base_url");
    if (!where) return;
    bool const local = adapters::is_loopback_host(where->host);
    // One problem per key: an unset ${VAR} was already reported for it.
    bool const reported = std::any_of(rd.problems.begin(), rd.problems.end(), [&](std::string const& problem) {
        return problem.starts_with(path + ".api_key:");
    });
    if (p.api_key.empty() && !local && !reported && p.kind != "rest") // a REST API's credentials are its `auth`
        rd.fail(path + ".api_key", "is required (use \"${ENV_VAR}\" to read it from the environment)");
}

void read_provider(config_reader& rd, std::string const& name, YAML::Node const& n, gateway_config& c) {
    std::string const path = "providers." + name;
    static std::regex const valid_name("^[A-Za-z0-9_.-]{1,64}$");
    if (!std::regex_match(name, valid_name))
        rd.fail(path, "provider names may use letters, digits, '_', '-' and '.' only");
    adapters::provider_settings p;
    p.name = name;
    p.connect_timeout = c.timeouts.connect;
    p.attempt_timeout = c.timeouts.attempt;
    p.response_headers_timeout = c.timeouts.response_headers;
    p.retry = c.resilience.retry;
    p.breaker = c.resilience.breaker;
    read_section(rd, n, path, provider_fields(), p);
    if (!n.IsMap()) return;
    // A probe section needs its interval; "0ms" (the dump of a provider without probes) says none.
    if (n["probe"] && n["probe"].IsMap() && !n["probe"]["interval"])
        rd.fail(path + ".probe.interval", "is required (e.g. 30s)");
    if (!p.ca_file.empty() && !std::ifstream(p.ca_file)) rd.fail(path + ".ca_file", "cannot be read: " + p.ca_file);
    auto const* kind = adapters::find_provider_kind(p.kind);
    if (p.kind.empty())
        rd.fail(path + ".kind", "is required (" + adapters::provider_kind_names() + ")");
    else if (!kind)
        rd.fail(path + ".kind", "must be one of " + adapters::provider_kind_names() + "; got '" + p.kind + "'");
    if (kind && kind->wire != adapters::wire_format::mock) check_endpoint(rd, p, path);
    // A REST API's 404 is the caller's (no such city), not a deployment gone: it does not fall back.
    if (kind && kind->wire == adapters::wire_format::rest && !n["fallback_on"]) p.fallback_on.statuses = {401, 403};
    check_rest_provider(rd, p, path);
    c.providers.push_back(std::move(p));
}

// --- models -----------------------------------------------------------------------------------

namespace {
field_list<domain::deployment> deployment_fields() {
    using S = domain::deployment;
    static config_field<S> const fields[] = {
        field::text<S>("provider", &S::provider),
        field::text<S>("model", &S::model),
        field::integer<S>("context_window", &S::context_window, 1, 100'000'000),
        field::flag<S>("prefill", &S::prefill),
    };
    return fields;
}

std::optional<domain::deployment> read_deployment(config_reader& rd, YAML::Node const& n, std::string const& path) {
    domain::deployment d;
    if (n.IsScalar()) { // "provider/model" shorthand
        auto s = rd.string(n, path);
        if (!s) return std::nullopt;
        auto slash = s->find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == s->size()) {
            rd.fail(path, "must be 'provider/model' or {provider, model}");
            return std::nullopt;
        }
        d.provider = s->substr(0, slash);
        d.model = s->substr(slash + 1);
        return d;
    }
    if (!n.IsMap()) {
        rd.fail(path, "must be 'provider/model' or {provider, model}");
        return std::nullopt;
    }
    read_section(rd, n, path, deployment_fields(), d);
    if (d.provider.empty()) rd.fail(path + ".provider", "is required");
    if (d.model.empty()) rd.fail(path + ".model", "is required");
    return d;
}

std::vector<domain::deployment> read_deployments(config_reader& rd, YAML::Node const& n, std::string const& path) {
    std::vector<domain::deployment> list;
    if (!n.IsSequence() || n.size() == 0) {
        rd.fail(path, "must be a non-empty list of deployments");
        return list;
    }
    for (std::size_t i = 0; i < n.size(); ++i)
        if (auto d = read_deployment(rd, n[i], path + "[" + std::to_string(i) + "]")) list.push_back(*d);
    return list;
}

json::array describe_deployments(std::vector<domain::deployment> const& list) {
    json::array a;
    for (auto const& d : list) {
        json::object entry{{"provider", d.provider}, {"model", d.model}};
        if (d.context_window > 0) entry["context_window"] = d.context_window;
        if (d.prefill) entry["prefill"] = true;
        a.push_back(std::move(entry));
    }
    return a;
}
} // namespace

// A group is a list of deployments, or {tiers: {simple: [...], medium: [...], complex: [...]}}.
void read_models(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    each_entry(rd, n, path, "public model names to lists of deployments",
               [&](YAML::Node const& entry, std::string const& at, std::string const& name) {
                   if (!entry.IsMap()) {
                       c.models[name] = read_deployments(rd, entry, at);
                       return;
                   }
                   rd.only_keys(entry, at, {"tiers"});
                   auto tiers = entry["tiers"];
                   if (!tiers || !tiers.IsMap())
                       return rd.fail(at + ".tiers", "must map simple, medium and complex to deployments");
                   rd.only_keys(tiers, at + ".tiers", {"simple", "medium", "complex"});
                   auto& group = c.tiered_models[name];
                   for (int t = 0; t < domain::tier_count; ++t) {
                       std::string const tier_key(domain::tier_name(static_cast<domain::tier>(t)));
                       if (auto list = tiers[tier_key])
                           group[static_cast<std::size_t>(t)] = read_deployments(rd, list, at + ".tiers." + tier_key);
                   }
                   if (group[0].empty() && group[1].empty() && group[2].empty())
                       rd.fail(at + ".tiers", "must give at least one tier");
               });
}

json::value describe_models(gateway_config const& c) {
    json::object models;
    for (auto const& [name, list] : c.models) models[name] = describe_deployments(list);
    for (auto const& [name, tiers] : c.tiered_models) {
        json::object by_tier;
        for (int t = 0; t < domain::tier_count; ++t) // a tier not given is not shown (it reads back as given)
            if (auto const& list = tiers[static_cast<std::size_t>(t)]; !list.empty())
                by_tier[domain::tier_name(static_cast<domain::tier>(t))] = describe_deployments(list);
        models[name] = json::object{{"tiers", std::move(by_tier)}};
    }
    return models;
}

// --- pricing ----------------------------------------------------------------------------------

namespace {
// A price that may be left out (null in the dump): the input price then applies.
config_field<domain::model_price> optional_price(std::string_view key, std::optional<double> domain::model_price::*get) {
    return {key,
            [get](config_reader& rd, YAML::Node const& n, std::string const& path, domain::model_price& s) {
                if (n.IsNull()) return;
                if (auto v = rd.number(n, path)) s.*get = *v;
            },
            [get](domain::model_price const& s) {
                return s.*get ? json::value(*(s.*get)) : json::value(nullptr);
            }};
}

field_list<domain::model_price> price_fields() {
    using S = domain::model_price;
    static config_field<S> const fields[] = {
        field::number<S>("input_per_million", &S::input_per_million),
        field::number<S>("output_per_million", &S::output_per_million),
        optional_price("cache_read_per_million", &S::cache_read_per_million),
        optional_price("cache_write_per_million", &S::cache_write_per_million),
    };
    return fields;
}
} // namespace

void read_pricing(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    each_entry(rd, n, path, "model names to prices",
               [&](YAML::Node const& entry, std::string const& at, std::string const& name) {
                   if (!entry.IsMap()) return rd.fail(at, "must be {input_per_million, output_per_million}");
                   domain::model_price price;
                   read_section(rd, entry, at, price_fields(), price);
                   c.prices.emplace_back(name, price);
               });
}

json::value describe_pricing(gateway_config const& c) {
    json::object out;
    for (auto const& [model, price] : c.prices) out[model] = describe_section(price_fields(), price);
    return out;
}

// --- limits and quotas ------------------------------------------------------------------------

namespace {
field_list<domain::rate_limit_rule> rate_limit_fields() {
    using S = domain::rate_limit_rule;
    static config_field<S> const fields[] = {
        {"route",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& r) {
             auto v = rd.string(n, path);
             if (v && (v->empty() || v->front() != '/')) return rd.fail(path, "must be a path starting with /");
             if (v) r.route = *v;
         },
         [](S const& r) { return r.route.empty() ? json::value(nullptr) : json::value(r.route); }},
        {"per",
         [](config_reader& rd, YAML::Node const& n, std::string const& path, S& r) {
             auto v = rd.string(n, path);
             if (!v) return;
             if (auto scope = domain::parse_scope(*v))
                 r.per = *scope;
             else
                 rd.fail(path, "must be one of ip, key, tenant, global");
         },
         [](S const& r) { return json::value(domain::scope_name(r.per)); }},
        field::integer<S>("requests", &S::requests, 1, 1'000'000),
        field::duration<S>("window", &S::window),
        field::fail_mode<S>("on_store_error", &S::on_store_error),
    };
    return fields;
}

field_list<domain::quota_limits> quota_limit_fields() {
    using S = domain::quota_limits;
    constexpr std::int64_t most = 1'000'000'000'000'000;
    static config_field<S> const fields[] = {
        field::integer<S>("requests_per_day", &S::requests_per_day, 0, most),
        field::integer<S>("requests_per_month", &S::requests_per_month, 0, most),
        field::integer<S>("tokens_per_day", &S::tokens_per_day, 0, most),
        field::integer<S>("tokens_per_month", &S::tokens_per_month, 0, most),
        field::dollars<S>("usd_per_day", &S::micro_usd_per_day, most),
        field::dollars<S>("usd_per_month", &S::micro_usd_per_month, most),
    };
    return fields;
}

template <class Map> json::object describe_each(Map const& map) {
    json::object out;
    for (auto const& [name, limits] : map) out[name] = describe_section(quota_limit_fields(), limits);
    return out;
}
} // namespace

void read_limits(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    if (!n.IsSequence()) return rd.fail(path, "must be a list of {per, requests, window, route?}");
    c.limits.clear();
    for (std::size_t i = 0; i < n.size(); ++i) {
        auto const at = path + "[" + std::to_string(i) + "]";
        if (!n[i].IsMap()) {
            rd.fail(at, "must be a mapping");
            continue;
        }
        domain::rate_limit_rule rule;
        read_section(rd, n[i], at, rate_limit_fields(), rule);
        if (!n[i]["per"]) rd.fail(at + ".per", "is required (ip, key, tenant or global)");
        if (!n[i]["requests"]) rd.fail(at + ".requests", "is required");
        c.limits.push_back(std::move(rule));
    }
}

json::value describe_limits(gateway_config const& c) {
    json::array out;
    for (auto const& rule : c.limits) out.push_back(describe_section(rate_limit_fields(), rule));
    return out;
}

void read_quotas(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    using S = adapters::quota_policy;
    auto entries = [](std::string_view key, auto get) -> config_field<S> {
        return {key,
                [get](config_reader& r, YAML::Node const& m, std::string const& at, S& q) {
                    // "default" starts from the built-in default; any other name from nothing.
                    each_entry(r, m, at, "names to limits", [&](YAML::Node const& e, std::string const& p, std::string const& name) {
                        read_section(r, e, p, quota_limit_fields(), std::invoke(get, q)[name]);
                    });
                },
                [get](S const& q) { return json::value(describe_each(std::invoke(get, q))); }};
    };
    static config_field<S> const fields[] = {
        field::fail_mode<S>("on_store_error", &S::on_store_error),
        {"alert_thresholds",
         [](config_reader& r, YAML::Node const& m, std::string const& at, S& q) {
             std::vector<int> levels;
             for (std::size_t i = 0; m.IsSequence() && i < m.size(); ++i)
                 if (auto v = r.integer(m[i], at + "[" + std::to_string(i) + "]", 1, 100)) levels.push_back(static_cast<int>(*v));
             if (!domain::valid_alert_levels(levels))
                 return r.fail(at, "must list 1 to 5 percentages from 1 to 100, in ascending order");
             q.alert_thresholds = std::move(levels);
         },
         nullptr},
        entries("providers", &S::providers),
        entries("tenants", &S::tenants),
    };
    read_section<S>(rd, n, path, fields, c.quotas);
}

json::value describe_quotas(gateway_config const& c) {
    auto const& q = c.quotas;
    json::array levels;
    for (int l : q.alert_thresholds) levels.emplace_back(l);
    return json::object{{"on_store_error", domain::fail_mode_name(q.on_store_error)},
                        {"alert_thresholds", std::move(levels)},
                        {"providers", describe_each(q.providers)},
                        {"tenants", describe_each(q.tenants)}};
}

// --- the whole file ---------------------------------------------------------------------------

namespace {
field_list<gateway_config> admin_fields() {
    using S = gateway_config;
    static config_field<S> const fields[] = {
        {"api_key", field::text<S>("api_key", &S::admin_key).read,
         [](S const& c) { return json::value(mask_secret(c.admin_key)); }},
    };
    return fields;
}

// A section read by a function of the whole config (collections, providers).
config_field<gateway_config> collection(std::string_view key,
                                        void (*read)(config_reader&, YAML::Node const&, std::string const&, gateway_config&),
                                        json::value (*show)(gateway_config const&)) {
    return {key, read, show};
}

void read_providers(config_reader& rd, YAML::Node const& n, std::string const& path, gateway_config& c) {
    each_entry(rd, n, path, "provider names to settings",
               [&](YAML::Node const& entry, std::string const&, std::string const& name) { read_provider(rd, name, entry, c); });
}

json::value describe_providers(gateway_config const& c) {
    json::object out;
    for (auto const& p : c.providers) out[p.name] = describe_section(provider_fields(), p);
    return out;
}
} // namespace

field_list<gateway_config> gateway_fields() {
    using S = gateway_config;
    auto observability = [](auto& c) -> auto& { return c.observability; };
    static config_field<S> const fields[] = {
        field::section<S, observability_settings>("logging", observability, logging_fields()),
        field::section<S, observability_settings>("metrics", observability, metrics_fields()),
        field::section<S, observability_settings>("background", observability, background_fields()),
        field::section<S, server_settings>("server", &S::server, server_fields()),
        field::section<S, store_settings>("store", &S::store, store_fields()),
        field::section<S, S>("admin", itself, admin_fields()),
        field::section<S, auth_settings>("auth", &S::auth, auth_fields()),
        collection("limits", read_limits, describe_limits),
        collection("quotas", read_quotas, describe_quotas),
        // Before providers: a provider's own settings start from these.
        field::section<S, timeout_settings>("timeouts", &S::timeouts, timeout_fields()),
        field::section<S, resilience_settings>("resilience", &S::resilience, resilience_fields()),
        field::section<S, adapters::budget_policy>("budgets", &S::budgets, budget_fields()),
        field::section<S, adapters::cache_options>("cache", &S::cache, cache_fields()),
        field::section<S, ledger_settings>("ledger", &S::ledger, ledger_fields()),
        field::section<S, adapters::webhook_options>("webhooks", &S::webhooks, webhook_fields()),
        collection("providers", read_providers, describe_providers),
        collection("models", read_models, describe_models),
        collection("services", read_services, describe_services), // after providers: it names them
        collection("ai_routes", read_ai_routes, describe_ai_routes),
        field::section<S, domain::tier_rules>("tiers", &S::tiers, tier_fields()),
        collection("pricing", read_pricing, describe_pricing),
    };
    return fields;
}

} // namespace switchboard::server
