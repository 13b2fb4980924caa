#pragma once
// The cache's answer to one call, looked up in two levels: this instance's memory, then the
// store shared by every instance (Redis, when configured). A miss that will be kept is shared:
// identical calls in flight here wait for one leader (single_flight), and the leaders of every
// instance for the one that holds the key's lease in the shared store — one upstream call for a
// burst, wherever its calls land. A failure is never shared: a leader that lands nothing gives
// its lease back, and the waiting calls lead the next attempt.
// The shared store that cannot answer is bypassed for the call (counted), never an error.
#include "adapters/cache/cache_store.hpp"
#include "adapters/cache/response_cache.hpp"

#include <chrono>
#include <memory>

namespace switchboard::adapters {

// This call's lease on the shared store: given back (in the background) when the call ends
// without keeping an answer, which gives the lease back itself.
class shared_lease {
  public:
    shared_lease(cache_store& store, cache_address at, net::any_io_executor executor)
        : store_(&store), at_(std::move(at)), executor_(std::move(executor)) {}
    shared_lease(shared_lease const&) = delete;
    shared_lease& operator=(shared_lease const&) = delete;
    ~shared_lease();
    void kept() { held_ = false; }

  private:
    cache_store* store_;
    cache_address at_;
    net::any_io_executor executor_;
    bool held_ = true;
};

struct cache_use {
    std::string key;
    domain::cache_plan plan;
    domain::cache_settings const* settings = nullptr;
    std::shared_ptr<cached_answer const> hit; // a hit, or the answer of the flight it joined
    // A REST answer past its freshness (never a hit): the call revalidates it with its provider.
    std::shared_ptr<cached_answer const> stale;
    cache_status status = cache_status::bypass;
    std::unique_ptr<flight_lead> lead; // this call leads the identical misses in flight here
    std::shared_ptr<flight> following; // a streaming call that relays its leader's stream live
    // The shared level: this core's store (null: none, or it failed during this call), the id
    // of this call's lease, and its lease when it leads every instance's identical misses.
    cache_store* shared = nullptr;
    std::string lease_id;
    net::any_io_executor executor;
    std::unique_ptr<shared_lease> lease;
    // The semantic part (plan.semantic): what must match exactly, the prompt's embedding (kept
    // with the answer), and the similarity of the paraphrase whose answer this call got.
    std::string similar_rest;
    std::vector<float> prompt_vector;
    double similarity = 0;
    cache_address address() const { return {key, plan.cache_namespace, lease_id}; }
};

// Sets `use.hit` and `use.status` (hit, coalesced, miss, or bypass), or makes the call the
// leader of its identical misses (`use.stale`: what it has to revalidate, if it found one); waits at most until `until`. A `streaming` call that follows
// another does not wait here: `use.following` is set, and the door relays the leader's stream
// (follow_stream). Counts what it did.
net::awaitable<void> look_up(response_cache& cache, cache_use& use, std::chrono::steady_clock::time_point until,
                             bool streaming = false);

} // namespace switchboard::adapters
