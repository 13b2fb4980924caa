#pragma once
// The response cache: exact answers under the SHA-256 of their identity (domain/cache/cache_key),
// kept in process (memory_cache). What may be read or stored is the domain's (cache_plan, from
// the settings of the requested model or group and the client's headers); this class finds,
// keeps, clears and counts.
// Thread safety: one per instance, shared by every core.
#include "adapters/cache/memory_cache.hpp"
#include "adapters/cache/semantic_index.hpp"
#include "adapters/cache/single_flight.hpp"
#include "domain/cache/cache_policy.hpp"

#include <atomic>
#include <map>

namespace switchboard::adapters {

// The semantic cache (off until an embedding model is named): prompts compared by meaning
// within a group or namespace that opts in (domain::cache_settings::semantic, or the client's
// x-switchboard-cache-semantic).
struct semantic_options {
    std::string embedding_model; // a model or group of this gateway (empty: no semantic cache)
    double threshold = 0.85;     // least cosine similarity of a prompt that stands for another
    std::size_t max_entries = 10000;
    bool on() const { return !embedding_model.empty(); }
};

struct cache_options {
    domain::cache_settings defaults;                                  // every model and group …
    std::map<std::string, domain::cache_settings, std::less<>> groups; // … but these (by requested name)
    std::string shared_namespace; // empty: each tenant its own entries
    std::size_t max_bytes = 64u << 20;
    // The second level (Redis, when a store URL is set): an entry larger than this stays in
    // the first level only; a call waiting for another instance's leader looks again every
    // `shared_poll` (doubling up to eight times that).
    std::size_t shared_max_entry_bytes = 1u << 20;
    std::chrono::milliseconds shared_poll{20};
    // How often this instance applies the clears made on the others to its first level.
    std::chrono::milliseconds shared_sync{1000};
    semantic_options semantic;
};

// What the cache did for one call, as `x-switchboard-cache` says it.
enum class cache_status { bypass, miss, hit, coalesced };
std::string_view cache_status_name(cache_status s);

struct cache_figures {
    std::uint64_t hits = 0, misses = 0, bypasses = 0, stores = 0, coalesced = 0;
    std::uint64_t shared_failures = 0; // the second level could not answer (the cache was bypassed)
    std::uint64_t semantic_hits = 0;   // of the hits, answers of a paraphrase
    std::uint64_t embedding_failures = 0; // prompts the embedding model could not embed (no semantic lookup)
    std::size_t semantic_entries = 0;
    double usd_saved = 0;
    cache_counts memory;
};

class response_cache {
  public:
    explicit response_cache(cache_options options, memory_cache::clock_fn clock = memory_cache::steady_ms);

    domain::cache_settings const& settings_for(std::string_view model) const;
    std::string const& shared_namespace() const { return options_.shared_namespace; }

    // "chat\n<ns>\n<canonical body>" → 64 hex digits.
    static std::string key_of(std::string_view identity);

    // The live answer under `key` (a hit), or null (a miss). Counted either way.
    std::shared_ptr<cached_answer const> find(std::string const& key);
    // The first level's answer under `key`, uncounted (the second level may still hold one).
    std::shared_ptr<cached_answer const> local(std::string const& key) { return memory_.get(key); }
    // An answer of the second level, kept in the first one too.
    std::shared_ptr<cached_answer const> adopt(std::string const& key, cached_answer answer);
    void note_hit(cached_answer const& answer);
    void note_miss() { misses_.fetch_add(1, std::memory_order_relaxed); }
    void note_shared_failure() { shared_failures_.fetch_add(1, std::memory_order_relaxed); }
    // A call the exact cache could not answer, answered by a paraphrase's answer: a hit (no
    // longer a miss when `was_miss`).
    void note_semantic_hit(cached_answer const& answer, bool was_miss);
    void note_embedding_failure() { embedding_failures_.fetch_add(1, std::memory_order_relaxed); }
    semantic_index& similar() { return semantic_; }
    cache_options const& options() const { return options_; }
    void note_bypass() { bypasses_.fetch_add(1, std::memory_order_relaxed); }
    // A miss answered by the leader of identical misses in flight (counted as such, not as a hit).
    void note_coalesced(cached_answer const& answer);
    single_flight& flights() { return flights_; }
    // Keeps a complete answer for `plan.ttl`. → the answer as kept
    std::shared_ptr<cached_answer const> store(std::string const& key, domain::cache_plan const& plan,
                                               cached_answer answer);
    // Both levels in process: the answers, and (by namespace) the semantic entries pointing at them.
    std::size_t clear(std::string const& cache_namespace, std::string const& tag);
    cache_figures figures();
    std::int64_t now_ms() const { return clock_(); }

  private:
    cache_options options_;
    memory_cache::clock_fn clock_;
    memory_cache memory_;
    single_flight flights_;
    semantic_index semantic_;
    std::atomic<std::uint64_t> hits_{0}, misses_{0}, bypasses_{0}, stores_{0}, coalesced_{0}, shared_failures_{0},
        semantic_hits_{0}, embedding_failures_{0};
    std::atomic<std::int64_t> micro_usd_saved_{0};
};

} // namespace switchboard::adapters
