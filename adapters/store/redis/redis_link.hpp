#pragma once
// What the Redis stores speak to: one core's way to Redis, a single server (redis_connection)
// or a cluster (redis_cluster, which routes each command by its key's slot). Every member is
// used on the link's executor (its core's thread).
//
// Contract of a command for routing: its first argument after the name is its key (GET k,
// HGETALL k, ZREM k m...); a command without one (PING) goes to any node. A script's keys are
// its `keys`, and all of them share one hash tag (so one slot).
#include "adapters/net.hpp"
#include "adapters/store/redis/resp.hpp"

#include <string>
#include <vector>

namespace switchboard::adapters {

struct redis_script {
    std::string name;
    std::string body;
    std::string sha; // SHA-1 of body, hex
    redis_script(std::string name, std::string body);
};

struct script_call {
    redis_script const* script = nullptr;
    std::vector<std::string> keys;
    std::vector<std::string> args;
};

// EVALSHA <sha> or EVAL <body> with the call's keys and arguments.
std::vector<std::string> script_command(script_call const& call, bool by_sha);

class redis_link {
  public:
    virtual ~redis_link() = default;
    virtual void start() = 0; // begins connecting (in the background, on the executor)
    virtual void stop() = 0;  // closes every connection and stops reconnecting
    virtual bool ready() const = 0;

    // Sends the commands at once and returns their replies in order (error replies included as
    // values). Errors: store_unavailable when a reply cannot be had (down, timed out, lost).
    virtual net::awaitable<std::vector<redis_value>> pipeline(std::vector<std::vector<std::string>> commands) = 0;
    // Runs the scripts at once; an error reply throws store_unavailable.
    virtual net::awaitable<std::vector<redis_value>> eval(std::vector<script_call> calls) = 0;
};

} // namespace switchboard::adapters
