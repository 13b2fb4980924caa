#pragma once
// What a Redis Cluster says about where keys live: the slot ranges of CLUSTER SLOTS with their
// primaries, and the redirections (-MOVED, -ASK) a node answers for a key it does not serve.
// Pure: no I/O (redis_cluster.cpp asks and follows).
#include "adapters/store/redis/resp.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

struct cluster_node {
    std::string host;
    unsigned short port = 0;
    std::string name() const { return host + ":" + std::to_string(port); }
    bool operator==(cluster_node const&) const = default;
};

struct slot_range {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
    cluster_node primary;
};

// CLUSTER SLOTS's reply: [[first, last, [host, port, id, ...], replicas...], ...]. A primary
// announced with no address ("" or "?": the node does not know its own) is `answering_host`,
// the node that was asked. Errors: std::invalid_argument when the reply is not a slot map.
std::vector<slot_range> parse_cluster_slots(redis_value const& reply, std::string const& answering_host);

// "MOVED 3999 127.0.0.1:6381" (the slot lives there now) or "ASK 3999 127.0.0.1:6381" (this
// one command goes there, after ASKING, while the slot migrates). An empty host (":6381", a node
// that does not know its address) means the host that answered. Nullopt: not a redirection.
struct redirection {
    bool ask = false;
    std::uint16_t slot = 0;
    cluster_node to;
};
std::optional<redirection> parse_redirection(std::string_view error_text);

} // namespace switchboard::adapters
