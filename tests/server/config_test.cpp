// Config loading: defaults, env shorthand, interpolation, validation messages, masking, and the
// binary's --check-config exit codes.
#include "server/config.hpp"
#include "server/runtime.hpp"
#include "adapters/observability/log.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

using namespace switchboard::server;
using switchboard::adapters::mask_secret;

namespace {
env_lookup fake_env(std::map<std::string, std::string> vars) {
    return [vars](std::string const& k) -> std::optional<std::string> {
        if (auto it = vars.find(k); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

std::vector<std::string> problems_of(std::string const& yaml, std::map<std::string, std::string> env = {}) {
    auto r = load_config_text(yaml, fake_env(std::move(env)));
    BOOST_TEST_REQUIRE(r.has_error());
    return r.error().problems;
}

bool mentions(std::vector<std::string> const& problems, std::string const& text) {
    for (auto const& p : problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

std::string write_temp(std::string const& name, std::string const& text) {
    std::string path = "/tmp/switchboard-test-" + std::to_string(::getpid()) + "-" + name;
    std::ofstream(path) << text;
    return path;
}

int run(std::string const& command, std::string& output) {
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
    int status = ::pclose(pipe);
    return WEXITSTATUS(status);
}
} // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(zero_config_uses_the_mock_and_defaults) {
    auto c = load_config("", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->server.port == 8080);
    BOOST_TEST(c->server.host == "0.0.0.0");
    BOOST_TEST(c->store.url.empty());
    BOOST_TEST_REQUIRE(c->providers.size() == 1u);
    BOOST_TEST(c->providers[0].kind == "mock");
    BOOST_TEST(c->models.contains("*"));
    BOOST_TEST(c->timeouts.request.count() == 60000);
}

BOOST_AUTO_TEST_CASE(a_redis_cluster_is_named_by_one_node_in_the_file_or_the_environment) {
    auto c = load_config("", fake_env({{"REDIS_URL", "redis://10.0.0.5:7000"}, {"REDIS_CLUSTER", "true"}}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->store.cluster);
    auto f = load_config_text("store: {url: \"rediss://:pw@node-1:7000\", cluster: true}\n", fake_env({}));
    BOOST_TEST_REQUIRE(f.has_value());
    BOOST_TEST(f->store.cluster);
    BOOST_TEST(mentions(problems_of("store: {url: \"redis://h:7000/2\", cluster: true}\n"),
                        "store.url: names database 2: a Redis Cluster has database 0 only"));
    BOOST_TEST(mentions(problems_of("store: {cluster: true}\n"), "store.cluster: needs store.url"));
    BOOST_TEST(mentions(problems_of("store: {url: \"redis://h:7000\", cluster: maybe}\n"), "store.cluster"));
    BOOST_TEST(!load_config("", fake_env({{"REDIS_URL", "redis://h:7000"}, {"REDIS_CLUSTER", "sometimes"}})).has_value());
}

BOOST_AUTO_TEST_CASE(quota_leases_are_off_by_default_and_need_a_shared_store) {
    auto d = load_config_text("store: {url: \"redis://h:6379\"}\n", fake_env({}));
    BOOST_TEST_REQUIRE(d.has_value());
    BOOST_TEST(!d->store.leases.on());
    auto c = load_config_text("store: {url: \"redis://h:6379\", leases: {calls: 64, max_share: 0.05, hold: 250ms, "
                              "exact_above: 0.9}}\n",
                              fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->store.leases.calls == 64);
    BOOST_TEST(c->store.leases.max_share == 0.05);
    BOOST_TEST(c->store.leases.hold.count() == 250);
    BOOST_TEST(c->store.leases.exact_above == 0.9);
    auto const dump = boost::json::serialize(describe(*c));
    BOOST_TEST(dump.find(R"("leases":{"calls":64,"max_share":5E-2,"hold":"250ms","exact_above":9E-1})") !=
                   std::string::npos,
               dump);
    BOOST_TEST(mentions(problems_of("store: {leases: {calls: 32}}\n"), "store.leases: needs store.url"));
    BOOST_TEST(mentions(problems_of("store: {url: \"redis://h:6379\", leases: {calls: 0}}\n"), "store.leases.calls"));
    BOOST_TEST(mentions(problems_of("store: {url: \"redis://h:6379\", leases: {max_share: 0.9}}\n"),
                        "store.leases.max_share: must be a fraction above 0 and at most 0.5"));
    BOOST_TEST(mentions(problems_of("store: {url: \"redis://h:6379\", leases: {hold: 5ms}}\n"),
                        "store.leases.hold"));
    BOOST_TEST(mentions(problems_of("store: {url: \"redis://h:6379\", leases: {size: 3}}\n"),
                        "store.leases.size"));
}

BOOST_AUTO_TEST_CASE(env_shorthand_adds_providers_and_overrides) {
    auto c = load_config("", fake_env({{"OPENAI_API_KEY", "sk-openai-0123456789"},
                                       {"CLAUDE_API_KEY", "sk-ant-0123456789"},
                                       {"GROQ_API_KEY", "gsk-0123456789"},
                                       {"GROQ_BASE_URL", "http://127.0.0.1:9999/v1"},
                                       {"PORT", "9090"},
                                       {"HOST", "127.0.0.1"},
                                       {"REDIS_URL", "redis://127.0.0.1:6379/0"}}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->server.port == 9090);
    BOOST_TEST(c->server.host == "127.0.0.1");
    BOOST_TEST(c->store.url == "redis://127.0.0.1:6379/0");
    BOOST_TEST(!c->store.cluster);
    std::map<std::string, switchboard::adapters::provider_settings> by_name;
    for (auto const& p : c->providers) by_name[p.name] = p;
    BOOST_TEST(by_name.size() == 3u); // no mock once a real provider exists
    BOOST_TEST(by_name["anthropic"].kind == "anthropic");
    BOOST_TEST(by_name["anthropic"].api_key == "sk-ant-0123456789");
    BOOST_TEST(by_name["groq"].base_url == "http://127.0.0.1:9999/v1");
    auto catalog = make_catalog(*c);
    auto r = switchboard::domain::resolve_route(catalog.routes, "claude-3-5-haiku-latest");
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->at(0).provider == "anthropic");
}

BOOST_AUTO_TEST_CASE(file_shape_with_interpolation_and_json) {
    std::string const yaml = R"(
server: {port: 8081, threads: 2, max_body_bytes: 1MiB, header_timeout: 2s}
timeouts: {connect: 500ms, attempt: 10s, request: 30s}
providers:
  openai_main: {kind: openai, api_key: "${OPENAI_API_KEY}"}
  local: {kind: openai, base_url: "http://localhost:11434/v1", api_key: "${OLLAMA_KEY:-unused}",
          timeouts: {attempt: 2s}}
models:
  chat-default:
    - {provider: openai_main, model: gpt-4o-mini}
    - local/llama3
pricing:
  llama3: {input_per_million: 0.1, output_per_million: 0.2}
)";
    auto c = load_config_text(yaml, fake_env({{"OPENAI_API_KEY", "sk-real-key-0123456789"}}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->server.threads == 2u);
    BOOST_TEST(c->server.http.max_body_bytes == 1u << 20);
    BOOST_TEST(c->server.http.header_timeout.count() == 2000);
    BOOST_TEST(c->providers[0].api_key == "sk-real-key-0123456789");
    BOOST_TEST(c->providers[0].connect_timeout.count() == 500);
    BOOST_TEST(c->providers[1].api_key == "unused");
    BOOST_TEST(c->providers[1].attempt_timeout.count() == 2000);
    BOOST_TEST(c->models.at("chat-default").size() == 2u);
    BOOST_TEST(c->models.at("chat-default")[1].model == "llama3");
    BOOST_TEST(make_catalog(*c).prices.find("llama3")->output_per_million == 0.2);

    auto json =
        load_config_text(R"({"providers":{"m":{"kind":"mock"}},"models":{"x":["m/y"]}})", fake_env({}));
    BOOST_TEST_REQUIRE(json.has_value());
    BOOST_TEST(json->models.at("x")[0].provider == "m");
}

BOOST_AUTO_TEST_CASE(tiered_groups_and_tier_rules) {
    auto c = load_config_text(R"(
providers: {cheap: {kind: mock}, premium: {kind: mock}}
models:
  chat: {tiers: {simple: [cheap/a], complex: [premium/b]}}
tiers: {simple_max_prompt_tokens: 100, with_tools: complex}
)",
                              fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->tiered_models.at("chat")[0].at(0).provider == "cheap");
    BOOST_TEST(c->tiered_models.at("chat")[1].empty());
    BOOST_TEST(c->tiers.simple_max_prompt_tokens == 100);
    BOOST_TEST((c->tiers.with_tools == switchboard::domain::tier::complex));
    auto catalog = make_catalog(*c);
    BOOST_TEST(switchboard::domain::is_tiered(catalog.routes, "chat"));

    auto p = problems_of(R"(
providers: {cheap: {kind: mock}}
models:
  a: {tiers: {easy: [cheap/x]}}
  b: {tiers: {simple: [ghost/x]}}
tiers: {with_tools: expert}
)");
    BOOST_TEST(mentions(p, "models.a.tiers.easy: unknown key"));
    BOOST_TEST(mentions(p, "models.b.tiers.simple[0].provider: names an unknown provider 'ghost'"));
    BOOST_TEST(mentions(p, "tiers.with_tools: must be simple, medium or complex"));
}

BOOST_AUTO_TEST_CASE(the_ledger_is_sqlite_by_default_and_set_by_file_or_environment) {
    auto c = load_config("", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->ledger.store == "sqlite");
    BOOST_TEST(c->ledger.path == "switchboard-data/usage.db");
    BOOST_TEST(c->ledger.options.retention.count() == 30LL * 24 * 3600 * 1000);
    auto f = load_config_text("ledger: {path: /var/lib/sb/u.db, retention: 90d, queue_rows: 5000}\n", fake_env({}));
    BOOST_TEST_REQUIRE(f.has_value());
    BOOST_TEST(f->ledger.path == "/var/lib/sb/u.db");
    BOOST_TEST(f->ledger.options.retention.count() == 90LL * 24 * 3600 * 1000);
    BOOST_TEST(f->ledger.options.queue_rows == 5000u);
    auto pg = load_config("", fake_env({{"DATABASE_URL", "postgresql://sb:hunter2pw@db:5432/sb"}}));
    BOOST_TEST_REQUIRE(pg.has_value());
    BOOST_TEST(pg->ledger.store == "postgres");
    auto const dump = boost::json::serialize(describe(*pg));
    BOOST_TEST(dump.find("hunter2pw") == std::string::npos);
    BOOST_TEST(dump.find("postgresql://****@db:5432/sb") != std::string::npos);
    auto off = load_config("", fake_env({{"LEDGER_URL", "off"}}));
    BOOST_TEST_REQUIRE(off.has_value());
    BOOST_TEST(off->ledger.store == "off");
    auto p = problems_of("ledger: {store: postgres, retention: forever, batch_rows: 0}\n");
    BOOST_TEST(mentions(p, "ledger.url: must be a postgresql:// URL"));
    BOOST_TEST(mentions(p, "ledger.retention: must be a duration"));
    BOOST_TEST(mentions(p, "ledger.batch_rows: must be between 1 and 10000"));
    BOOST_TEST(mentions(problems_of("ledger: {store: mysql}\n"), "ledger.store: must be sqlite, postgres or off"));
}

BOOST_AUTO_TEST_CASE(spare_connections_per_provider_are_bounded) {
    auto p = problems_of("providers:\n  p: {kind: openai, base_url: \"http://127.0.0.1:9/v1\", preconnect: 65}\n");
    BOOST_TEST(mentions(p, "providers.p.preconnect: must be between 0 and 64"));
    auto c = load_config_text("providers:\n  p: {kind: openai, base_url: \"http://127.0.0.1:9/v1\"}\n", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->providers.at(0).preconnect == 0u); // off unless asked for
}

BOOST_AUTO_TEST_CASE(webhook_endpoints_are_checked_and_their_secrets_masked) {
    std::string const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    auto c = load_config_text("webhooks:\n  retry_waits: [1s, 1m]\n  endpoints:\n"
                              "    ops: {url: \"https://hooks.example.com/sb\", secret: \"${HOOK_SECRET}\", events: [quota.threshold, key.expiring]}\n"
                              "quotas: {alert_thresholds: [50, 80, 95]}\n",
                              fake_env({{"HOOK_SECRET", secret}}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST_REQUIRE(c->webhooks.endpoints.size() == 1u);
    BOOST_TEST(c->webhooks.endpoints[0].events.size() == 2u);
    BOOST_TEST(c->webhooks.policy.retry_waits.size() == 2u);
    BOOST_TEST((c->quotas.alert_thresholds == std::vector<int>{50, 80, 95}));
    auto const dump = boost::json::serialize(describe(*c));
    BOOST_TEST(dump.find("MfKQ9r8GKYqrTwjUPD8I") == std::string::npos);
    BOOST_TEST(dump.find("\"alert_thresholds\":[50,80,95]") != std::string::npos);

    auto p = problems_of("webhooks:\n  endpoints:\n"
                         "    a: {url: \"http://hooks.example.com/sb\", secret: " + secret + "}\n"
                         "    b: {url: \"https://hooks.example.com/sb\", secret: not-a-secret, events: [quota.exceeded]}\n"
                         "    c: {url: \"ftp://x\"}\n"
                         "quotas: {alert_thresholds: [90, 75]}\n");
    BOOST_TEST(mentions(p, "webhooks.endpoints.a.url: plain http:// is allowed only for loopback hosts"));
    BOOST_TEST(mentions(p, "webhooks.endpoints.b.secret: must be whsec_"));
    BOOST_TEST(mentions(p, "webhooks.endpoints.b.events[0]: is not an event type"));
    BOOST_TEST(mentions(p, "webhooks.endpoints.c.url:"));
    BOOST_TEST(mentions(p, "webhooks.endpoints.c.secret: is required"));
    BOOST_TEST(mentions(p, "quotas.alert_thresholds: must list 1 to 5 percentages"));
    BOOST_TEST(mentions(problems_of("webhooks: {key_expiry_notice: 30d, dedupe_for: 20d}\n"),
                        "webhooks.dedupe_for: must be longer than webhooks.key_expiry_notice"));

    // A container's shorthand: one endpoint receiving every event.
    auto env = load_config("", fake_env({{"WEBHOOK_URL", "https://hooks.example.com/sb"}, {"WEBHOOK_SECRET", secret}}));
    BOOST_TEST_REQUIRE(env.has_value());
    BOOST_TEST_REQUIRE(env->webhooks.endpoints.size() == 1u);
    BOOST_TEST(env->webhooks.endpoints[0].name == "default");
    BOOST_TEST(env->webhooks.endpoints[0].events.empty());
    BOOST_TEST(mentions(problems_of("", {{"WEBHOOK_URL", "https://hooks.example.com/sb"}}),
                        "WEBHOOK_URL.endpoints.default.secret: is required"));
}

BOOST_AUTO_TEST_CASE(a_containers_server_settings_come_from_the_environment) {
    auto c = load_config("", fake_env({{"TRUSTED_PROXIES", "10.0.0.0/8, 172.16.0.0/12"},
                                       {"CORS_ALLOW_ORIGINS", "https://app.example.com,https://admin.example.com"},
                                       {"SWITCHBOARD_THREADS", "4"}}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->server.trusted_proxies == std::vector<std::string>({"10.0.0.0/8", "172.16.0.0/12"}));
    BOOST_TEST(c->server.cors.allow_origins.size() == 2u);
    BOOST_TEST(c->server.threads == 4u);
    auto p = problems_of("", {{"TRUSTED_PROXIES", "not-a-network"}, {"CORS_ALLOW_ORIGINS", "app.example.com/x"}});
    BOOST_TEST(mentions(p, "environment.trusted_proxies"));
    BOOST_TEST(mentions(p, "environment.cors.allow_origins[0]"));
}

BOOST_AUTO_TEST_CASE(errors_name_the_key_path_and_are_all_reported) {
    auto p = problems_of(R"(
server: {port: 70000, idle_timeout: soon}
providers:
  a: {kind: openia}
  b: {kind: openai, base_url: "ftp://x", api_key: k}
  c: {kind: anthropic, api_key: "${MISSING_KEY}"}
  d: {kind: openai, base_url: "http://10.0.0.5/v1", api_key: k}
models:
  chat: [{provider: nobody, model: m}]
limitz: {}
timeouts: {request: 5s}
timeouts: {request: 6s}
)");
    BOOST_TEST(mentions(p, "server.port: must be between 0 and 65535"));
    BOOST_TEST(mentions(p, "server.idle_timeout: must be a duration"));
    BOOST_TEST(mentions(p, "providers.a.kind: must be one of"));
    BOOST_TEST(mentions(p, "providers.b.base_url: must start with http:// or https://"));
    BOOST_TEST(mentions(p, "providers.c.api_key: environment variable MISSING_KEY is not set"));
    BOOST_TEST(!mentions(p, "providers.c.api_key: is required")); // one problem per key
    BOOST_TEST(mentions(p, "providers.d.base_url: plain http:// is allowed only for loopback"));
    BOOST_TEST(mentions(p, "models.chat[0].provider: names an unknown provider 'nobody'"));
    BOOST_TEST(mentions(p, "limitz: unknown key"));
    BOOST_TEST(mentions(p, "timeouts: is given more than once"));
}

BOOST_AUTO_TEST_CASE(limits_quotas_and_store_are_read_and_checked) {
    auto c = load_config_text(R"(
server: {trusted_proxies: [10.0.0.0/8, "::1"]}
store: {url: "rediss://u:p@cache:6380/3", timeout: 80ms, local_fraction: 0.25}
limits:
  - {route: /v1/chat/completions, per: key, requests: 5, window: 10s, on_store_error: fail_closed}
quotas:
  on_store_error: fail_closed
  providers: {mock: {requests_per_day: 7}}
  tenants: {acme: {tokens_per_day: 9}}
)",
                              fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->store.timeout.count() == 80);
    BOOST_TEST(c->store.local_fraction == 0.25);
    BOOST_TEST_REQUIRE(c->limits.size() == 1u); // the list replaces the defaults
    BOOST_TEST(c->limits[0].requests == 5);
    BOOST_TEST(c->limits[0].window.count() == 10000);
    BOOST_TEST((c->limits[0].per == switchboard::domain::limit_scope::key));
    BOOST_TEST((c->limits[0].on_store_error == switchboard::domain::fail_mode::closed));
    BOOST_TEST(c->quotas.providers.at("mock").requests_per_day == 7);
    BOOST_TEST(c->quotas.tenants.at("acme").tokens_per_day == 9);
    BOOST_TEST(c->quotas.tenants.at("default").tokens_per_day == 50000); // the default tenant stays
    BOOST_TEST(c->server.trusted_proxies.size() == 2u);

    auto defaults = load_config_text("", fake_env({}));
    BOOST_TEST_REQUIRE(defaults.has_value());
    BOOST_TEST(defaults->limits.size() == 3u);
    BOOST_TEST(defaults->store.timeout.count() == 50);

    auto p = problems_of(R"(
server: {trusted_proxies: [10.0.0.0/33, nonsense]}
store: {url: "http://cache", local_fraction: 2}
limits:
  - {per: planet, requests: 0, route: v1/chat}
  - {requests: 5, on_store_error: maybe}
quotas:
  providers: {ghost: {tokens_per_day: 5}}
  tenants: {acme: {tokens_per_year: 5}}
)");
    BOOST_TEST(mentions(p, "server.trusted_proxies: '10.0.0.0/33' has an invalid prefix length"));
    BOOST_TEST(mentions(p, "store.url: must start with redis:// or rediss://"));
    BOOST_TEST(mentions(p, "store.local_fraction: must be a fraction"));
    BOOST_TEST(mentions(p, "limits[0].per: must be one of ip, key, tenant, global"));
    BOOST_TEST(mentions(p, "limits[0].requests: must be between 1 and"));
    BOOST_TEST(mentions(p, "limits[0].route: must be a path starting with /"));
    BOOST_TEST(mentions(p, "limits[1].per: is required"));
    BOOST_TEST(mentions(p, "limits[1].on_store_error: must be fail_open or fail_closed"));
    BOOST_TEST(mentions(p, "quotas.providers.ghost: names an unknown provider"));
    BOOST_TEST(mentions(p, "quotas.tenants.acme.tokens_per_year: unknown key"));
}

BOOST_AUTO_TEST_CASE(the_cache_section_is_read_and_checked) {
    auto c = load_config_text(R"(
providers:
  mock: {kind: mock}
models:
  chat: [mock/mock-1]
  embed: [mock/mock-e]
cache:
  ttl: 1h
  nondeterministic: true
  max_bytes: 8MiB
  shared_max_entry_bytes: 64KiB
  shared_poll: 10ms
  shared_sync: 2s
  similarity: {embedding_model: embed, threshold: 0.9, max_entries: 500}
  groups:
    chat: {semantic: true, ttl: 7d}
)",
                              fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->cache.defaults.ttl.count() == 3600);
    BOOST_TEST(c->cache.groups.at("chat").semantic);
    BOOST_TEST(c->cache.groups.at("chat").nondeterministic); // a group starts from the defaults
    BOOST_TEST(c->cache.semantic.threshold == 0.9);
    BOOST_TEST(c->cache.semantic.max_entries == 500u);
    BOOST_TEST(c->cache.shared_max_entry_bytes == 64u << 10);
    BOOST_TEST(c->cache.shared_sync.count() == 2000);

    auto p = problems_of(R"(
cache:
  shared_namespace: "a b"
  similarity: {embedding_model: nowhere, threshold: 1.5}
  groups: {chat: {semantic: maybe}}
)");
    BOOST_TEST(mentions(p, "cache.shared_namespace: must be 1 to 64"));
    BOOST_TEST(mentions(p, "cache.similarity.threshold: must be a cosine similarity"));
    BOOST_TEST(mentions(p, "cache.groups.chat.semantic:"));
    auto unknown = problems_of("cache: {similarity: {embedding_model: nowhere}}\n");
    BOOST_TEST(mentions(unknown, "cache.similarity.embedding_model: names no model"));
}

BOOST_AUTO_TEST_CASE(logging_metrics_background_and_probes_are_read_and_checked) {
    auto c = load_config_text(R"(
logging: {level: debug, file: /tmp/sb.log, max_file_size: 10MB, max_files: 3, include_payloads: true, payload_max_chars: 100}
metrics: {enabled: false}
background: {quota_refresh_interval: 5s, housekeeping_interval: 2m}
providers:
  p: {kind: openai, base_url: "http://127.0.0.1:9/v1", probe: {interval: 15s}}
)",
                              fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    auto const& o = c->observability;
    BOOST_TEST((o.log.level == switchboard::adapters::log_level::debug));
    BOOST_TEST(o.log.target.file == "/tmp/sb.log");
    BOOST_TEST(o.log.target.max_file_bytes == 10u * 1024 * 1024);
    BOOST_TEST(o.log.target.max_files == 3);
    BOOST_TEST(o.requests.include_payloads);
    BOOST_TEST(o.requests.payload_max_chars == 100u);
    BOOST_TEST(!o.metrics);
    BOOST_TEST(o.quota_refresh_interval.count() == 5000);
    BOOST_TEST(o.housekeeping_interval.count() == 120000);
    BOOST_TEST(c->providers.at(0).probe_interval.count() == 15000);
    BOOST_TEST(c->providers.at(0).probe_timeout.count() == 5000);

    auto env_level = load_config_text("", fake_env({{"LOG_LEVEL", "WARNING"}}));
    BOOST_TEST_REQUIRE(env_level.has_value());
    BOOST_TEST((env_level->observability.log.level == switchboard::adapters::log_level::warning));

    auto p = problems_of(R"(
logging: {level: loud, include_payloads: maybe, colour: true}
metrics: {enabled: 1}
providers:
  p: {kind: openai, base_url: "http://127.0.0.1:9/v1", probe: {timeout: 1s}}
)",
                         {{"LOG_LEVEL", "chatty"}});
    BOOST_TEST(mentions(p, "logging.level: must be one of debug, info, warning, error, critical; got 'loud'"));
    BOOST_TEST(mentions(p, "logging.include_payloads: must be true or false"));
    BOOST_TEST(mentions(p, "logging.colour: unknown key"));
    BOOST_TEST(mentions(p, "metrics.enabled: must be true or false"));
    BOOST_TEST(mentions(p, "providers.p.probe.interval: is required"));
    BOOST_TEST(mentions(p, "LOG_LEVEL (environment): must be one of"));
}

BOOST_AUTO_TEST_CASE(stream_timeouts_and_prefill_deployments_are_read_and_checked) {
    auto c = load_config_text(R"(
timeouts: {first_token: 4s, stream_idle: 8s}
providers:
  c: {kind: anthropic, base_url: "http://127.0.0.1:9/v1"}
models:
  chat: [{provider: c, model: claude-x, prefill: true}, c/claude-y]
)",
                              fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->timeouts.first_token.count() == 4000);
    BOOST_TEST(c->timeouts.stream_idle.count() == 8000);
    BOOST_TEST(c->models.at("chat").at(0).prefill);
    BOOST_TEST(!c->models.at("chat").at(1).prefill);
    auto p = problems_of(R"(
providers:
  c: {kind: anthropic, base_url: "http://127.0.0.1:9/v1"}
models:
  chat: [{provider: c, model: claude-x, prefill: sometimes}]
)");
    BOOST_TEST(mentions(p, "models.chat[0].prefill: must be true or false"));
}

BOOST_AUTO_TEST_CASE(yaml_syntax_errors_give_a_line) {
    auto p = problems_of("providers: {a: [unclosed\n");
    BOOST_TEST(mentions(p, "line "));
}

BOOST_AUTO_TEST_CASE(secrets_are_masked_wherever_config_is_printed) {
    auto c = load_config("", fake_env({{"OPENAI_API_KEY", "sk-proj-abcdefghijklmnop"},
                                       {"REDIS_URL", "redis://user:hunter2pass@redis:6379/0"}}));
    BOOST_TEST_REQUIRE(c.has_value());
    std::string text = boost::json::serialize(describe(*c));
    BOOST_TEST(text.find("abcdefgh") == std::string::npos);
    BOOST_TEST(text.find("hunter2") == std::string::npos);
    BOOST_TEST(text.find("redis://****@redis:6379/0") != std::string::npos);
    BOOST_TEST(text.find("sk-...mnop") != std::string::npos);
    BOOST_TEST(mask_secret("short") == "****");
}

BOOST_AUTO_TEST_CASE(the_config_dump_shows_every_section_the_loader_accepts) {
    auto c = load_config_text(R"(
server: {cors: {allow_origins: ["https://app.example.com"]}, max_connections: 500, max_connections_per_ip: 20}
store: {reservation_lease: 90s}
resilience: {retry: {max_retry_after: 45s}, breaker: {open_for: 20s}}
budgets: {max_calls: 7}
pricing: {my-model: {input_per_million: 1.5, output_per_million: 2}}
tiers: {simple_max_prompt_tokens: 100}
providers:
  p: {kind: openai, base_url: "http://127.0.0.1:9/v1", max_response_bytes: 4MiB, preconnect: 2, retry: {max_attempts: 2}}
)", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    auto const dump = describe(*c);
    for (auto section : {"server", "store", "timeouts", "resilience", "budgets", "providers", "models", "tiers",
                         "pricing", "limits", "quotas", "admin", "logging", "metrics", "background"})
        BOOST_TEST(dump.contains(section), section);
    auto const text = boost::json::serialize(dump);
    for (auto shown : {R"("allow_origins":["https://app.example.com"])", R"("max_connections":500)",
                       R"("max_connections_per_ip":20)", R"("reservation_lease":"90000ms")",
                       R"("max_retry_after":"45000ms")", R"("open_for":"20000ms")", R"("max_calls":7)",
                       R"("my-model":{"input_per_million":1.5E0)", R"("max_response_bytes":4194304)",
                       R"("max_attempts":2)", R"("simple_max_prompt_tokens":100)", R"("preconnect":2)"})
        BOOST_TEST(text.find(shown) != std::string::npos, shown);
}

// Reader and dump come from one field list per section: whatever the dump shows, the loader
// reads back to the same config. A key written in one place only cannot pass this.
BOOST_AUTO_TEST_CASE(the_dump_reads_back_to_the_same_config) {
    auto c = load_config_text(R"(
server: {port: 9000, cors: {allow_origins: ["https://app.example.com"], max_age: 5m}, trusted_proxies: [10.0.0.0/8],
         ready_drain_delay: 0, max_body_bytes: 2MiB}
store: {timeout: 80ms, local_fraction: 0.25}
logging: {level: warning, include_payloads: true}
metrics: {enabled: false}
background: {housekeeping_interval: 2m}
timeouts: {connect: 2s, attempt: 20s, request: 50s, response_headers: 3s}
resilience: {retry: {max_attempts: 4}, breaker: {failure_rate: 0.5, window: 20s},
             retry_budget: {window: 30s}, degraded_mode: {critical: {queued_calls: 300}, calm_for: 1m}}
budgets: {max_calls: 7, shares: {p2: 0.6}, on_store_error: fail_closed}
limits: [{per: key, requests: 5, window: 10s}, {route: /v1/embeddings, per: tenant, requests: 9}]
quotas: {on_store_error: fail_closed, tenants: {acme: {tokens_per_day: 500}}, providers: {p: {requests_per_day: 9}}}
providers:
  p: {kind: openai, base_url: "http://127.0.0.1:9/v1", fallback_on: [401, 404], headers: {x-team: blue},
      limits: {requests_per_minute: 60, burst: 2s}, probe: {interval: 30s}, timeouts: {attempt: 10s},
      retry: {max_attempts: 2}, breaker: {open_for: 5s}}
  r: {kind: rest, base_url: "http://127.0.0.1:9/x", usd_per_call: 0.01, passthrough: [/v1, /status/],
      content_types: [application/json, text/csv], auth: {type: basic, username: me, value: pw}}
models: {chat: [p/m1, {provider: p, model: m2, context_window: 8000, prefill: true}],
         tiered: {tiers: {simple: [p/s], complex: [p/c]}}}
tiers: {simple_max_prompt_tokens: 100, with_tools: complex}
pricing: {my-model: {input_per_million: 1.5, output_per_million: 2}}
services:
  weather:
    current:
      cache_ttl: 10m
      params: {city: {type: string, required: true, max_length: 40}, days: {type: integer, minimum: 1, maximum: 7},
               units: {default: metric, enum: [metric, imperial]}}
      providers:
        - {provider: r, path: "/w/{city}", query: {d: "{days}", u: "{units}"}, output: {t: /temp},
           units: {pointer: /u, usd_per_unit: 0.5}}
        - {provider: r, method: POST, path: /w, body: {q: "{city}", n: 3, deep: {on: true}}, output: {t: /t},
           usd_per_call: 0.02}
    lookup: {method: POST, params: {q: {type: string, required: true}}, providers: [{provider: r, path: /q, output: {a: /a}}]}
ai_routes:
  recommendations:
    path: /api/recommendations
    model: chat
    request_schema: {type: object, required: [query], properties: {query: {type: string, maxLength: 200}}}
    system: "You suggest gifts."
    prompt: "Gift for: {{query}}"
    defaults: {temperature: 0, max_tokens: 200}
    response_schema: {type: array, items: {type: string}}
    answer_field: recommendations
  chat:
    path: /api/v1/{tenant}/ai/chat
    model: chat
    messages_field: messages
    pass: {temperature: temperature, max_tokens: maxTokens}
)", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    auto const dump = boost::json::serialize(describe(*c));
    auto again = load_config_text(dump, fake_env({}));
    if (!again)
        for (auto const& problem : again.error().problems) BOOST_TEST_MESSAGE(problem);
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(boost::json::serialize(describe(*again)) == dump);
}

BOOST_AUTO_TEST_CASE(rest_providers_and_services_are_checked_with_the_path_of_each_problem) {
    auto const problems = problems_of(R"(
providers:
  llm: {kind: openai, base_url: "http://127.0.0.1:9/v1", passthrough: [/v1]}
  r: {kind: rest, base_url: "http://127.0.0.1:9", auth: {type: query}, passthrough: [/v1/../admin],
      headers: {x-a: "line\r\nbreak"}}
  s: {kind: rest, base_url: "http://127.0.0.1:9", auth: {type: basic, value: pw}}
  t: {kind: rest}
services:
  weather:
    current:
      method: PUT
      params: {city: {type: text}, days: {type: integer}}
      providers:
        - {provider: llm, path: "/w/{city}", output: {t: /temp}}
        - {provider: r, path: "w/{days}", query: {x: "{nope}"}, output: {t: temp}}
        - {provider: ghost, path: /w, output: {}}
    empty: {providers: []}
    posted: {method: POST, cache_ttl: 1m, providers: [{provider: s, path: /p, output: {a: /a}}]}
)");
    for (auto const* expected :
         {"providers.llm: auth, usd_per_call and passthrough are for providers of kind rest",
          "providers.r.auth.name: is required for query auth", "providers.r.auth.value: is required",
          "providers.r.passthrough[0]:", "providers.r.headers.x-a: may not hold a line break",
          "providers.s.auth.username: is required for basic auth", "providers.t.base_url: is required for kind rest",
          "services.weather.current.method: must be GET or POST",
          "services.weather.current.params.city.type: must be string, integer, number or boolean",
          "services.weather.current.providers[0].provider: must be a provider of kind rest",
          "services.weather.current.providers[1].path: must begin with '/'",
          "services.weather.current.providers[1]: names 'nope', not a parameter of the endpoint",
          "services.weather.current.providers[1].output.t: must be a JSON Pointer",
          "services.weather.current.providers[1].path: names 'days', which is neither required nor defaulted",
          "services.weather.current.providers[2].provider: names no provider: ghost",
          "services.weather.current.providers[2].output: must map at least one output field",
          "services.weather.empty.providers: must be a non-empty list",
          "services.weather.posted.cache_ttl: is for GET endpoints"})
        BOOST_TEST(mentions(problems, expected), expected);
}

BOOST_AUTO_TEST_CASE(named_ai_routes_are_checked_with_the_path_of_each_problem) {
    auto const problems = problems_of(R"(
ai_routes:
  builtin: {path: /v1/chat/completions, model: m, prompt: "x"}
  bad_path: {path: "/api/../x", model: m, prompt: "x"}
  two: {path: /a, model: m, prompt: "x", messages_field: messages}
  none: {path: /b, model: m}
  nomodel: {path: /c, prompt: "x"}
  template: {path: /d, model: m, prompt: "{{#open}} never closed"}
  schema: {path: /e, model: m, prompt: "x", request_schema: {type: 12}}
  remote: {path: /f, model: m, prompt: "x", response_schema: {$ref: "http://example.com/s.json"}}
  params: {path: /g, model: m, prompt: "x", pass: {tools: tools}}
  dup: {path: /d, model: m, prompt: "x"}
)");
    for (auto const* expected :
         {"ai_routes.bad_path.path: must be an absolute path",
          "ai_routes.two: needs a prompt template or a messages_field", "ai_routes.none: needs a prompt template",
          "ai_routes.nomodel.model: is required", "ai_routes.template.prompt: is not a valid Mustache template",
          "ai_routes.schema.request_schema: is not a usable JSON Schema",
          "ai_routes.remote.response_schema: is not a usable JSON Schema",
          "ai_routes.params.pass.tools: must be one of", "ai_routes.dup.path: is also the path of the route template"})
        BOOST_TEST(mentions(problems, expected), expected);
    // A built-in path is refused where the route table is linked (main, the runtime).
    auto builtin = load_config_text("ai_routes: {builtin: {path: /v1/chat/completions, model: m, prompt: x},\n"
                                    "            mine: {path: /api/mine, model: m, prompt: x}}\n",
                                    fake_env({}));
    BOOST_TEST_REQUIRE(builtin.has_value());
    auto const collisions = ai_route_collisions(*builtin);
    BOOST_TEST_REQUIRE(collisions.size() == 1u);
    BOOST_TEST(collisions.front() == "ai_routes.builtin.path: is a path the gateway serves itself");
}

BOOST_AUTO_TEST_CASE(a_rest_provider_serves_no_model_and_its_404_does_not_fall_back) {
    auto c = load_config_text(R"(
providers:
  r: {kind: rest, base_url: "http://127.0.0.1:9", passthrough: [/v1]}
  m: {kind: mock}
)", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    auto const catalog = make_catalog(*c);
    BOOST_TEST(!catalog.routes.providers.contains("r"));
    BOOST_TEST(catalog.rest.passthrough.contains("r"));
    auto const& r = *std::find_if(c->providers.begin(), c->providers.end(), [](auto const& p) { return p.name == "r"; });
    BOOST_TEST((r.fallback_on.statuses == std::vector<int>{401, 403}));
}

BOOST_AUTO_TEST_CASE(an_unknown_key_is_named_with_its_path_at_any_depth) {
    auto c = load_config_text("resilience: {degraded_mode: {critical: {queued_call: 3}}}\n"
                              "providers: {p: {kind: openai, base_url: \"http://127.0.0.1:9\", limits: {burts: 1s}}}\n",
                              fake_env({}));
    BOOST_TEST_REQUIRE(!c.has_value());
    auto const& problems = c.error().problems;
    auto has = [&](std::string const& p) { return std::find(problems.begin(), problems.end(), p) != problems.end(); };
    BOOST_TEST(has("resilience.degraded_mode.critical.queued_call: unknown key"));
    BOOST_TEST(has("providers.p.limits.burts: unknown key"));
}

BOOST_AUTO_TEST_CASE(the_shipped_example_config_is_valid) {
    auto c = load_config(SWITCHBOARD_SOURCE_DIR "/switchboard.example.yaml",
                         fake_env({{"GROQ_API_KEY", "gsk-000000000000"},
                                   {"TOGETHER_API_KEY", "tg-000000000000"},
                                   {"OPENAI_API_KEY", "sk-000000000000"},
                                   {"ANTHROPIC_API_KEY", "sk-ant-0000000000"},
                                   {"GEMINI_API_KEY", "AIza00000000000"}}));
    if (c.has_error())
        for (auto const& p : c.error().problems) BOOST_TEST_MESSAGE(p);
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->models.at("chat-default").size() == 3u);
    BOOST_TEST(c->providers.size() == 7u); // the env shorthand adds no duplicates
}

BOOST_AUTO_TEST_CASE(the_load_test_config_turns_limits_and_quotas_off) {
    auto c = load_config(SWITCHBOARD_SOURCE_DIR "/load-tests/unlimited.yaml", fake_env({}));
    BOOST_TEST_REQUIRE(c.has_value());
    BOOST_TEST(c->limits.empty());
    BOOST_TEST(!c->quotas.tenants.at("default").any());
    BOOST_TEST(c->server.max_connections_per_ip == 100000u);
}

BOOST_AUTO_TEST_CASE(check_config_exit_codes_from_the_binary) {
    std::string out;
    auto good = write_temp(
        "good.yaml", "providers:\n  m: {kind: mock}\n  o: {kind: openai, api_key: sk-secret-value-123456}\n");
    BOOST_TEST(run(std::string(SWITCHBOARD_BIN) + " --check-config " + good, out) == 0);
    BOOST_TEST(out.find("config OK") != std::string::npos);
    BOOST_TEST(out.find("secret-value") == std::string::npos);

    out.clear();
    auto bad = write_temp("bad.yaml", "providers:\n  m: {kind: nope}\n");
    BOOST_TEST(run(std::string(SWITCHBOARD_BIN) + " --check-config " + bad, out) == 1);
    BOOST_TEST(out.find("providers.m.kind") != std::string::npos);

    out.clear();
    BOOST_TEST(run(std::string(SWITCHBOARD_BIN) + " --check-config /nonexistent.yaml", out) == 1);
    out.clear();
    BOOST_TEST(run(std::string(SWITCHBOARD_BIN) + " --version", out) == 0);
    BOOST_TEST(out.find("switchboard ") == 0u);
    std::remove(good.c_str());
    std::remove(bad.c_str());
}

BOOST_AUTO_TEST_SUITE_END()
