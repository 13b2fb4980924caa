#pragma once
// Disconnect watches armed late. A request's disconnect watch (a readiness wait on the client's
// socket, so a client that leaves cancels the upstream call) costs a system call per request:
// Asio re-arms the descriptor (epoll_ctl) to start a wait it does not try first. A call that ends
// within `after` never needs one: cancelling it saves no upstream work worth a system call on
// every request. So a request enlists its watch, and the board arms the watches of the requests
// still running between `after` and twice `after` later, on one timer per core that runs only
// while a request is enlisted.
//
// One board per core, used from that core only.
#include "adapters/net.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace switchboard::adapters {

class watch_board;

// What the board arms: a request's disconnect watch.
class deferred_watch {
  public:
    virtual ~deferred_watch() = default;
    virtual void arm() = 0;

  private:
    friend class watch_board;
    deferred_watch* prev_ = nullptr;
    deferred_watch* next_ = nullptr;
    std::chrono::steady_clock::time_point enlisted_at_{};
    bool enlisted_ = false;
};

class watch_board {
  public:
    watch_board(net::io_context& io, std::chrono::milliseconds after);
    ~watch_board();
    watch_board(watch_board const&) = delete;
    watch_board& operator=(watch_board const&) = delete;

    // `w` is armed `after` to twice `after` from now, unless withdrawn first. Enlisting an
    // enlisted watch changes nothing.
    void enlist(deferred_watch& w);
    // `w` ended, or is going: the board forgets it (no system call).
    void withdraw(deferred_watch& w);
    // No more ticks: what is enlisted stays unarmed (shutdown).
    void close();

    std::uint64_t armed() const { return armed_.load(std::memory_order_relaxed); } // since start
    bool enlisted(deferred_watch const& w) const { return w.enlisted_; }

  private:
    void start_timer();
    void tick();

    net::steady_timer timer_;
    std::chrono::milliseconds after_;
    deferred_watch* head_ = nullptr; // oldest first
    deferred_watch* tail_ = nullptr;
    bool ticking_ = false;
    bool closed_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // false once the board is gone
    std::atomic<std::uint64_t> armed_{0};                         // read by other threads (tests)
};

} // namespace switchboard::adapters
