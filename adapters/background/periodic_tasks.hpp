#pragma once
// The gateway's background work — provider health probes, quota refresh, store housekeeping —
// as structured coroutines on one io_context: each task is a loop of "wait `interval`, run
// once", started by spawn() and ended by stop(), which cancels every wait (and the probe or
// store call in progress, through the same cancellation slot) and returns only when every
// loop has finished. A run that throws is logged and the loop goes on; a run never overlaps
// the next one of the same task.
//
// Thread safety: spawn() before the io_context runs or on its thread; stop() from any thread
// other than the io_context's while it still runs (the runtime calls it before draining).
#include "adapters/net.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace switchboard::adapters {

class periodic_tasks {
  public:
    using work = std::function<net::awaitable<void>()>;
    explicit periodic_tasks(net::any_io_executor executor);
    ~periodic_tasks(); // stop() must have been called if any task was spawned and the context runs
    periodic_tasks(periodic_tasks const&) = delete;
    periodic_tasks& operator=(periodic_tasks const&) = delete;

    void spawn(std::string name, std::chrono::milliseconds interval, work run);
    void stop();
    int running() const; // loops not yet finished

    struct state; // shared with the loops (defined in the .cpp)

  private:
    std::shared_ptr<state> state_;
};

} // namespace switchboard::adapters
