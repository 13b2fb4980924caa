// Config loading: defaults → file → environment, then validation of the whole.
#include "server/config.hpp"

#include "server/config_reader.hpp"
#include "server/config_observability.hpp"
#include "server/config_resilience.hpp"
#include "server/config_shared_state.hpp"

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

    void server(YAML::Node const& n, server_settings& s) {
        if (!n.IsMap()) return fail("server", "must be a mapping");
        only_keys(n, "server",
                  {"host", "port", "threads", "max_header_bytes", "max_body_bytes", "header_timeout",
                   "body_timeout", "idle_timeout", "write_timeout", "shutdown_grace", "ready_drain_delay", "trusted_proxies", "cors", "docs_url", "max_connections",
                   "max_connections_per_ip"});
        auto str = [&](YAML::Node const& v, std::string const& p) { return string(v, p); };
        auto dur = [&](YAML::Node const& v, std::string const& p) { return duration(v, p); };
        set(n, "server", "host", s.host, str);
        set(n, "server", "docs_url", s.docs_url, str);
        set(n, "server", "max_connections", s.max_connections,
            [&](auto const& v, auto const& p) { return integer(v, p, 1, 1'000'000); });
        set(n, "server", "max_connections_per_ip", s.max_connections_per_ip,
            [&](auto const& v, auto const& p) { return integer(v, p, 1, 1'000'000); });
        set(n, "server", "port", s.port,
            [&](auto const& v, auto const& p) { return integer(v, p, 0, 65535); });
        set(n, "server", "threads", s.threads,
            [&](auto const& v, auto const& p) { return integer(v, p, 0, 1024); });
        set(n, "server", "max_header_bytes", s.http.max_header_bytes,
            [&](auto const& v, auto const& p) { return bytes(v, p, 1024, 1u << 20); });
        set(n, "server", "max_body_bytes", s.http.max_body_bytes,
            [&](auto const& v, auto const& p) { return bytes(v, p, 1024, 1ull << 30); });
        set(n, "server", "header_timeout", s.http.header_timeout, dur);
        set(n, "server", "body_timeout", s.http.body_timeout, dur);
        set(n, "server", "idle_timeout", s.http.idle_timeout, dur);
        set(n, "server", "write_timeout", s.http.write_timeout, dur);
        set(n, "server", "shutdown_grace", s.shutdown_grace, dur);
        if (auto d = n["ready_drain_delay"]) {
            if (d.IsScalar() && (d.Scalar() == "0" || d.Scalar() == "0s" || d.Scalar() == "0ms"))
                s.ready_drain_delay = std::chrono::milliseconds(0);
            else if (auto v = duration(d, "server.ready_drain_delay"))
                s.ready_drain_delay = *v;
        }
        if (auto p = n["trusted_proxies"]) read_trusted_proxies(*this, p, s.trusted_proxies);
        if (auto c = n["cors"]) cors(c, s.cors);
    }

    void cors(YAML::Node const& n, adapters::cors_policy& c) {
        std::string const path = "server.cors";
        if (!n.IsMap()) return fail(path, "must be a mapping");
        only_keys(n, path, {"allow_origins", "max_age"});
        if (auto list = n["allow_origins"]) {
            if (!list.IsSequence()) return fail(path + ".allow_origins", "must be a list of origins");
            for (std::size_t i = 0; i < list.size(); ++i) {
                auto const item = path + ".allow_origins[" + std::to_string(i) + "]";
                auto v = string(list[i], item);
                if (!v) continue;
                bool const origin = *v == "*" || ((v->rfind("https://", 0) == 0 || v->rfind("http://", 0) == 0) &&
                                                  v->find('/', v->find("//") + 2) == std::string::npos);
                if (!origin)
                    fail(item, "must be \"*\" or an origin such as https://app.example.com (no path)");
                else
                    c.allow_origins.push_back(*v);
            }
        }
        if (auto age = n["max_age"])
            if (auto d = duration(age, path + ".max_age"))
                c.max_age = std::chrono::duration_cast<std::chrono::seconds>(*d);
    }

    // A provider's timeouts, or with `global` the top-level section, which adds the call-wide ones
    // (request deadline, stream first-token and idle bounds).
    void timeouts(YAML::Node const& n, std::string const& path, milliseconds& connect, milliseconds& attempt,
                  milliseconds& response_headers, timeout_settings* global) {
        if (!n.IsMap()) return fail(path, "must be a mapping");
        std::set<std::string> keys{"connect", "attempt", "response_headers"};
        if (global) keys.insert({"request", "first_token", "stream_idle"});
        only_keys(n, path, keys);
        auto dur = [&](YAML::Node const& v, std::string const& p) { return duration(v, p); };
        set(n, path, "connect", connect, dur);
        set(n, path, "attempt", attempt, dur);
        set(n, path, "response_headers", response_headers, dur);
        if (!global) return;
        set(n, path, "request", global->request, dur);
        set(n, path, "first_token", global->first_token, dur);
        set(n, path, "stream_idle", global->stream_idle, dur);
    }

    // `fallback_on: [401, 403, 404]`: 4xx statuses that say the deployment is broken.
    void read_fallback_statuses(YAML::Node const& n, std::string const& path,
                                domain::broken_deployment_statuses& out) {
        if (!n.IsSequence()) return fail(path, "must be a list of HTTP statuses (400-499)");
        out.statuses.clear();
        for (std::size_t i = 0; i < n.size(); ++i)
            if (auto s = integer(n[i], path + "[" + std::to_string(i) + "]", 400, 499))
                out.statuses.push_back(static_cast<int>(*s));
    }

    void provider(std::string const& name, YAML::Node const& n, gateway_config& c) {
        std::string const path = "providers." + name;
        static std::regex const valid_name("^[A-Za-z0-9_.-]{1,64}$");
        if (!std::regex_match(name, valid_name))
            fail(path, "provider names may use letters, digits, '_', '-' and '.' only");
        if (!n.IsMap()) return fail(path, "must be a mapping");
        only_keys(n, path,
                  {"kind", "base_url", "api_key", "ca_file", "timeouts", "headers", "allow_insecure_http",
                   "retry", "breaker", "limits", "probe", "max_response_bytes", "fallback_on"});
        adapters::provider_settings p;
        p.name = name;
        p.connect_timeout = c.timeouts.connect;
        p.attempt_timeout = c.timeouts.attempt;
        p.response_headers_timeout = c.timeouts.response_headers;
        p.retry = c.resilience.retry;
        p.breaker = c.resilience.breaker;
        if (auto r = n["retry"]) read_retry(*this, r, path + ".retry", p.retry);
        if (auto b = n["breaker"]) read_breaker(*this, b, path + ".breaker", p.breaker);
        if (auto l = n["limits"]) read_throttle(*this, l, path + ".limits", p.limits);
        if (auto pr = n["probe"]) read_probe(*this, pr, path + ".probe", p);
        if (auto f = n["fallback_on"]) read_fallback_statuses(f, path + ".fallback_on", p.fallback_on);
        auto str = [&](YAML::Node const& v, std::string const& k) { return string(v, k); };
        set(n, path, "kind", p.kind, str);
        set(n, path, "base_url", p.base_url, str);
        set(n, path, "api_key", p.api_key, str);
        set(n, path, "ca_file", p.ca_file, str);
        set(n, path, "max_response_bytes", p.max_response_bytes,
            [&](auto const& v, auto const& k) { return bytes(v, k, 1024, 1ull << 30); });
        if (!p.ca_file.empty() && !std::ifstream(p.ca_file))
            fail(path + ".ca_file", "cannot be read: " + p.ca_file);
        if (auto t = n["timeouts"])
            timeouts(t, path + ".timeouts", p.connect_timeout, p.attempt_timeout, p.response_headers_timeout,
                     nullptr);
        if (auto h = n["headers"]) {
            if (!h.IsMap())
                fail(path + ".headers", "must be a mapping of header names to values");
            else
                for (auto const& kv : h) {
                    auto key = kv.first.as<std::string>();
                    if (auto v = string(kv.second, path + ".headers." + key)) p.headers.emplace_back(key, *v);
                }
        }
        bool insecure = false;
        if (auto a = n["allow_insecure_http"]) insecure = a.IsScalar() && a.Scalar() == "true";

        auto const* kind = adapters::find_provider_kind(p.kind);
        if (p.kind.empty())
            fail(path + ".kind", "is required (" + adapters::provider_kind_names() + ")");
        else if (!kind)
            fail(path + ".kind", "must be one of " + adapters::provider_kind_names() + "; got '" + p.kind + "'");
        if (kind && kind->wire != adapters::wire_format::mock) check_endpoint(p, path, insecure);
        c.providers.push_back(std::move(p));
    }

    void check_endpoint(adapters::provider_settings const& p, std::string const& path, bool insecure) {
        std::string url = p.base_url.empty() ? adapters::default_base_url(p.kind) : p.base_url;
        if (url.empty()) return fail(path + ".base_url", "is required for kind " + p.kind);
        auto where = adapters::parse_origin(url);
        if (!where) return fail(path + ".base_url", where.error());
        bool const local = adapters::is_loopback_host(where->host);
        if (!where->tls && !local && !insecure)
            fail(path + ".base_url", "plain http:// is allowed only for loopback hosts (set "
                                     "allow_insecure_http: true to override)");
        // One problem per key: an unset ${VAR} was already reported for it.
        bool const reported = std::any_of(problems.begin(), problems.end(), [&](std::string const& problem) {
            return problem.starts_with(path + ".api_key:");
        });
        if (p.api_key.empty() && !local && !reported)
            fail(path + ".api_key", "is required (use \"${ENV_VAR}\" to read it from the environment)");
    }

    std::optional<domain::deployment> deployment(YAML::Node const& n, std::string const& path) {
        domain::deployment d;
        if (n.IsScalar()) { // "provider/model" shorthand
            auto s = string(n, path);
            if (!s) return std::nullopt;
            auto slash = s->find('/');
            if (slash == std::string::npos || slash == 0 || slash + 1 == s->size()) {
                fail(path, "must be 'provider/model' or {provider, model}");
                return std::nullopt;
            }
            d.provider = s->substr(0, slash);
            d.model = s->substr(slash + 1);
            return d;
        }
        if (!n.IsMap()) {
            fail(path, "must be 'provider/model' or {provider, model}");
            return std::nullopt;
        }
        only_keys(n, path, {"provider", "model", "context_window", "prefill"});
        if (auto p = n["prefill"]) {
            if (auto v = read_flag(*this, p, path + ".prefill")) d.prefill = *v;
        }
        auto str = [&](YAML::Node const& v, std::string const& k) { return string(v, k); };
        set(n, path, "provider", d.provider, str);
        set(n, path, "model", d.model, str);
        set(n, path, "context_window", d.context_window,
            [&](auto const& v, auto const& p) { return integer(v, p, 1, 100'000'000); });
        if (d.provider.empty()) fail(path + ".provider", "is required");
        if (d.model.empty()) fail(path + ".model", "is required");
        return d;
    }

    std::vector<domain::deployment> deployment_list(YAML::Node const& n, std::string const& path) {
        std::vector<domain::deployment> list;
        if (!n.IsSequence() || n.size() == 0) {
            fail(path, "must be a non-empty list of deployments");
            return list;
        }
        for (std::size_t i = 0; i < n.size(); ++i)
            if (auto d = deployment(n[i], path + "[" + std::to_string(i) + "]")) list.push_back(*d);
        return list;
    }

    // A group is a list of deployments, or {tiers: {simple: [...], medium: [...], complex: [...]}}.
    void models(YAML::Node const& n, gateway_config& c) {
        if (!n.IsMap()) return fail("models", "must map public model names to lists of deployments");
        for (auto const& kv : n) {
            auto name = kv.first.as<std::string>();
            std::string const path = "models." + name;
            if (!kv.second.IsMap()) {
                c.models[name] = deployment_list(kv.second, path);
                continue;
            }
            only_keys(kv.second, path, {"tiers"});
            auto tiers = kv.second["tiers"];
            if (!tiers || !tiers.IsMap()) {
                fail(path + ".tiers", "must map simple, medium and complex to deployments");
                continue;
            }
            only_keys(tiers, path + ".tiers", {"simple", "medium", "complex"});
            auto& group = c.tiered_models[name];
            for (int t = 0; t < domain::tier_count; ++t) {
                std::string const tier_key(domain::tier_name(static_cast<domain::tier>(t)));
                if (auto list = tiers[tier_key])
                    group[static_cast<std::size_t>(t)] = deployment_list(list, path + ".tiers." + tier_key);
            }
            if (group[0].empty() && group[1].empty() && group[2].empty())
                fail(path + ".tiers", "must give at least one tier");
        }
    }

    void tier_rules(YAML::Node const& n, domain::tier_rules& r) {
        if (!n.IsMap()) return fail("tiers", "must be a mapping");
        only_keys(n, "tiers", {"simple_max_prompt_tokens", "medium_max_prompt_tokens", "with_tools"});
        auto count = [&](auto const& v, auto const& p) { return integer(v, p, 0, 100'000'000); };
        set(n, "tiers", "simple_max_prompt_tokens", r.simple_max_prompt_tokens, count);
        set(n, "tiers", "medium_max_prompt_tokens", r.medium_max_prompt_tokens, count);
        if (auto v = n["with_tools"])
            if (auto s = string(v, "tiers.with_tools")) {
                auto t = domain::parse_tier(*s);
                if (!t || !t->has_value())
                    fail("tiers.with_tools", "must be simple, medium or complex");
                else
                    r.with_tools = **t;
            }
    }

    void pricing(YAML::Node const& n, gateway_config& c) {
        if (!n.IsMap()) return fail("pricing", "must map model names to prices");
        for (auto const& kv : n) {
            auto name = kv.first.as<std::string>();
            std::string const path = "pricing." + name;
            if (!kv.second.IsMap()) {
                fail(path, "must be {input_per_million, output_per_million}");
                continue;
            }
            only_keys(kv.second, path, {"input_per_million", "output_per_million"});
            domain::model_price price;
            auto num = [&](YAML::Node const& v, std::string const& p) { return number(v, p); };
            set(kv.second, path, "input_per_million", price.input_per_million, num);
            set(kv.second, path, "output_per_million", price.output_per_million, num);
            c.prices.emplace_back(name, price);
        }
    }

    void document(YAML::Node const& root, gateway_config& c) {
        if (!root || root.IsNull()) return;
        if (!root.IsMap()) return fail("(root)", "the config must be a mapping");
        only_keys(root, "",
                  {"server", "store", "timeouts", "resilience", "budgets", "providers", "models", "tiers",
                   "pricing", "limits", "quotas", "admin", "logging", "metrics", "background"});
        if (auto n = root["logging"]) read_logging(*this, n, c.observability);
        if (auto n = root["metrics"]) read_metrics(*this, n, c.observability);
        if (auto n = root["background"]) read_background(*this, n, c.observability);
        if (auto n = root["server"]) server(n, c.server);
        if (auto n = root["store"]) read_store(*this, n, c.store);
        if (auto n = root["admin"]) {
            if (!n.IsMap())
                fail("admin", "must be a mapping");
            else {
                only_keys(n, "admin", {"api_key"});
                set(n, "admin", "api_key", c.admin_key, [&](auto const& v, auto const& p) { return string(v, p); });
            }
        }
        if (auto n = root["limits"]) read_limits(*this, n, c.limits);
        if (auto n = root["quotas"]) read_quotas(*this, n, c.quotas);
        if (auto n = root["timeouts"])
            timeouts(n, "timeouts", c.timeouts.connect, c.timeouts.attempt, c.timeouts.response_headers, &c.timeouts);
        if (auto n = root["resilience"]) read_resilience(*this, n, c.resilience);
        if (auto n = root["budgets"]) read_budgets(*this, n, c.budgets);
        if (auto n = root["providers"]) {
            if (!n.IsMap())
                fail("providers", "must map provider names to settings");
            else
                for (auto const& kv : n) provider(kv.first.as<std::string>(), kv.second, c);
        }
        if (auto n = root["models"]) models(n, c);
        if (auto n = root["tiers"]) tier_rules(n, c.tiers);
        if (auto n = root["pricing"]) pricing(n, c);
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
        if (auto admin = env("SWITCHBOARD_ADMIN_KEY")) c.admin_key = *admin;
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
            check_endpoint(p, "environment " + key_var, false);
            c.providers.push_back(std::move(p));
        }
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
        if (!c.store.url.empty())
            if (auto url = adapters::parse_redis_url(c.store.url); !url) fail("store.url", url.error());
        for (auto const& [name, tiers] : c.tiered_models)
            for (int t = 0; t < domain::tier_count; ++t)
                check("models." + name + ".tiers." +
                          std::string(domain::tier_name(static_cast<domain::tier>(t))),
                      tiers[static_cast<std::size_t>(t)]);
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
adapters::gateway_catalog make_routes(gateway_config const& c) {
    adapters::gateway_catalog catalog;
    catalog.request_timeout = c.timeouts.request;
    catalog.first_token_timeout = c.timeouts.first_token;
    catalog.stream_idle_timeout = c.timeouts.stream_idle;
    catalog.tiers = c.tiers;
    for (auto const& [name, tiers] : c.tiered_models) catalog.routes.tiered[name] = tiers;
    for (auto const& p : c.providers) catalog.routes.providers.insert(p.name);
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
    return catalog;
}

} // namespace switchboard::server
