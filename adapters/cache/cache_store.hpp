#pragma once
// Port: the response cache's second level, shared by every instance (Redis), with the lease
// that lets one instance make the upstream call that identical misses everywhere wait for.
// Entries are encoded answers (answer_codec.hpp); the store ends each at its TTL and refuses
// none (the size cap is the caller's). A namespace is cleared with its sub-namespaces
// ("acme" clears "acme/step_1").
// Errors: store_unavailable (the cache is then bypassed by the caller, never the request).
// Thread safety: one per core, used on that core only.
#include "adapters/net.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::adapters {

// Where one answer lives: its key (the SHA-256 of its identity), its namespace, and the id
// that marks this caller's lease.
struct cache_address {
    std::string key;
    std::string cache_namespace;
    std::string lease_id;
};

struct shared_lookup {
    std::optional<std::string> entry; // the stored answer, if any
    std::int64_t remaining_ms = 0;    // its time left
    bool lead = false;                // no entry, and this caller now holds the lease
};

// One clear, as every instance applies it to its own first level.
struct cache_clearing {
    std::string cache_namespace; // empty: every namespace
    std::string tag;             // empty: any tag
};

// A semantic entry as every instance shares it (semantic_index.hpp has its meaning).
struct semantic_record {
    std::string key;
    std::string rest;
    std::string cache_namespace;
    std::int64_t expires_unix_ms = 0;
    std::vector<float> vector;
};

class cache_store {
  public:
    virtual ~cache_store() = default;
    // The entry under `at.key`. Without one and with `lease` > 0, takes the key's lease for
    // that long if nobody holds it.
    virtual net::awaitable<shared_lookup> look(cache_address const& at, std::chrono::milliseconds lease) = 0;
    // Stores an entry for `ttl` under its namespace and tags, and gives back the lease if it is
    // this caller's.
    virtual net::awaitable<void> keep(cache_address const& at, std::string entry, std::chrono::milliseconds ttl,
                                      std::vector<std::string> const& tags) = 0;
    // Gives back the lease if it is this caller's (its call landed nothing to keep).
    virtual net::awaitable<void> release(cache_address const& at) = 0;
    // Drops the entries of a namespace (empty: every one) that carry a tag (empty: any), and
    // tells the other instances (changes()). → entries dropped
    virtual net::awaitable<std::size_t> clear(cache_clearing const& what) = 0;
    // The clears made since `seen` (a count every clear advances): the clears, and the new count.
    // nullopt for the clears: too many to tell, clear everything.
    struct clear_log {
        std::optional<std::vector<cache_clearing>> clears;
        std::int64_t count = 0;
    };
    virtual net::awaitable<clear_log> changes(std::int64_t seen) = 0;

    // Keeps a semantic entry (until it expires) and tells the other instances.
    virtual net::awaitable<void> keep_similar(semantic_record const& record) = 0;
    // The semantic entries kept since `seen` (a count every keep advances), and the new count;
    // every live entry when `seen` < 0 or too far behind (`complete`): how an instance that
    // starts builds its index.
    struct similar_log {
        std::vector<semantic_record> records;
        std::int64_t count = 0;
        bool complete = false;
    };
    virtual net::awaitable<similar_log> similar_since(std::int64_t seen) = 0;
};

} // namespace switchboard::adapters
