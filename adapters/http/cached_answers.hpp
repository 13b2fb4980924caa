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

// A stream's chunks on their way to the client, built into the whole answer the cache keeps.
class recording_client final : public stream_client {
  public:
    explicit recording_client(stream_client& inner) : inner_(inner) {}
    net::awaitable<bool> begin(domain::deployment const& served, std::optional<boost::json::object> opening) override;
    net::awaitable<bool> on_chunk(boost::json::object chunk) override;
    domain::completion_builder const& built() const { return built_; }

  private:
    stream_client& inner_;
    domain::completion_builder built_;
};

// Keeps a served answer when the call's plan and settings allow it — in this instance's memory,
// and (in the background, within its size cap) in the shared store — and hands it to the calls
// that waited for it.
void keep_whole(response_cache& cache, cache_use& use, dispatched<domain::chat_completion> const& served,
                std::string const& body);
void keep_stream(response_cache& cache, cache_use& use, dispatched<stream_result> const& served,
                 domain::completion_builder const& built);

// `x-switchboard-cache`, and `Age` (seconds since it was stored) on a hit.
void mark_cache(http_response& res, cache_use const& use, std::int64_t now_ms);

} // namespace switchboard::adapters
