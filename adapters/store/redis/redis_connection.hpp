#pragma once
// One Redis connection of one core: asynchronous on that core's io_context, pipelined (every
// call appends to one write stream; replies come back in order), bounded (every call has a
// deadline, `call_timeout` by default), and self-healing (reconnects with capped, jittered
// backoff; a connection whose oldest call stays unanswered for `stall_timeout` — a frozen
// server — is dropped and reopened). After a timeout, calls fail at once until the next reply
// arrives, so a stall costs each request at most one timeout.
//
// Scripts are loaded once per connection (SCRIPT LOAD) and run with EVALSHA; a NOSCRIPT reply
// (server restarted or flushed) runs the script with EVAL, which loads it again.
//
// Errors: a call that cannot be answered — not connected, timed out, connection lost, or an
// error reply — throws store_unavailable. Calls never wait for a reconnection: while the
// connection is down they fail at once, so callers apply their fail mode without delay.
// Thread safety: every member must be used on the connection's executor (its core's thread),
// except the shared `redis_stats`, which is atomic.
#include "adapters/store/lease_counters.hpp"
#include "adapters/store/redis/redis_link.hpp"
#include "adapters/store/redis/redis_url.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace switchboard::adapters {

struct redis_options {
    redis_endpoint endpoint;
    std::chrono::milliseconds call_timeout{50};
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds stall_timeout{500};
    std::chrono::milliseconds max_backoff{1000};
};

// Counters shared by every core's connection: what health and metrics report.
struct redis_stats {
    std::atomic<int> connections_up{0};
    std::atomic<long> outages{0};    // a ready connection was lost
    std::atomic<long> failures{0};   // calls that threw store_unavailable
    std::atomic<long> timeouts{0};   // ... of which deadline expiries
    std::atomic<long> connects{0};   // successful (re)connections
    std::atomic<long> fallbacks{0};  // decisions taken by a fail mode instead of the store
    std::atomic<long> last_round_trip_us{-1}; // of the latest answered exchange (-1: none yet)
    // Redis Cluster (redis_cluster.hpp): links whose first slot map is in and whose primaries have
    // all connected once; slot maps read; MOVED and ASK replies followed.
    std::atomic<int> cluster_links_ready{0};
    std::atomic<long> slot_maps{0};
    std::atomic<long> redirections{0};
    // Each core's lease counters, quotas', rate limits' and key meters' (store.leases on), set
    // before the cores serve.
    std::vector<lease_counters const*> quota_leases, limit_leases, meter_leases;
    // Round-trip histogram for /metrics: counts per bucket (not cumulative), +Inf last.
    static constexpr std::array<long, 11> round_trip_bounds_us{100,   250,   500,   1000,   2500,  5000,
                                                              10000, 25000, 50000, 100000, 250000};
    std::array<std::atomic<std::uint64_t>, 12> round_trip_buckets{};
    std::atomic<std::uint64_t> round_trips{0};
    std::atomic<std::uint64_t> round_trip_sum_us{0};
    void observe_round_trip(long us);
};

struct lease_totals {
    std::uint64_t leases = 0, from_lease = 0, alone = 0;
};
// Every core's lease counters of one kind, summed.
inline lease_totals sum_lease_counters(std::vector<lease_counters const*> const& cores) {
    lease_totals t;
    for (auto const* c : cores) {
        t.leases += c->leases.load(std::memory_order_relaxed);
        t.from_lease += c->from_lease.load(std::memory_order_relaxed);
        t.alone += c->alone.load(std::memory_order_relaxed);
    }
    return t;
}

class redis_connection final : public redis_link {
  public:
    redis_connection(net::any_io_executor executor, redis_options options, net::ssl::context* tls,
                     redis_stats& stats, std::vector<redis_script const*> scripts);
    ~redis_connection();
    redis_connection(redis_connection const&) = delete;
    redis_connection& operator=(redis_connection const&) = delete;

    void start() override;
    void stop() override;
    bool ready() const override;

    // In one write; deadline: now + call_timeout.
    net::awaitable<std::vector<redis_value>> pipeline(std::vector<std::vector<std::string>> commands) override;
    net::awaitable<std::vector<redis_value>> eval(std::vector<script_call> calls) override;
    // As eval, with error replies returned as values (a cluster reads its redirections there).
    net::awaitable<std::vector<redis_value>> eval_replies(std::vector<script_call> calls);

  private:
    struct state;
    std::shared_ptr<state> state_;
};

// What eval does with the replies of eval_replies: the first error reply throws store_unavailable
// (naming the script) and counts as a failure.
void throw_script_errors(std::vector<script_call> const& calls, std::vector<redis_value> const& replies,
                         redis_stats& stats);

} // namespace switchboard::adapters
