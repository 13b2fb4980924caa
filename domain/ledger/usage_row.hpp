#pragma once
// One row of the usage ledger: what one call did, as durable history (never its prompt or
// answer). Written once when the call ends; summed by the usage queries.
#include <cstdint>
#include <optional>
#include <string>

namespace switchboard::domain::ledger {

struct usage_row {
    std::int64_t at_unix_ms = 0; // when the call ended (wall clock)
    std::string request_id;
    std::string tenant;
    std::string key_id;      // the caller's key's public id or masked form (never the secret); empty: none
    std::string end_user;    // the body's `user` (OpenAI's end-user id), if the client sent one
    std::string route;       // the route's path pattern ("/v1/chat/completions")
    std::string model_group; // what the client called: a model or group, a service endpoint, "proxy/<provider>"
    std::string provider;    // who served (or was tried last); "cache" for a hit; empty: none asked
    std::string model;       // the deployment's upstream model
    int status = 0;
    std::string error_code;  // the error body's code, for errors
    std::int64_t tokens_in = 0;
    std::int64_t tokens_out = 0;
    std::int64_t tokens_cached = 0; // prompt tokens read from the provider's prompt cache
    double cost_usd = 0;
    double saved_usd = 0;           // a cache hit: what the answer cost when it was paid
    std::int64_t latency_us = 0;
    std::int64_t overhead_us = 0;   // latency less the upstream wait: the gateway's own time
    std::string cache;              // hit, miss, coalesced, revalidated, bypass; empty: not cached
    std::string budget_id;
    // The call's bodies, only when payload logging is on (ledger.payloads): kept in a table of
    // their own, with a retention of their own, cut to the configured length.
    struct bodies {
        std::string request;
        std::string response;
    };
    std::optional<bodies> payload;
};

} // namespace switchboard::domain::ledger
