#pragma once
// The gateway's configuration: a plain struct with documented defaults (docs/CONFIG.md), built
// in one place by load_config() from, in order: embedded defaults, the YAML/JSON file, the
// environment (PORT, HOST, provider shorthand *_API_KEY / *_BASE_URL). Validation collects every
// problem with its key path ("providers.claude.base_url: must start with http:// or https://").

#include "adapters/auth/jwt_verifier.hpp"
#include "adapters/cache/response_cache.hpp"
#include "adapters/auth/key_ring.hpp"
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/http/cors.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/ledger/ledger_writer.hpp"
#include "adapters/providers/provider_settings.hpp"
#include "adapters/limits/quota_keeper.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/observability/request_observer.hpp"
#include "adapters/webhooks/webhook_sender.hpp"
#include "domain/quota_lease.hpp"
#include "domain/ai/ai_route.hpp"
#include "domain/degraded_mode.hpp"
#include "domain/rate_limit.hpp"
#include "domain/retry_budget.hpp"
#include "domain/routing.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::server {

struct server_settings {
    std::string host = "0.0.0.0";
    unsigned short port = 8080;
    unsigned threads = 0; // 0 = one per core
    adapters::http_server_options http;
    std::chrono::milliseconds shutdown_grace{10'000};
    // On shutdown, /api/ready answers 503 for this long while still serving, before the
    // listeners close — time for a load balancer to notice (0: close at once).
    std::chrono::milliseconds ready_drain_delay{0};
    // Peers whose X-Forwarded-For is believed (CIDR blocks or addresses); empty: none.
    std::vector<std::string> trusted_proxies;
    adapters::cors_policy cors; // browser origins allowed to call the API; none by default
    std::string docs_url;       // linked from the Deprecation headers of legacy paths
    std::size_t max_connections = 10'000;      // open inbound connections, every core together
    std::size_t max_connections_per_ip = 256; // per client address (trusted proxies exempt)
};

// Where shared state lives: empty url → in memory (one instance); redis:// or rediss:// →
// shared by every instance.
struct store_settings {
    std::string url;
    // The url names one node of a Redis Cluster: the slot map is read from it and every command
    // goes to the primary of its key's slot (adapters/store/redis/redis_cluster.hpp).
    bool cluster = false;
    std::chrono::milliseconds timeout{50};          // bound of every store call on the request path
    std::chrono::milliseconds connect_timeout{1000}; // connect + handshake
    double local_fraction = 0.5; // fail_open: local per-instance limits = this share of the shared ones
    // How long a quota reservation may stay unsettled before the store gives it back itself
    // (its settlement was lost to a stalled store). 0: timeouts.request + 60 s, so a call that
    // is still running — every call ends by its deadline — never loses its reservation.
    std::chrono::milliseconds reservation_lease{0};
    // Quota leases (domain/quota_lease.hpp): each core reserves quota for `calls` calls at once
    // and admits them without a round trip. Off (calls 1) by default: usage then reaches the
    // store with each call, and no leased room is ever held back from another instance.
    domain::lease_terms leases;
};

// The usage ledger: one row per call, kept `options.retention` (ledger_writer.hpp).
struct ledger_settings {
    std::string store = "sqlite";                 // sqlite (embedded, the default), postgres, or off
    std::string path = "switchboard-data/usage.db"; // sqlite: the file (its directory is made)
    std::string url;                              // postgres: postgresql://user:pass@host:port/db
    adapters::ledger_options options;
};

struct timeout_settings {
    std::chrono::milliseconds connect{5'000};
    std::chrono::milliseconds attempt{30'000};
    std::chrono::milliseconds response_headers{0}; // 0: off (the attempt timeout bounds it)
    std::chrono::milliseconds request{60'000};
    std::chrono::milliseconds first_token{10'000}; // streams: no first content by then → next deployment
    std::chrono::milliseconds stream_idle{15'000}; // streams: longest silence once content began
};

// Defaults for every provider (a provider may override retry and breaker).
struct resilience_settings {
    domain::retry_config retry;
    domain::breaker_config breaker;
    domain::retry_budget_config retry_budget;
    domain::mode_thresholds modes; // degraded-mode entry thresholds and hysteresis
};

// Logs, metrics and the periodic background work.
struct observability_settings {
    adapters::log_options log;              // level (LOG_LEVEL) and target: stdout or a rotated file
    adapters::request_log_options requests; // payloads in request lines: opt-in, truncated
    bool metrics = true;                    // GET /metrics and /api/metrics
    std::chrono::milliseconds quota_refresh_interval{60'000}; // quota use → degraded-mode signal
    std::chrono::milliseconds housekeeping_interval{60'000};  // store pruning and PING
};

// Who may call (docs/CONFIG.md, auth). Off unless a key is configured: the zero-config gateway
// stays open for local use and says so.
struct auth_settings {
    std::optional<bool> required;          // mode: required | off; unset: required once a key exists
    std::string secret;                    // the HMAC key of the stored key hashes (a secret)
    std::int64_t failures_per_minute = 10; // failed authentications per client address, then 429
    // How often an instance asks the shared store whether keys changed (revocations elsewhere
    // take effect within this, plus one round trip).
    std::chrono::milliseconds watch_interval{250};
    // /api/auth/login: how long its access tokens and refresh token families live.
    std::chrono::milliseconds access_token_ttl{15 * 60'000};
    std::chrono::milliseconds refresh_token_ttl{7 * 24 * 3'600'000LL};
    std::vector<adapters::api_key_record> keys;
    // Required as soon as a key source is configured: keys in the file, or a secret to make
    // keys with at run time (the admin API).
    std::vector<adapters::jwt_issuer_settings> jwt; // trusted identity providers (bearer JWTs)
    bool on() const { return required.value_or(!keys.empty() || !secret.empty() || !jwt.empty()); }
};

struct gateway_config {
    server_settings server;
    store_settings store;
    std::string admin_key; // admin.api_key / SWITCHBOARD_ADMIN_KEY: stats, providers, config endpoints
    auth_settings auth;
    observability_settings observability;
    std::vector<domain::rate_limit_rule> limits = domain::default_rate_limits();
    adapters::quota_policy quotas;
    timeout_settings timeouts;
    resilience_settings resilience;
    adapters::budget_policy budgets;
    adapters::cache_options cache;
    ledger_settings ledger;
    adapters::webhook_options webhooks; // off until an endpoint is configured
    std::vector<adapters::provider_settings> providers;
    std::map<std::string, std::vector<domain::deployment>, std::less<>> models; // "*" = catch-all
    // Groups split into simple / medium / complex deployments.
    std::map<std::string, std::array<std::vector<domain::deployment>, domain::tier_count>, std::less<>>
        tiered_models;
    domain::tier_rules tiers;
    std::vector<std::pair<std::string, domain::model_price>> prices; // overrides
    std::vector<domain::rest::endpoint> services; // REST service endpoints, in the file's order
    std::vector<domain::ai::ai_route> ai_routes;   // named AI routes, in the file's order
};

// Reads an environment variable; injected so tests control the environment.
using env_lookup = std::function<std::optional<std::string>(std::string const&)>;
env_lookup process_env();

struct config_errors {
    std::vector<std::string> problems; // "key.path: problem"
};

// `file` empty → embedded defaults + environment only.
boost::system::result<gateway_config, config_errors> load_config(std::string const& file, env_lookup env);
// Same, from YAML/JSON text (used by tests and by load_config).
boost::system::result<gateway_config, config_errors> load_config_text(std::string const& text,
                                                                      env_lookup env);

// The routing table and prices the dispatcher reads (every core shares one).
adapters::gateway_catalog make_catalog(gateway_config const& config);

// The effective config as JSON with every secret masked (for --check-config and /api/v1/config).
boost::json::object describe(gateway_config const& config);
} // namespace switchboard::server
