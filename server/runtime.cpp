// Thread-per-core runtime.
#include "server/runtime.hpp"

#include "adapters/http/api_router.hpp"
#include "adapters/ledger/postgres_ledger.hpp"
#include "adapters/ledger/sqlite_ledger.hpp"
#include "adapters/ledger/usage_reader.hpp"
#include "adapters/wall_clock.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/providers/provider_factory.hpp"
#include "adapters/limits/inbound_limiter.hpp"
#include "adapters/limits/leased_key_meter_store.hpp"
#include "adapters/limits/leased_quota_store.hpp"
#include "adapters/limits/leased_rate_limit_store.hpp"
#include "adapters/limits/quota_keeper.hpp"
#include "adapters/store/memory_budget_store.hpp"
#include "adapters/store/redis/redis_cluster.hpp"
#include "adapters/store/redis/redis_scripts.hpp"
#include "adapters/store/redis/redis_key_store.hpp"
#include "adapters/store/redis/redis_cache_store.hpp"
#include "adapters/store/redis/redis_refresh_store.hpp"
#include "adapters/store/redis/redis_stores.hpp"
#include "adapters/webhooks/redis_webhook_store.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <future>
#include <set>
#include <thread>

namespace switchboard::server {

namespace {
// TLS client contexts are built once and shared by every core: OpenSSL's SSL_CTX is safe to
// use concurrently once configured. Verification uses the system store plus `ca_file`.
std::unique_ptr<net::ssl::context> make_tls_context(std::string const& ca_file) {
    auto c = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
    c->set_default_verify_paths();
    if (!ca_file.empty()) c->load_verify_file(ca_file);
    c->set_verify_mode(net::ssl::verify_peer);
    c->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    return c;
}

// Whether a fail_closed policy makes the shared store necessary to serve.
bool store_required(gateway_config const& c) {
    using domain::fail_mode;
    return c.quotas.on_store_error == fail_mode::closed || c.budgets.on_store_error == fail_mode::closed ||
           std::any_of(c.limits.begin(), c.limits.end(),
                       [](domain::rate_limit_rule const& r) { return r.on_store_error == fail_mode::closed; });
}

// Runs `fn` on the core's thread and waits for it (used for start/drain steps).
template <class F> void run_on(net::io_context& ctx, F fn) {
    std::promise<void> done;
    net::post(ctx, [&] {
        try {
            fn();
            done.set_value();
        } catch (...) {
            done.set_exception(std::current_exception());
        }
    });
    done.get_future().get();
}
} // namespace

// Declaration order is destruction order in reverse: the io_context is destroyed last, after
// every object holding sockets on it; coroutine frames it still owns keep their own state alive.
struct gateway_runtime::core {
    net::io_context context{1};
    net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(context);
    adapters::provider_registry providers;
    // With Redis: this core's connection and the stores over it.
    std::unique_ptr<adapters::redis_link> redis; // a redis_connection, or a redis_cluster
    std::unique_ptr<adapters::redis_rate_limit_store> redis_limits;
    std::unique_ptr<adapters::redis_quota_store> redis_quotas;
    std::unique_ptr<adapters::leased_quota_store> leased_quotas;     // store.leases on
    std::unique_ptr<adapters::leased_rate_limit_store> leased_limits; // store.leases on
    std::unique_ptr<adapters::leased_key_meter_store> leased_meters;  // store.leases on
    std::vector<adapters::lease_holder*> lease_holders;               // the three above, when on
    std::unique_ptr<adapters::redis_budget_store> redis_budgets;
    std::unique_ptr<adapters::redis_key_meter_store> redis_meters;
    std::unique_ptr<adapters::redis_key_store> redis_keys;
    std::unique_ptr<adapters::redis_refresh_store> redis_refresh;
    std::unique_ptr<adapters::redis_cache_store> redis_cache;
    std::unique_ptr<adapters::redis_webhook_store> redis_webhooks;
    std::unique_ptr<adapters::inbound_limiter> limiter;
    std::unique_ptr<adapters::quota_keeper> quotas;
    std::unique_ptr<adapters::key_keeper> keys; // auth on: keys' own limits and budgets
    std::unique_ptr<adapters::request_observer> observer;
    std::unique_ptr<adapters::dispatcher> dispatch;
    std::unique_ptr<adapters::api_router> router;
    std::unique_ptr<adapters::http_server> server;
    std::thread thread;
};

namespace {
// How long a Redis quota reservation may stay unsettled: configured, or longer than any call can
// run (every call ends by its request deadline).
std::chrono::milliseconds reservation_lease(gateway_config const& c) {
    return c.store.reservation_lease.count() > 0 ? c.store.reservation_lease
                                                 : c.timeouts.request + std::chrono::milliseconds(60'000);
}
} // namespace

std::vector<std::string> ai_route_collisions(gateway_config const& config) {
    std::vector<std::string> problems;
    for (auto const& r : config.ai_routes)
        if (adapters::api_router::serves_path(r.path))
            problems.push_back("ai_routes." + r.name + ".path: is a path the gateway serves itself");
    return problems;
}

gateway_runtime::gateway_runtime(gateway_config config)
    : config_(std::move(config)),
      catalog_(std::make_shared<adapters::gateway_catalog const>(make_catalog(config_))),
      ledger_(std::make_unique<adapters::usage_ledger>()),
      resilience_(std::make_unique<adapters::resilience_state>(config_.resilience.retry_budget,
                                                               config_.resilience.modes)),
      budgets_(std::make_unique<adapters::memory_budget_store>()),
      local_limits_(std::make_unique<adapters::memory_rate_limit_store>()),
      local_quotas_(std::make_unique<adapters::memory_quota_store>()),
      local_meters_(std::make_unique<adapters::memory_key_meter_store>()),
      cache_(std::make_unique<adapters::response_cache>(config_.cache)),
      store_stats_(std::make_unique<adapters::redis_stats>()), default_tls_(make_tls_context("")) {
    if (auto problems = ai_route_collisions(config_); !problems.empty()) throw std::invalid_argument(problems.front());
    open_ledger();
    set_up_webhooks();
    for (auto const& p : config_.providers)
        if (!p.ca_file.empty()) provider_tls_[p.name] = make_tls_context(p.ca_file);
    if (!config_.store.url.empty()) {
        auto endpoint = adapters::parse_redis_url(config_.store.url);
        if (!endpoint) throw std::invalid_argument("store.url " + endpoint.error()); // validated at load
        redis_ = *endpoint;
    }
    for (auto const& p : config_.providers) resilience_->on_quota_use(p.name, 0.0);
    resilience_->bound_dynamic(catalog_->fixed_keys); // client-chosen model names: bounded state
    auto proxies = adapters::trusted_proxies::parse(config_.server.trusted_proxies);
    if (proxies) proxies_ = *proxies;
    described_ = describe(config_);
    set_up_auth();
    gate_ = std::make_unique<adapters::connection_gate>(config_.server.max_connections,
                                                        config_.server.max_connections_per_ip, &proxies_);
    metrics_ = std::make_unique<adapters::metrics_registry>();
    probes_ = std::make_unique<adapters::probe_board>();
}

// Auth on: the key ring, the tenants keys may act for, and the limit on failed authentications
// per client address (a rule of the inbound limiter on its own route, exact across instances).
void gateway_runtime::set_up_auth() {
    auto const& auth = config_.auth;
    if (!auth.on()) return;
    std::set<std::string, std::less<>> tenants;
    for (auto const& [tenant, limits] : config_.quotas.tenants)
        if (tenant != "default") tenants.insert(tenant);
    keys_ = std::make_unique<adapters::key_directory>(auth.secret, auth.keys, std::move(tenants));
    auto issuers = auth.jwt;
    if (!auth.secret.empty()) { // this gateway's own access tokens, for browsers
        using std::chrono::duration_cast;
        using std::chrono::seconds;
        tokens_ = std::make_unique<adapters::token_issuer>(auth.secret, duration_cast<seconds>(auth.access_token_ttl),
                                                           duration_cast<seconds>(auth.refresh_token_ttl));
        issuers.insert(issuers.begin(), tokens_->verifier_settings());
        if (!redis_) local_refresh_ = std::make_unique<adapters::memory_refresh_store>();
    }
    if (!issuers.empty()) jwt_ = std::make_unique<adapters::jwt_verifier>(std::move(issuers));
    if (!redis_) local_keys_ = std::make_unique<adapters::memory_key_store>();
    config_.limits.push_back({std::string(adapters::api_router::auth_failures_route), domain::limit_scope::ip,
                              auth.failures_per_minute, std::chrono::minutes(1), domain::fail_mode::open});
}

// "<host name>/<6 random characters>": names this process in the facts only it knows (its
// breakers, its mode, its ledger queue).
static std::string instance_name() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::string(host[0] ? host : "switchboard") + "/" + adapters::key_ring::random_alnum(6);
}

// Alert levels for every quota store; with endpoints, the sender, and the resilience state and
// quota keepers report to it.
void gateway_runtime::set_up_webhooks() {
    local_quotas_->set_alert_levels(config_.quotas.alert_thresholds);
    if (!config_.webhooks.on()) return;
    instance_ = instance_name();
    webhooks_ = std::make_unique<adapters::webhook_sender>(config_.webhooks, *default_tls_, adapters::unix_now_ms);
    resilience_->report_to(webhooks_.get(), instance_, adapters::unix_now_ms);
    if (!redis_) local_webhooks_ = std::make_unique<adapters::memory_webhook_store>(adapters::unix_now_ms);
}

void gateway_runtime::open_ledger() {
    auto const& settings = config_.ledger;
    std::shared_ptr<adapters::ledger_store> store;
    if (settings.store == "sqlite") store = std::make_shared<adapters::sqlite_ledger>(settings.path);
    if (settings.store == "postgres") store = std::make_shared<adapters::postgres_ledger>(settings.url);
    if (!store) return;
    history_ = std::make_unique<adapters::ledger_writer>(std::move(store), settings.options, adapters::unix_now_ms);
    usage_ = std::make_unique<adapters::usage_reader>(*history_);
}

gateway_runtime::~gateway_runtime() {
    shutdown();
}

void gateway_runtime::start() {
    unsigned n = config_.server.threads;
    if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
    auto const address = net::ip::make_address(config_.server.host);
    unsigned short port = config_.server.port;
    for (unsigned i = 0; i < n; ++i) {
        cores_.push_back(make_core(address, port));
        port = cores_.back()->server->port(); // the first core may bind port 0; the others share its port
    }
    port_ = port;
    start_background_tasks();
    for (auto& c : cores_) c->thread = std::thread([ctx = &c->context] { ctx->run(); });
    running_ = true;
    wait_for_store(n);
    load_credentials();
    ready_.store(true);
    adapters::log_event(adapters::log_level::info, "started",
                        {{"port", port_},
                         {"host", config_.server.host},
                         {"threads", n},
                         {"providers", config_.providers.size()},
                         {"store", redis_ ? redis_->describe() : std::string("memory")},
                         {"store_connected", store_stats_->connections_up.load()},
                         {"store_cluster", config_.store.cluster},
                         {"auth", config_.auth.on() ? "required" : "off"},
                         {"api_keys", config_.auth.keys.size()}});
    if (!config_.auth.on())
        adapters::log_event(adapters::log_level::warning, "auth_off",
                            {{"message", "No API key is configured: anyone who reaches this gateway may call it "
                                         "(fine for local use; see auth in docs/CONFIG.md)"}});
}

struct gateway_runtime::core_stores {
    adapters::rate_limit_store* limits;
    adapters::quota_store* quotas;
    adapters::budget_store* budgets;
    adapters::key_meter_store* meters;
};

std::unique_ptr<gateway_runtime::core> gateway_runtime::make_core(net::ip::address const& address,
                                                                  unsigned short port) {
    auto c = std::make_unique<core>();
    add_providers(*c);
    auto const stores = add_stores(*c);
    bool const shared = redis_.has_value();
    auto* fallbacks = &store_stats_->fallbacks;
    if (!config_.limits.empty())
        c->limiter = std::make_unique<adapters::inbound_limiter>(config_.limits, *stores.limits,
                                                                 shared ? local_limits_.get() : nullptr,
                                                                 config_.store.local_fraction, fallbacks);
    c->quotas = std::make_unique<adapters::quota_keeper>(config_.quotas, *stores.quotas,
                                                         shared ? local_quotas_.get() : nullptr,
                                                         config_.store.local_fraction, fallbacks);
    c->quotas->report_to(webhooks_.get());
    if (config_.auth.on())
        c->keys = std::make_unique<adapters::key_keeper>(c->context.get_executor(),
            adapters::key_meter_policy{stores.meters, shared ? local_meters_.get() : nullptr,
                                       config_.store.local_fraction, config_.quotas.on_store_error,
                                       reservation_lease(config_)},
            *c->quotas, fallbacks);
    auto* shard = config_.observability.metrics ? &metrics_->add_shard() : nullptr;
    std::set<std::string, std::less<>> tenant_labels;
    for (auto const& [tenant, limits] : config_.quotas.tenants) tenant_labels.insert(tenant);
    tenant_labels.insert("default");
    c->observer = std::make_unique<adapters::request_observer>(shard, std::move(tenant_labels),
                                                               config_.observability.requests, history_.get(),
                                                               adapters::unix_now_ms);
    c->dispatch = std::make_unique<adapters::dispatcher>(catalog_, c->providers, *ledger_, *resilience_,
                                                         *stores.budgets, config_.budgets, c->quotas.get(), shard,
                                                         c->keys.get());
    c->router = std::make_unique<adapters::api_router>(*c->dispatch, services_for(*c, shard));
    c->server =
        std::make_unique<adapters::http_server>(c->context, *c->router, config_.server.http, in_flight_, gate_.get());
    c->server->start(net::ip::tcp::endpoint(address, port));
    return c;
}

void gateway_runtime::add_providers(core& c) {
    for (auto const& settings : config_.providers) {
        auto tls = provider_tls_.find(settings.name);
        auto& tls_context = tls == provider_tls_.end() ? *default_tls_ : *tls->second;
        c.providers[settings.name] = adapters::provider_slot{
            adapters::make_provider(settings, c.context.get_executor(), tls_context),
            settings.attempt_timeout,
            adapters::find_provider_kind(settings.kind)->billable, // validated by the config
            settings.retry,
            settings.breaker,
            settings.limits,
            settings.fallback_on};
    }
}

// In memory: the instance's stores. With Redis: this core's connection and the stores over it.
gateway_runtime::core_stores gateway_runtime::add_stores(core& c) {
    if (!redis_) return {local_limits_.get(), local_quotas_.get(), budgets_.get(), local_meters_.get()};
    adapters::redis_options options{*redis_, config_.store.timeout, config_.store.connect_timeout,
                                    std::max(std::chrono::milliseconds(250), config_.store.timeout * 5),
                                    std::chrono::milliseconds(1000)};
    if (config_.store.cluster)
        c.redis = std::make_unique<adapters::redis_cluster>(c.context.get_executor(), options, default_tls_.get(),
                                                            *store_stats_, adapters::scripts::all());
    else
        c.redis = std::make_unique<adapters::redis_connection>(c.context.get_executor(), options, default_tls_.get(),
                                                               *store_stats_, adapters::scripts::all());
    c.redis_limits = std::make_unique<adapters::redis_rate_limit_store>(*c.redis);
    c.redis_quotas = std::make_unique<adapters::redis_quota_store>(*c.redis, reservation_lease(config_));
    c.redis_budgets = std::make_unique<adapters::redis_budget_store>(*c.redis);
    c.redis_meters = std::make_unique<adapters::redis_key_meter_store>(*c.redis);
    c.redis_keys = std::make_unique<adapters::redis_key_store>(*c.redis);
    c.redis_refresh = std::make_unique<adapters::redis_refresh_store>(*c.redis);
    c.redis_cache = std::make_unique<adapters::redis_cache_store>(*c.redis);
    c.redis_quotas->set_alert_levels(config_.quotas.alert_thresholds);
    if (webhooks_) c.redis_webhooks = std::make_unique<adapters::redis_webhook_store>(*c.redis);
    c.redis->start();
    if (!config_.store.leases.on())
        return {c.redis_limits.get(), c.redis_quotas.get(), c.redis_budgets.get(), c.redis_meters.get()};
    auto const executor = c.context.get_executor();
    c.leased_quotas = std::make_unique<adapters::leased_quota_store>(executor, *c.redis_quotas, config_.store.leases);
    c.leased_limits = std::make_unique<adapters::leased_rate_limit_store>(executor, *c.redis_limits, *c.redis_limits,
                                                                          config_.store.leases);
    store_stats_->quota_leases.push_back(&c.leased_quotas->counts()); // (before any core serves)
    c.leased_meters = std::make_unique<adapters::leased_key_meter_store>(executor, *c.redis_meters, *c.redis_meters,
                                                                         config_.store.leases);
    c.lease_holders = {c.leased_quotas.get(), c.leased_limits.get(), c.leased_meters.get()};
    store_stats_->limit_leases.push_back(&c.leased_limits->counts());
    store_stats_->meter_leases.push_back(&c.leased_meters->counts());
    return {c.leased_limits.get(), c.leased_quotas.get(), c.redis_budgets.get(), c.leased_meters.get()};
}

adapters::router_services gateway_runtime::services_for(core& c, adapters::metrics_shard* shard) {
    bool const shared = redis_.has_value();
    adapters::router_services services;
    services.limiter = c.limiter.get();
    services.cache = cache_.get();
    services.shared_cache = c.redis_cache.get();
    services.quotas = c.quotas.get();
    services.proxies = &proxies_;
    services.store_kind = shared ? "redis" : "memory";
    services.store_stats = shared ? store_stats_.get() : nullptr;
    services.cors = config_.server.cors;
    services.docs_url = config_.server.docs_url;
    services.ready = &ready_;
    services.store_required = shared && store_required(config_);
    services.ledger = ledger_.get();
    services.usage = usage_.get();
    services.config_view = &described_;
    services.admin_key = config_.admin_key;
    services.observer = c.observer.get();
    services.metrics = shard;
    services.registry = config_.observability.metrics ? metrics_.get() : nullptr;
    services.in_flight = &in_flight_;
    services.probes = probes_.get();
    services.ws_idle_timeout = config_.server.http.idle_timeout;
    services.keys = keys_.get();
    services.stored_keys = c.redis_keys ? static_cast<adapters::key_store*>(c.redis_keys.get()) : local_keys_.get();
    services.auth_required = config_.auth.on();
    services.jwt = jwt_.get();
    services.tokens = tokens_.get();
    services.refresh_tokens =
        c.redis_refresh ? static_cast<adapters::refresh_store*>(c.redis_refresh.get()) : local_refresh_.get();
    services.tls = default_tls_.get();
    services.webhooks =
        c.redis_webhooks ? static_cast<adapters::webhook_store*>(c.redis_webhooks.get()) : local_webhooks_.get();
    services.sender = webhooks_.get();
    return services;
}

// Serve with shared state from the first request when Redis is there; without it, start anyway
// (the fail modes apply) and keep reconnecting in the background.
void gateway_runtime::wait_for_store(unsigned cores) const {
    if (!redis_) return;
    auto const give_up = std::chrono::steady_clock::now() + config_.store.connect_timeout;
    auto const ready = [&] {
        return config_.store.cluster ? store_stats_->cluster_links_ready.load() >= static_cast<int>(cores)
                                     : store_stats_->connections_up.load() >= static_cast<int>(cores);
    };
    while (!ready() && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

// The JWKS of the issuers with a URL, and the keys made at run time, read once before serving
// (then by the jwks and key_watch tasks): a key made on another instance works here from the
// first request. A store that cannot answer leaves the config's keys alone in force until the
// watch reads it.
void gateway_runtime::load_credentials() {
    auto& first = *cores_.front();
    if (jwt_)
        for (std::size_t i = 0; i < jwt_->issuers(); ++i) {
            if (jwt_->settings(i).jwks_url.empty()) continue;
            auto fetched = net::co_spawn(first.context, jwt_->refetch(i, first.context.get_executor(), *default_tls_, true),
                                         net::use_future);
            fetched.wait_for(std::chrono::seconds(6)); // a failure is logged; kid misses fetch again
        }
    if (!keys_ || !first.redis_keys) return;
    auto done = net::co_spawn(first.context, keys_->refresh(*first.redis_keys, true), net::use_future);
    try {
        if (done.wait_for(config_.store.connect_timeout) == std::future_status::ready) done.get();
    } catch (std::exception const& e) {
        adapters::log_event(adapters::log_level::warning, "keys_not_loaded", {{"reason", e.what()}});
    }
}

// Background work runs on the first core: provider probes (each provider with a probe
// interval), the quota refresh, and store housekeeping.
void gateway_runtime::start_background_tasks() {
    auto& first = *cores_.front();
    tasks_ = std::make_unique<adapters::periodic_tasks>(first.context.get_executor());
    for (auto const& p : config_.providers) {
        if (p.probe_interval.count() <= 0) continue;
        auto target = std::make_shared<adapters::probe_target>();
        target->provider = p.name;
        target->impl = first.providers.at(p.name).impl.get();
        target->timeout = p.probe_timeout;
        target->breaker = p.breaker;
        auto const& routes = catalog_->routes;
        auto collect = [&](std::vector<domain::deployment> const& list) {
            for (auto const& d : list)
                if (d.provider == p.name) target->deployments.push_back(domain::deployment_key(d));
        };
        for (auto const& [name, list] : routes.groups) collect(list);
        collect(routes.catch_all);
        for (auto const& [name, tiers] : routes.tiered)
            for (auto const& list : tiers) collect(list);
        std::sort(target->deployments.begin(), target->deployments.end());
        target->deployments.erase(std::unique(target->deployments.begin(), target->deployments.end()),
                                  target->deployments.end());
        tasks_->spawn("probe:" + p.name, p.probe_interval, [target, this]() {
            return adapters::probe_provider(*target, *probes_, *resilience_);
        });
    }
    if (!config_.quotas.providers.empty())
        tasks_->spawn("quota_refresh", config_.observability.quota_refresh_interval, [this, &first]() {
            return adapters::refresh_quota_signals(*first.quotas, *resilience_, quota_watch_);
        });
    for (std::size_t i = 0; jwt_ && i < jwt_->issuers(); ++i) {
        auto const& issuer = jwt_->settings(i);
        if (issuer.jwks_url.empty() && issuer.jwks_file.empty()) continue;
        tasks_->spawn("jwks:" + issuer.policy.issuer, issuer.jwks_refresh, [this, i, &first]() {
            return jwt_->refetch(i, first.context.get_executor(), *default_tls_, true);
        });
    }
    if (keys_ && first.redis_keys)
        tasks_->spawn("key_watch", config_.auth.watch_interval, [this, &first]() {
            return keys_->refresh(*first.redis_keys);
        });
    if (first.redis_cache)
        tasks_->spawn("cache_sync", config_.cache.shared_sync, [this, &first]() {
            return adapters::follow_cache_clears(*first.redis_cache, *cache_, cache_clears_seen_);
        });
    if (first.redis_cache && config_.cache.semantic.on())
        tasks_->spawn("semantic_sync", config_.cache.shared_sync, [this, &first]() {
            return adapters::follow_similar(*first.redis_cache, *cache_, similar_seen_);
        });
    if (webhooks_) start_webhooks(first);
    if (first.leased_quotas)
        tasks_->spawn("leases", config_.store.leases.hold, [this]() -> net::awaitable<void> {
            for (auto& c : cores_)
                for (auto* holder : c->lease_holders)
                    co_await net::co_spawn(c->context, holder->flush(), net::use_awaitable);
        });
    tasks_->spawn("store_housekeeping", config_.observability.housekeeping_interval, [this, &first]() {
        return adapters::store_housekeeping(local_quotas_.get(), first.redis.get());
    });
}

// The sender's turns (poll) and the watch for expiring keys and ledger losses, on the first core.
void gateway_runtime::start_webhooks(core& first) {
    webhooks_->use_store(first.redis_webhooks ? static_cast<adapters::webhook_store*>(first.redis_webhooks.get())
                                              : local_webhooks_.get());
    tasks_->spawn("webhooks", config_.webhooks.poll, [this]() { return webhooks_->run_once(); });
    event_watch_ = std::make_unique<adapters::event_watch>(
        adapters::event_watch{*webhooks_, instance_, config_.webhooks.key_expiry_notice, keys_.get(), history_.get()});
    tasks_->spawn("webhook_watch", config_.webhooks.watch_interval, [this]() -> net::awaitable<void> {
        event_watch_->look(adapters::unix_now_ms());
        co_return;
    });
}

std::uint64_t gateway_runtime::disconnect_watches_armed() const {
    std::uint64_t n = 0;
    for (auto const& c : cores_) n += c->server->disconnect_watches_armed();
    return n;
}

// Ends every core's leases (after the drain, before the store links close): what their calls used
// reaches the store now, and the room they hold is free for the other instances at once rather
// than when the store's expiry gives it back.
void gateway_runtime::end_leases() {
    for (auto& c : cores_) {
        if (c->lease_holders.empty()) continue;
        auto close = [](core& k) -> net::awaitable<void> {
            for (auto* holder : k.lease_holders) co_await holder->close_all();
        };
        auto done = net::co_spawn(c->context, close(*c), net::use_future);
        if (done.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
            adapters::log_event(adapters::log_level::warning, "leases_unsettled",
                                {{"message", "the store did not take the leases' settlements in time; "
                                             "it gives what they hold back when it expires"}});
            continue;
        }
        try {
            done.get();
        } catch (std::exception const& e) {
            adapters::log_event(adapters::log_level::warning, "leases_unsettled", {{"error", e.what()}});
        }
    }
}

void gateway_runtime::shutdown() {
    if (!running_) return;
    running_ = false;
    ready_.store(false); // load balancers stop sending before the listeners close
    if (tasks_) tasks_->stop(); // probes and housekeeping end first: nothing new starts while draining
    tasks_.reset();
    adapters::log_event(adapters::log_level::info, "draining", {{"in_flight", in_flight_.load()}});
    std::this_thread::sleep_for(config_.server.ready_drain_delay);
    for (auto& c : cores_) run_on(c->context, [&] { c->server->begin_drain(); });

    // Wait for in-flight requests to finish, within the grace period.
    auto const give_up = std::chrono::steady_clock::now() + config_.server.shutdown_grace;
    while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    int const abandoned = in_flight_.load();
    end_leases();

    for (auto& c : cores_) {
        run_on(c->context, [&] {
            c->server->close_all();
            if (c->redis) c->redis->stop();
            if (webhooks_ && c == cores_.front()) webhooks_->close(); // its sockets live on this core
        });
        c->work.reset();
        c->context.stop();
    }
    for (auto& c : cores_)
        if (c->thread.joinable()) c->thread.join();
    // A usage query's last steps on the reader's thread still hold its core's executor: they end
    // before the io_contexts go.
    if (usage_) usage_->stop();
    cores_.clear();
    adapters::log_event(adapters::log_level::info, "stopped", {{"abandoned_requests", abandoned}});
}

} // namespace switchboard::server
