#pragma once
// Webhook delivery (docs/WEBHOOKS.md). publish() queues an event from any thread, never blocking
// (a full queue drops the event and counts it). The background task run_once(), on one core,
// takes the queued events; claims each in the webhook store under its id — the SHA-256 of its
// identity, so every instance reporting one fact claims the same id and only the first delivers
// it; makes one delivery per subscribed endpoint; and sends the deliveries that are due:
// a POST of the Standard Webhooks payload signed with the endpoint's secret (webhook-id,
// webhook-timestamp, webhook-signature), retried on the policy's schedule until a 2xx or until
// the schedule ends (domain/webhooks/delivery.hpp). Each state is saved to the store, where
// /api/v1/webhooks/deliveries reads it.
//
// The instance also remembers the ids it claimed (for `dedupe_for`, at most 100,000): a fact it
// reports again (the watch finding the same key each turn) costs no store round trip, and is not
// sent again while the store is down.
//
// At least once: a store that cannot answer a claim does not stop the delivery (a receiver
// dedupes by webhook-id, which is the same for every report of one fact); a delivery pending
// when the instance stops is not resumed elsewhere.
//
// Endpoints obey the upstream safety rules: an endpoint named by host is reached only at public
// addresses unless it allows private networks (address_policy.hpp); plain http only to loopback
// unless declared (the config checks it).
//
// Thread safety: publish() and counts() from any thread; the rest on the executor of the core
// that runs the task. close() there before that core's io_context goes (it owns sockets on it).
#include "adapters/net.hpp"
#include "adapters/webhooks/event_sink.hpp"
#include "adapters/webhooks/memory_webhook_store.hpp"
#include "domain/webhooks/delivery.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace switchboard::adapters {

class http_client;

struct webhook_endpoint {
    std::string name;
    std::string url;    // http(s)://host[:port]/path
    std::string secret; // "whsec_<base64>": never logged or shown
    std::vector<domain::webhooks::event_type> events; // empty: every event
    bool allow_private_network = false;
    bool allow_insecure_http = false; // plain http:// to a host other than loopback (the config checks)
    bool wants(domain::webhooks::event_type t) const;
};

struct webhook_options {
    std::vector<webhook_endpoint> endpoints;
    domain::webhooks::delivery_policy policy;
    std::chrono::milliseconds poll{200};                          // how often due deliveries are sent
    std::chrono::milliseconds dedupe_for{35LL * 24 * 3'600'000};  // a claim's life (a month's window and more)
    std::chrono::milliseconds keep_deliveries{7LL * 24 * 3'600'000}; // delivery records' retention
    std::chrono::milliseconds key_expiry_notice{7LL * 24 * 3'600'000};
    std::chrono::milliseconds watch_interval{60'000}; // expiring keys and ledger drops are looked for this often
    std::size_t max_queued = 10'000;                  // events waiting, then deliveries pending
    bool on() const { return !endpoints.empty(); }
};

struct webhook_counts {
    long published = 0;  // events queued
    long dropped = 0;    // events or deliveries refused: queue full
    long duplicates = 0; // events already claimed (by another instance, or reported before)
    long attempts = 0;
    long delivered = 0;
    long failed = 0; // deliveries given up after the schedule's last attempt
    long pending = 0;
};

class webhook_sender final : public event_sink {
  public:
    webhook_sender(webhook_options options, net::ssl::context& tls, std::function<std::int64_t()> unix_ms);
    ~webhook_sender() override;

    void publish(domain::webhooks::event e) noexcept override;
    // The store claims and records go to (set before run_once first runs).
    void use_store(webhook_store* store) { store_ = store; }
    // One turn of the background task: take the queue, then send what is due.
    net::awaitable<void> run_once();
    void close(); // drops the HTTP clients (on the executor that used them)

    webhook_counts counts() const;
    webhook_options const& options() const { return options_; }
    // "evt_" + 32 hex digits of SHA-256(identity): one fact, one id, on every instance.
    static std::string event_id(std::string const& identity);

  private:
    struct pending {
        domain::webhooks::delivery delivery;
        std::string body; // the payload, the same at every attempt
        std::size_t endpoint = 0;
    };
    net::awaitable<void> take_events();
    net::awaitable<bool> claim(std::string const& id);
    net::awaitable<void> attempt(pending& p);
    net::awaitable<void> save(domain::webhooks::delivery const& d);
    http_client& client_for(std::size_t endpoint, net::any_io_executor executor);

    webhook_options options_;
    std::vector<std::string> keys_; // each endpoint's HMAC key (decoded secret)
    net::ssl::context& tls_;
    std::function<std::int64_t()> unix_ms_;
    webhook_store* store_ = nullptr;

    mutable std::mutex mutex_; // guards queue_ and the counters publish() moves
    std::deque<domain::webhooks::event> queue_;
    long published_ = 0, dropped_ = 0;

    std::vector<pending> pending_; // the task's own
    memory_webhook_store claimed_; // the ids this instance claimed (its own memory, before the store)
    std::map<std::size_t, std::unique_ptr<http_client>> clients_;
    std::atomic<long> duplicates_{0}, attempts_{0}, delivered_{0}, failed_{0}, pending_count_{0}, overflow_{0};
};

} // namespace switchboard::adapters
