// One upstream call for identical misses in flight together.
#include "adapters/cache/single_flight.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace switchboard::adapters {

net::awaitable<std::shared_ptr<cached_answer const>> flight::wait(std::chrono::steady_clock::time_point until) {
    auto executor = co_await net::this_coro::executor;
    auto timer = std::make_shared<net::steady_timer>(executor, until);
    {
        std::lock_guard lock(mutex_);
        if (landed_) co_return answer_;
        // Woken on this waiter's own core: the cancel is posted there, and runs only once the
        // wait below has begun (this coroutine holds the core until it suspends).
        wakers_.push_back([executor, timer] { net::post(executor, [timer] { timer->cancel(); }); });
    }
    co_await timer->async_wait(net::as_tuple(net::use_awaitable));
    std::lock_guard lock(mutex_);
    co_return landed_ ? answer_ : nullptr;
}

void flight::land(std::shared_ptr<cached_answer const> answer) {
    std::vector<std::function<void()>> wakers, chunk_wakers;
    {
        std::lock_guard lock(mutex_);
        if (landed_) return;
        landed_ = true;
        answer_ = std::move(answer);
        wakers.swap(wakers_);
        chunk_wakers.swap(chunk_wakers_);
    }
    for (auto& wake : wakers) wake();
    for (auto& wake : chunk_wakers) wake();
}

void flight::add_chunk(boost::json::object const& chunk, std::string const& deployment_model) {
    std::vector<std::function<void()>> wakers;
    {
        std::lock_guard lock(mutex_);
        if (landed_) return;
        if (chunks_.empty()) deployment_model_ = deployment_model;
        chunks_.push_back(chunk);
        wakers.swap(chunk_wakers_);
    }
    for (auto& wake : wakers) wake();
}

flight::chunk_batch flight::batch_from(std::size_t from) {
    chunk_batch b;
    for (auto i = from; i < chunks_.size(); ++i) b.chunks.push_back(chunks_[i]);
    b.deployment_model = deployment_model_;
    b.landed = landed_;
    b.answer = answer_;
    return b;
}

net::awaitable<flight::chunk_batch> flight::chunks_from(std::size_t from, std::chrono::steady_clock::time_point until) {
    auto executor = co_await net::this_coro::executor;
    auto timer = std::make_shared<net::steady_timer>(executor, until);
    {
        std::lock_guard lock(mutex_);
        if (landed_ || from < chunks_.size()) co_return batch_from(from);
        chunk_wakers_.push_back([executor, timer] { net::post(executor, [timer] { timer->cancel(); }); });
    }
    co_await timer->async_wait(net::as_tuple(net::use_awaitable));
    std::lock_guard lock(mutex_);
    co_return batch_from(from);
}

bool flight::landed() {
    std::lock_guard lock(mutex_);
    return landed_;
}

single_flight::ticket single_flight::join(std::string const& key) {
    std::lock_guard lock(mutex_);
    auto& slot = flights_[key];
    if (slot && !slot->landed()) return {slot, false};
    slot = std::make_shared<flight>();
    return {slot, true};
}

void single_flight::land(std::string const& key, std::shared_ptr<flight> const& f,
                         std::shared_ptr<cached_answer const> answer) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = flights_.find(key); it != flights_.end() && it->second == f) flights_.erase(it);
    }
    f->land(std::move(answer));
}

std::size_t single_flight::in_flight() {
    std::lock_guard lock(mutex_);
    return flights_.size();
}

void flight_lead::land(std::shared_ptr<cached_answer const> answer) {
    if (!flight_) return;
    board_->land(key_, flight_, std::move(answer));
    flight_.reset();
}

} // namespace switchboard::adapters
