// Config loading: defaults → file → environment, then validation of the whole.
#include "server/config.hpp"

#include "server/config_reader.hpp"
#include "server/config_sections.hpp"

#include "adapters/store/redis/redis_url.hpp"
#include "adapters/upstream/origin.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace switchboard::server {
namespace json = boost::json;
using std::chrono::milliseconds;

env_lookup process_env() {
    return [](std::string const& name) -> std::optional<std::string> {
        if (char const* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    };
}

namespace {

class loader : public config_reader {
  public:
    using config_reader::config_reader;

    void document(YAML::Node const& root, gateway_config& c) {
        if (!root || root.IsNull()) return;
        if (!root.IsMap()) return fail("(root)", "the config must be a mapping");
        read_section(*this, root, "", gateway_fields(), c);
    }

    void environment(gateway_config& c) {
        auto env = [&](std::string const& k) -> std::optional<std::string> {
            auto v = env_(k);
            if (v && v->empty()) return std::nullopt;
            return v;
        };
        if (auto port = env("PORT")) {
            YAML::Node n(*port);
            if (auto v = integer(n, "PORT (environment)", 0, 65535))
                c.server.port = static_cast<unsigned short>(*v);
        }
        if (auto host = env("HOST")) c.server.host = *host;
        if (auto redis = env("REDIS_URL")) c.store.url = *redis;
        if (auto cluster = env("REDIS_CLUSTER")) { // checked as the file's store.cluster would be
            YAML::Node given(YAML::NodeType::Map);
            given["cluster"] = *cluster;
            read_section(*this, given, "environment REDIS_CLUSTER", store_fields(), c.store);
        }
        ledger_environment(c.ledger, env);
        webhook_environment(c.webhooks, env);
        server_environment(c.server, env);
        if (auto admin = env("SWITCHBOARD_ADMIN_KEY")) c.admin_key = *admin;
        if (auto secret = env("SWITCHBOARD_AUTH_SECRET")) c.auth.secret = *secret;
        if (auto level = env("LOG_LEVEL")) {
            if (auto parsed = adapters::parse_log_level(*level))
                c.observability.log.level = *parsed;
            else
                fail("LOG_LEVEL (environment)", "must be one of debug, info, warning, error, critical");
        }
        // A file that lists providers is explicit: its ${VAR} references read the keys, and the
        // shorthand would only add duplicates of the same APIs.
        if (!c.providers.empty()) return;
        for (auto const& s : adapters::provider_presets()) {
            std::string const key_var(s.key_var);
            auto key = env(key_var);
            if (!key && !s.alias_var.empty()) key = env(std::string(s.alias_var));
            if (!key) continue;
            adapters::provider_settings p;
            p.name = s.name;
            p.kind = s.kind;
            p.api_key = *key;
            p.base_url = env(key_var.substr(0, key_var.find("_API_KEY")) + "_BASE_URL").value_or(std::string(s.base_url));
            p.connect_timeout = c.timeouts.connect;
            p.attempt_timeout = c.timeouts.attempt;
            p.response_headers_timeout = c.timeouts.response_headers;
            p.retry = c.resilience.retry;
            p.breaker = c.resilience.breaker;
            check_endpoint(*this, p, "environment " + key_var);
            c.providers.push_back(std::move(p));
        }
    }

    // TRUSTED_PROXIES, CORS_ALLOW_ORIGINS (comma-separated lists) and SWITCHBOARD_THREADS: the
    // server settings a container sets, read and checked as the file's would be.
    template <class Env> void server_environment(server_settings& s, Env const& env) {
        auto list = [](std::string const& text) {
            YAML::Node items(YAML::NodeType::Sequence);
            std::stringstream in(text);
            for (std::string item; std::getline(in, item, ',');) {
                item.erase(0, item.find_first_not_of(" \t"));
                item.erase(item.find_last_not_of(" \t") + 1);
                if (!item.empty()) items.push_back(item);
            }
            return items;
        };
        YAML::Node given(YAML::NodeType::Map);
        if (auto v = env("TRUSTED_PROXIES")) given["trusted_proxies"] = list(*v);
        if (auto v = env("CORS_ALLOW_ORIGINS")) given["cors"]["allow_origins"] = list(*v);
        if (auto v = env("SWITCHBOARD_THREADS")) given["threads"] = *v;
        if (given.size() > 0) read_section(*this, given, "environment", server_fields(), s);
    }

    // LEDGER_PATH (an SQLite file), LEDGER_URL or DATABASE_URL (a PostgreSQL URL; "off": no
    // ledger): a container's settings, over the file's.
    template <class Env> void ledger_environment(ledger_settings& l, Env const& env) {
        if (auto path = env("LEDGER_PATH")) l.store = "sqlite", l.path = *path;
        auto url = env("LEDGER_URL");
        if (!url) url = env("DATABASE_URL");
        if (url && *url == "off") l.store = "off";
        else if (url) l.store = "postgres", l.url = *url;
    }

    // WEBHOOK_URL and WEBHOOK_SECRET: one endpoint, "default", receiving every event, when the
    // file names none (a container's shorthand; checked as the file's would be).
    template <class Env> void webhook_environment(adapters::webhook_options& w, Env const& env) {
        auto url = env("WEBHOOK_URL");
        if (!url || !w.endpoints.empty()) return;
        YAML::Node given(YAML::NodeType::Map);
        given["endpoints"]["default"]["url"] = *url;
        if (auto secret = env("WEBHOOK_SECRET")) given["endpoints"]["default"]["secret"] = *secret;
        read_section(*this, given, "environment WEBHOOK_URL", webhook_fields(), w);
    }

    void zero_config(gateway_config& c) {
        if (!c.providers.empty()) return;
        adapters::provider_settings mock;
        mock.name = "mock";
        mock.kind = "mock";
        mock.retry = c.resilience.retry;
        mock.breaker = c.resilience.breaker;
        c.providers.push_back(mock);
        if (c.models.empty()) {
            c.models["mock-1"] = {{"mock", "mock-1"}};
            c.models["*"] = {{"mock", "*"}}; // any model name is served by the mock
        }
    }

    void cross_check(gateway_config const& c) {
        std::set<std::string> names;
        for (auto const& p : c.providers)
            if (!names.insert(p.name).second) fail("providers." + p.name, "is defined twice");
        auto check = [&](std::string const& path, std::vector<domain::deployment> const& list) {
            for (std::size_t i = 0; i < list.size(); ++i)
                if (!names.contains(list[i].provider))
                    fail(path + "[" + std::to_string(i) + "].provider",
                         "names an unknown provider '" + list[i].provider + "'");
        };
        for (auto const& [name, list] : c.models) check("models." + name, list);
        for (auto const& [name, limits] : c.quotas.providers)
            if (!names.contains(name)) fail("quotas.providers." + name, "names an unknown provider");
        if (!c.store.url.empty()) {
            if (auto url = adapters::parse_redis_url(c.store.url); !url)
                fail("store.url", url.error());
            else if (c.store.cluster && url->db != 0)
                fail("store.url", "names database " + std::to_string(url->db) + ": a Redis Cluster has database 0 only");
        }
        if (c.store.cluster && c.store.url.empty()) fail("store.cluster", "needs store.url (a node of the cluster)");
        if (c.store.leases.on() && c.store.url.empty())
            fail("store.leases", "needs store.url: leases share a quota among instances (in memory every call is counted where it is)");
        // A key found expiring is reported by every watch until it expires: its claim must last longer.
        if (c.webhooks.dedupe_for <= c.webhooks.key_expiry_notice)
            fail("webhooks.dedupe_for", "must be longer than webhooks.key_expiry_notice (each key would be reported again)");
        // The semantic cache embeds prompts through a model or group of this gateway, or a
        // "provider/model" of a configured provider.
        if (auto const& m = c.cache.semantic.embedding_model; !m.empty()) {
            auto const slash = m.find('/');
            bool const known = c.models.contains(m) || c.tiered_models.contains(m) ||
                               (slash != std::string::npos && names.contains(m.substr(0, slash)));
            if (!known) fail("cache.similarity.embedding_model", "names no model, group or provider/model of this gateway");
        }
        for (auto const& [name, tiers] : c.tiered_models)
            for (int t = 0; t < domain::tier_count; ++t)
                check("models." + name + ".tiers." +
                          std::string(domain::tier_name(static_cast<domain::tier>(t))),
                      tiers[static_cast<std::size_t>(t)]);
        // The secret hashes API keys: needed with keys, or to make them (auth on without JWT issuers).
        bool const needs_secret = !c.auth.keys.empty() || (c.auth.on() && c.auth.jwt.empty());
        if ((needs_secret || !c.auth.secret.empty()) && c.auth.secret.size() < 16)
            fail("auth.secret", "is required to check the keys (at least 16 characters; SWITCHBOARD_AUTH_SECRET)");
        if (c.ledger.store == "postgres" && c.ledger.url.rfind("postgres://", 0) != 0 &&
            c.ledger.url.rfind("postgresql://", 0) != 0)
            fail("ledger.url", "must be a postgresql:// URL when ledger.store is postgres (LEDGER_URL, DATABASE_URL)");
        if (c.ledger.store == "sqlite" && c.ledger.path.empty()) fail("ledger.path", "must name the SQLite file");
        if (c.timeouts.attempt > c.timeouts.request)
            fail("timeouts.attempt", "must not exceed timeouts.request");
    }
};

boost::system::result<gateway_config, config_errors> finish(loader& l, gateway_config c) {
    l.environment(c);
    l.zero_config(c);
    l.cross_check(c);
    if (!l.problems.empty()) return config_errors{l.problems};
    return c;
}

} // namespace

boost::system::result<gateway_config, config_errors> load_config_text(std::string const& text,
                                                                      env_lookup env) {
    loader l(std::move(env));
    gateway_config c;
    try {
        l.document(YAML::Load(text), c);
    } catch (YAML::Exception const& e) {
        return config_errors{{"(file): line " + std::to_string(e.mark.line + 1) + ", column " +
                              std::to_string(e.mark.column + 1) + ": " + e.msg}};
    }
    return finish(l, std::move(c));
}

boost::system::result<gateway_config, config_errors> load_config(std::string const& file, env_lookup env) {
    if (file.empty()) {
        loader l(std::move(env));
        return finish(l, gateway_config{});
    }
    std::ifstream in(file);
    if (!in) return config_errors{{file + ": cannot be read"}};
    std::stringstream text;
    text << in.rdbuf();
    return load_config_text(text.str(), std::move(env));
}

namespace {
// Each service endpoint's providers in order, each provider's passthrough, and the price of a call
// at each deployment (what a call reserves before it knows its answer).
void add_rest_routes(gateway_config const& c, adapters::rest_catalog& rest) {
    for (auto const& e : c.services) {
        auto& list = rest.routes.groups[e.route()];
        for (auto const& impl : e.providers) {
            domain::deployment d{impl.provider, e.route()};
            rest.call_prices[domain::deployment_key(d)] = impl.cost.usd_per_call;
            list.push_back(std::move(d));
        }
        rest.endpoints[e.route()] = e;
    }
    for (auto const& p : c.providers) {
        if (p.kind != "rest" || p.passthrough.empty()) continue;
        domain::deployment d{p.name, std::string(adapters::passthrough_operation)};
        rest.call_prices[domain::deployment_key(d)] = p.usd_per_call;
        rest.routes.groups[adapters::rest_catalog::passthrough_route(p.name)] = {d};
        rest.passthrough[p.name] = p.passthrough;
        rest.routes.providers.insert(p.name);
    }
    for (auto const& e : c.services)
        for (auto const& impl : e.providers) rest.routes.providers.insert(impl.provider);
}

adapters::gateway_catalog make_routes(gateway_config const& c) {
    adapters::gateway_catalog catalog;
    catalog.request_timeout = c.timeouts.request;
    catalog.first_token_timeout = c.timeouts.first_token;
    catalog.stream_idle_timeout = c.timeouts.stream_idle;
    catalog.tiers = c.tiers;
    for (auto const& [name, tiers] : c.tiered_models) catalog.routes.tiered[name] = tiers;
    for (auto const& p : c.providers)
        if (p.kind != "rest") catalog.routes.providers.insert(p.name); // a REST API serves no model
    add_rest_routes(c, catalog.rest);
    catalog.ai_routes = c.ai_routes;
    for (auto const& [name, list] : c.models) {
        if (name == "*")
            catalog.routes.catch_all = list;
        else
            catalog.routes.groups[name] = list;
    }
    // Bare model names ("gpt-4o-mini", "claude-3-5-haiku-latest") find their provider by prefix.
    for (auto const& p : c.providers)
        for (auto prefix : adapters::model_prefixes_for(p.name, p.kind))
            catalog.routes.prefix_rules.push_back({std::string(prefix), p.name});
    for (auto const& [model, price] : c.prices) catalog.prices.set(model, price);
    return catalog;
}
} // namespace

adapters::gateway_catalog make_catalog(gateway_config const& c) {
    auto catalog = make_routes(c);
    catalog.fixed_keys = domain::fixed_deployment_keys(catalog.routes);
    catalog.fixed_keys.merge(domain::fixed_deployment_keys(catalog.rest.routes)); // bounded: the config names them
    return catalog;
}

} // namespace switchboard::server
