#pragma once
// A real Redis Cluster for tests: `size` redis-servers started with --cluster-enabled on free
// loopback ports (their nodes.conf in a temporary directory), their slots spread evenly by
// `redis-cli --cluster create`, ready once every node says cluster_state:ok.
// Errors: throws std::runtime_error when the cluster does not form within 20 s.
#include "tests/support/redis_server.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace switchboard::testing {

class redis_cluster_servers {
  public:
    explicit redis_cluster_servers(std::size_t size = 3);
    ~redis_cluster_servers();
    redis_cluster_servers(redis_cluster_servers const&) = delete;
    redis_cluster_servers& operator=(redis_cluster_servers const&) = delete;

    std::size_t size() const { return nodes_.size(); }
    redis_server& node(std::size_t i) { return *nodes_.at(i); }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(nodes_.front()->port()); }

    std::uint16_t slot_of(std::string const& key) const; // CLUSTER KEYSLOT
    std::size_t node_of_slot(std::uint16_t slot) const;  // the primary serving it now
    std::string id_of(std::size_t node) const;           // CLUSTER MYID

    // Moves a slot and its keys to `to` as redis-cli's resharding does: IMPORTING on the target,
    // MIGRATING on the source, MIGRATE of every key, then the new owner told to every node.
    void move_slot(std::uint16_t slot, std::size_t to);
    // The first half of a move: the slot migrates (source MIGRATING, target IMPORTING) and its
    // keys stay where they are; the source answers -ASK for a key it does not have.
    void start_moving(std::uint16_t slot, std::size_t to);

  private:
    std::string dir_;
    std::vector<std::unique_ptr<redis_server>> nodes_;
};

} // namespace switchboard::testing
