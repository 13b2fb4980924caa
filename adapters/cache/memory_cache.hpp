#pragma once
// The response cache's first level: in process, bounded in bytes, entries ending at their TTL.
// Eviction is a segmented LRU, which resists scans: a new entry enters probation (a fifth of the
// bytes); read again, it moves to the protected segment; room is made from probation's least
// recently used first, so a burst of one-time requests never pushes out the answers read again
// and again. An entry larger than a shard's share is not kept.
// Thread safety: every method may be called from any core (16 shards, a lock each).
#include "domain/pricing.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace switchboard::adapters {

struct cached_answer {
    std::string body;               // what the cache serves (the stored answer, serialized)
    std::string model;              // the model that answered, as its provider named it (the body's)
    std::string deployment_model;   // the configured model of the deployment that served (headers)
    domain::token_usage usage;      // the answer's (what a hit saves)
    double cost_usd = 0;            // what the answer cost when it was paid
    std::string cache_namespace;
    std::vector<std::string> tags;
    std::int64_t stored_ms = 0;     // on the cache's clock
    std::int64_t expires_ms = 0;
    // REST answers: served until `fresh_until_ms` (0: until it expires); after it, until it
    // expires, only once revalidated with the provider that gave it (`served_by`, `validator`).
    std::int64_t fresh_until_ms = 0;
    std::string validator;
    std::string served_by;
    bool stale_at(std::int64_t now_ms) const { return fresh_until_ms != 0 && now_ms >= fresh_until_ms; }
    std::size_t bytes() const;      // counted against the bound
};

struct cache_counts {
    std::size_t entries = 0;
    std::size_t bytes = 0;
    std::uint64_t evictions = 0;
};

class memory_cache {
  public:
    using clock_fn = std::function<std::int64_t()>; // milliseconds
    explicit memory_cache(std::size_t max_bytes, clock_fn clock = steady_ms);
    ~memory_cache();
    static std::int64_t steady_ms();

    // The live entry under `key`, or null (absent or expired: an expired one is dropped).
    std::shared_ptr<cached_answer const> get(std::string const& key);
    void put(std::string const& key, std::shared_ptr<cached_answer const> answer);
    // Drops the entries of a namespace (empty: every one) that carry `tag` (empty: any).
    std::size_t clear(std::string const& cache_namespace, std::string const& tag);
    cache_counts counts();

  private:
    struct shard;
    shard& shard_of(std::string const& key);

    std::array<std::unique_ptr<shard>, 16> shards_;
    clock_fn clock_;
};

} // namespace switchboard::adapters
