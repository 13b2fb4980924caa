#pragma once
// The response cache at the doors: a hit answers like a dispatch would (the provider is named
// "cache", nothing is attempted, reserved or billed), a served answer is kept when its plan says
// so, and the response says what the cache did (`x-switchboard-cache`, `Age` on a hit).
// Only complete answers are kept: a success (never an error), a stream that reached its finish
// reason (never a cut one), from the group's first deployment unless its settings let a
// fallback's answer stand for it.
#include "adapters/http/cache_lookup.hpp"
#include "adapters/dispatch/dispatcher.hpp"
#include "adapters/http/error_response.hpp"
#include "domain/completion_chunks.hpp"

namespace switchboard::adapters {

dispatch_result<domain::chat_completion> whole_from_cache(cached_answer const& hit);
// The hit as a stream into `client`: its chunks, then the result the door completes as usual.
net::awaitable<dispatch_result<stream_result>> stream_from_cache(cached_answer const& hit, stream_client& client,
                                                                std::string const& request_id);

// A stream's chunks on their way to the client, built into the whole answer the cache keeps,
// and handed to the streaming calls that follow this one live (`live`: its flight, if it leads).
class recording_client final : public stream_client {
  public:
    explicit recording_client(stream_client& inner, flight* live = nullptr) : inner_(inner), live_(live) {}
    net::awaitable<bool> begin(domain::deployment const& served, std::optional<boost::json::object> opening) override;
    net::awaitable<bool> on_chunk(boost::json::object chunk) override;
    domain::completion_builder const& built() const { return built_; }

  private:
    stream_client& inner_;
    flight* live_;
    std::string deployment_model_;
    domain::completion_builder built_;
};

// A streaming call that follows an identical one (`use.following`): the leader's chunks relayed
// into `client` as they come (those sent before it joined first), or, when the leader answered
// whole, its answer replayed. Nullopt when the leader landed nothing before any chunk reached
// this client: the call then makes its own. A leader that fails after that ends this stream with
// its failure (what was relayed cannot be taken back).
net::awaitable<std::optional<dispatch_result<stream_result>>>
follow_stream(response_cache& cache, cache_use& use, stream_client& client, std::string const& request_id,
              std::chrono::steady_clock::time_point until);

// Keeps a served answer when the call's plan and settings allow it — in this instance's memory,
// and (in the background, within its size cap) in the shared store — and hands it to the calls
// that waited for it.
void keep_whole(response_cache& cache, cache_use& use, dispatched<domain::chat_completion> const& served,
                std::string const& body);
void keep_stream(response_cache& cache, cache_use& use, dispatched<stream_result> const& served,
                 domain::completion_builder const& built);

// Keeps `answer` for `use.plan.ttl` in this instance's memory and (in the background, within its
// size cap) in the shared store, and hands it to the calls that waited for it. → as kept
std::shared_ptr<cached_answer const> keep_answer(response_cache& cache, cache_use& use, cached_answer answer);

// `x-switchboard-cache`, and `Age` (seconds since it was stored) on a hit.
void mark_cache(http_response& res, cache_use const& use, std::int64_t now_ms);

} // namespace switchboard::adapters
