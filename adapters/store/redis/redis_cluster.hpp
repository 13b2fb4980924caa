#pragma once
// One core's link to a Redis Cluster: a redis_connection per node, each command sent to the
// primary that serves its key's slot (key_slot.hpp); the commands of one call that go to several
// primaries are sent to all of them at once, so a call still costs one round trip.
//
// The slot map comes from CLUSTER SLOTS, asked of a connected node (first the seed, the store
// URL's node) when the link starts, then every `map_refresh`, and at once after a redirection.
// Until the first map every command goes to the seed, which redirects what it does not serve.
// A -MOVED reply moves that slot to the node it names and the command is sent there once more;
// -ASK sends that one command to the importing node after ASKING (a slot being migrated). A
// second redirection is returned as it is (an error: store_unavailable for a script), so a call
// never loops. A node first heard of in a redirection is connected then: until it is, its
// commands fail at once (the fail modes apply), as with a single server that is down.
//
// Nodes inherit the seed's credentials, TLS settings and timeouts; a cluster has database 0 only.
// Errors: as redis_connection.
#include "adapters/store/redis/redis_connection.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace switchboard::adapters {

class redis_cluster final : public redis_link {
  public:
    redis_cluster(net::any_io_executor executor, redis_options seed, net::ssl::context* tls, redis_stats& stats,
                  std::vector<redis_script const*> scripts,
                  std::chrono::milliseconds map_refresh = std::chrono::seconds(30));
    ~redis_cluster() override;
    redis_cluster(redis_cluster const&) = delete;
    redis_cluster& operator=(redis_cluster const&) = delete;

    void start() override;
    void stop() override;
    // A slot map is in and every primary it names is connected.
    bool ready() const override;
    net::awaitable<std::vector<redis_value>> pipeline(std::vector<std::vector<std::string>> commands) override;
    net::awaitable<std::vector<redis_value>> eval(std::vector<script_call> calls) override;

    // host:port of the primaries of the current map (empty before the first).
    std::vector<std::string> primaries() const;

  private:
    struct state;
    std::shared_ptr<state> state_;
};

} // namespace switchboard::adapters
