#pragma once
// The composition root at run time: one thread, io_context, provider set, dispatcher, router
// and SO_REUSEPORT listener per core, all built from one validated config. Cores share only the
// immutable catalog, the TLS context and the thread-safe usage ledger.
//
// Lifecycle: start() binds every core's listener (throws if the address is taken) and starts
// the threads; shutdown() drains — stop accepting, close idle connections, let in-flight
// requests finish within the grace period — then cancels what is left and joins the threads.
// start() and shutdown() are called from one controlling thread (main or a test).

#include "adapters/background/periodic_tasks.hpp"
#include "adapters/background/gateway_jobs.hpp"
#include "adapters/background/probe_board.hpp"
#include "adapters/http/client_ip.hpp"
#include "adapters/http/connection_gate.hpp"
#include "adapters/auth/key_directory.hpp"
#include "adapters/store/memory_key_store.hpp"
#include "adapters/store/memory_refresh_store.hpp"
#include "adapters/auth/token_issuer.hpp"
#include "adapters/store/memory_key_meter_store.hpp"
#include "adapters/store/memory_quota_store.hpp"
#include "adapters/store/memory_rate_limit_store.hpp"
#include "adapters/observability/metrics.hpp"
#include "adapters/store/redis/redis_connection.hpp"
#include "adapters/webhooks/event_watch.hpp"
#include "adapters/webhooks/memory_webhook_store.hpp"
#include "server/config.hpp"

#include <boost/asio/ip/address.hpp>

namespace switchboard::adapters {
struct router_services;
class usage_reader;
}

#include <atomic>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace switchboard::server {

// Named AI routes whose path a built-in route serves ("ai_routes.<name>.path: …"): the route
// table is the router's, so this check runs where the router is linked (main, the runtime).
std::vector<std::string> ai_route_collisions(gateway_config const& config);

class gateway_runtime {
  public:
    explicit gateway_runtime(gateway_config config);
    ~gateway_runtime();
    gateway_runtime(gateway_runtime const&) = delete;
    gateway_runtime& operator=(gateway_runtime const&) = delete;

    void start();
    unsigned short port() const { return port_; }
    unsigned threads() const { return static_cast<unsigned>(cores_.size()); }
    void shutdown();

    adapters::usage_ledger const& ledger() const { return *ledger_; }
    adapters::ledger_writer* history() { return history_.get(); } // null: the ledger is off
    adapters::resilience_state const& resilience() const { return *resilience_; }
    adapters::probe_board const& probes() const { return *probes_; }
    // Background loops still running (0 after shutdown).
    int background_tasks() const { return tasks_ ? tasks_->running() : 0; }
    adapters::webhook_sender* webhooks() { return webhooks_.get(); } // null: no endpoint configured
    int in_flight() const { return in_flight_.load(); }
    // Disconnect watches armed over every core (calls that outlasted http_server_options::watch_after).
    std::uint64_t disconnect_watches_armed() const;

  private:
    struct core;
    struct core_stores; // the stores one core's limiter, quotas and budgets use
    // One core, listening on `port` (0 on the first core: any free port).
    std::unique_ptr<core> make_core(net::ip::address const& address, unsigned short port);
    void add_providers(core& c);
    core_stores add_stores(core& c);
    adapters::router_services services_for(core& c, adapters::metrics_shard* shard);
    void wait_for_store(unsigned cores) const;
    void start_background_tasks();
    void end_leases();
    void set_up_auth();
    void open_ledger();
    void set_up_webhooks();
    void start_webhooks(core& first); // ledger.store: the store (throws ledger_error when it cannot open), its writer and reader
    void load_credentials();
    gateway_config config_;
    std::shared_ptr<adapters::gateway_catalog const> catalog_;
    std::unique_ptr<adapters::usage_ledger> ledger_;
    // The durable usage ledger (null: ledger.store off) and its queries; they outlive the cores.
    std::unique_ptr<adapters::ledger_writer> history_;
    std::unique_ptr<adapters::usage_reader> usage_;
    std::unique_ptr<adapters::resilience_state> resilience_;
    std::unique_ptr<adapters::budget_store> budgets_; // in memory: the store, or Redis's fail-open fallback
    // In memory: the stores; with Redis: the per-instance fallbacks of its fail_open policies.
    std::unique_ptr<adapters::memory_rate_limit_store> local_limits_;
    std::unique_ptr<adapters::memory_quota_store> local_quotas_;
    std::unique_ptr<adapters::memory_key_meter_store> local_meters_;
    std::unique_ptr<adapters::response_cache> cache_; // every core's
    std::unique_ptr<adapters::redis_stats> store_stats_;
    std::optional<adapters::redis_endpoint> redis_;
    adapters::trusted_proxies proxies_;
    // Auth on: the keys that open the gateway (the config's and the store's), and the store of
    // the keys made at run time when it is this instance's memory (with Redis: one per core).
    std::unique_ptr<adapters::key_directory> keys_;
    std::unique_ptr<adapters::memory_key_store> local_keys_;
    std::unique_ptr<adapters::jwt_verifier> jwt_; // bearer JWTs: ours (tokens_) and the trusted issuers' (auth.jwt)
    std::unique_ptr<adapters::token_issuer> tokens_;
    std::unique_ptr<adapters::memory_refresh_store> local_refresh_; // without Redis
    std::unique_ptr<adapters::connection_gate> gate_;
    std::unique_ptr<adapters::metrics_registry> metrics_;
    std::unique_ptr<adapters::probe_board> probes_;
    std::unique_ptr<adapters::periodic_tasks> tasks_; // on the first core
    adapters::quota_watch quota_watch_;
    adapters::shared_log_watch cache_clears_seen_;
    adapters::shared_log_watch similar_seen_; // the semantic feed's count seen
    boost::json::object described_; // the effective config, secrets masked (/api/v1/config)
    // TLS client contexts: the system trust store, plus one per provider with its own ca_file.
    std::unique_ptr<net::ssl::context> default_tls_;
    std::map<std::string, std::unique_ptr<net::ssl::context>> provider_tls_;
    // Webhooks on: the sender (fed by every core, run by the first), the delivery records without
    // Redis, and what the watch task has seen. After the TLS context: destroyed before it.
    std::string instance_; // this process among the instances: "<host>/<random>"
    std::unique_ptr<adapters::webhook_sender> webhooks_;
    std::unique_ptr<adapters::memory_webhook_store> local_webhooks_;
    std::unique_ptr<adapters::event_watch> event_watch_;
    std::atomic<int> in_flight_{0};
    std::atomic<bool> ready_{false}; // /api/ready: started and not draining
    std::vector<std::unique_ptr<core>> cores_;
    unsigned short port_ = 0;
    bool running_ = false;
};

} // namespace switchboard::server
