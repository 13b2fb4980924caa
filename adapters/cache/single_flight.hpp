#pragma once
// Identical misses in flight together make one upstream call: the first is the leader, the
// others wait for its answer (bounded by their own deadline) on whatever core they run; a
// streaming follower of a streaming leader relays its chunks live, as they come. A leader
// that fails lands nothing: its followers join again, the first of them leads the next attempt
// and the rest wait for it — a failure is never shared, and a burst never turns into a herd.
// Thread safety: every member may be called from any core.
#include "adapters/cache/memory_cache.hpp"
#include "adapters/net.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace switchboard::adapters {

class flight {
  public:
    // The leader's answer, or null: it failed (or landed nothing), or `until` came first.
    net::awaitable<std::shared_ptr<cached_answer const>> wait(std::chrono::steady_clock::time_point until);
    void land(std::shared_ptr<cached_answer const> answer);
    bool landed();

    // A streamed leader's chunks as it relays them, for streaming followers to relay live. The
    // first names the configured model of the deployment that serves (for the followers' headers).
    void add_chunk(boost::json::object const& chunk, std::string const& deployment_model);
    struct chunk_batch {
        std::vector<boost::json::object> chunks; // from the index asked for
        std::string deployment_model;
        bool landed = false;
        std::shared_ptr<cached_answer const> answer; // when landed (null: the leader failed)
    };
    // The chunks from index `from` on: at once if there are any or the flight landed, else when
    // one comes, the flight lands, or `until` passes (then empty and not landed).
    net::awaitable<chunk_batch> chunks_from(std::size_t from, std::chrono::steady_clock::time_point until);

  private:
    chunk_batch batch_from(std::size_t from); // under the lock
    std::mutex mutex_;
    bool landed_ = false;
    std::shared_ptr<cached_answer const> answer_;
    std::vector<std::function<void()>> wakers_;       // whole followers: woken when it lands
    std::vector<std::function<void()>> chunk_wakers_; // streaming followers: at each chunk too
    std::vector<boost::json::object> chunks_;
    std::string deployment_model_;
};

class single_flight {
  public:
    struct ticket {
        std::shared_ptr<flight> f;
        bool leader = false;
    };
    // Leads the flight of `key` if none is in the air, else follows it.
    ticket join(std::string const& key);
    // Lands the leader's flight and takes it off the board.
    void land(std::string const& key, std::shared_ptr<flight> const& f, std::shared_ptr<cached_answer const> answer);
    std::size_t in_flight();

  private:
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<flight>, std::less<>> flights_;
};

// The leader's duty: land its flight once — with the answer, or with nothing when it ends
// without one (its destructor), so that a follower takes over.
class flight_lead {
  public:
    flight_lead(single_flight& board, std::string key, std::shared_ptr<flight> f)
        : board_(&board), key_(std::move(key)), flight_(std::move(f)) {}
    flight_lead(flight_lead const&) = delete;
    flight_lead& operator=(flight_lead const&) = delete;
    ~flight_lead() { land(nullptr); }
    void land(std::shared_ptr<cached_answer const> answer);
    flight* in_the_air() const { return flight_.get(); } // null once landed

  private:
    single_flight* board_;
    std::string key_;
    std::shared_ptr<flight> flight_;
};

} // namespace switchboard::adapters
