#pragma once
// The semantic cache's index in process: the embeddings of kept prompts, searched for the nearest
// one by cosine similarity (approximate nearest neighbours: hnswlib's HNSW graph, see
// docs/adr/0011-semantic-cache.md). An entry points at an exact cache key; the answer itself
// lives in the exact cache (both levels), so an answer cleared or ended there is never served
// through here.
// Bounded: at most `max_entries`; when full, a new entry takes the oldest one's place. The graph
// grows as entries come (doubling), so an idle gateway holds little.
// Thread safety: every method may be called from any core (one lock).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::adapters {

struct semantic_entry {
    std::vector<float> vector;   // the prompt's embedding (any scale: it is normalized here)
    std::string rest;            // what must match exactly (hash of domain::semantic_parts::rest)
    std::string key;             // the exact cache key of the answer
    std::string cache_namespace; // for clears
    std::int64_t expires_ms = 0; // on the cache's clock
};

struct semantic_match {
    std::string key;
    double similarity = 0;
};

class semantic_index {
  public:
    using clock_fn = std::function<std::int64_t()>;
    semantic_index(std::size_t max_entries, clock_fn clock);
    ~semantic_index();

    // Keeps an entry (replacing one of the same key). An entry whose vector has another length
    // than the index's (the first entry's) is not kept.
    void add(semantic_entry entry);
    // The live entry with the same `rest` nearest to `vector`, if its similarity reaches `threshold`.
    std::optional<semantic_match> find(std::vector<float> const& vector, std::string const& rest, double threshold);
    void forget(std::string const& key);
    // Drops the entries of a namespace and its sub-namespaces (empty: every one).
    std::size_t clear(std::string const& cache_namespace);
    std::size_t size();

  private:
    struct state;
    std::unique_ptr<state> s_;
};

} // namespace switchboard::adapters
