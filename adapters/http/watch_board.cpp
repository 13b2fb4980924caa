// Disconnect watches armed late: an intrusive list in enlisting order and one timer.
#include "adapters/http/watch_board.hpp"

namespace switchboard::adapters {

watch_board::watch_board(net::io_context& io, std::chrono::milliseconds after) : timer_(io), after_(after) {}

watch_board::~watch_board() {
    *alive_ = false; // the cancelled wait's completion may run after this
    while (head_) withdraw(*head_);
}

void watch_board::enlist(deferred_watch& w) {
    if (w.enlisted_) return;
    w.enlisted_ = true;
    w.enlisted_at_ = std::chrono::steady_clock::now();
    w.prev_ = tail_;
    w.next_ = nullptr;
    (tail_ ? tail_->next_ : head_) = &w;
    tail_ = &w;
    if (!ticking_ && !closed_) start_timer();
}

void watch_board::withdraw(deferred_watch& w) {
    if (!w.enlisted_) return;
    (w.prev_ ? w.prev_->next_ : head_) = w.next_;
    (w.next_ ? w.next_->prev_ : tail_) = w.prev_;
    w.prev_ = w.next_ = nullptr;
    w.enlisted_ = false;
}

void watch_board::close() {
    closed_ = true;
    timer_.cancel();
}

void watch_board::start_timer() {
    ticking_ = true;
    timer_.expires_after(after_);
    timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
        if (!*alive) return;
        ticking_ = false;
        if (!ec) tick();
    });
}

// Arms every watch enlisted at least `after` ago; the younger ones wait for the next tick.
void watch_board::tick() {
    auto const cutoff = std::chrono::steady_clock::now() - after_;
    while (head_ && head_->enlisted_at_ <= cutoff) {
        auto& w = *head_;
        withdraw(w);
        armed_.fetch_add(1, std::memory_order_relaxed);
        w.arm();
    }
    if (head_ && !closed_) start_timer();
}

} // namespace switchboard::adapters
