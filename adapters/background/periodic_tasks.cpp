// Cancellable periodic loops.
#include "adapters/background/periodic_tasks.hpp"

#include "adapters/observability/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>

namespace switchboard::adapters {

struct periodic_tasks::state {
    explicit state(net::any_io_executor e) : executor(std::move(e)) {}
    net::any_io_executor executor;
    std::list<net::cancellation_signal> signals; // one per task; touched on the executor only
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable finished;
    int running = 0;
};

namespace {
// A task failing run after run (a store down, polled every 250 ms) is logged when it starts
// failing, when its failure changes, and once a minute while it lasts; then once when it recovers.
class failure_log {
  public:
    explicit failure_log(std::string name) : name_(std::move(name)) {}
    void failed(std::string const& detail) {
        ++failures_;
        auto const now = std::chrono::steady_clock::now();
        if (detail == last_ && now - logged_at_ < std::chrono::minutes(1)) return;
        log_event(log_level::error, "background_task_failed",
                  {{"task", name_}, {"detail", detail}, {"failures", failures_}});
        last_ = detail;
        logged_at_ = now;
    }
    void succeeded() {
        if (failures_ == 0) return;
        log_event(log_level::info, "background_task_recovered", {{"task", name_}, {"failures", failures_}});
        failures_ = 0;
        last_.clear();
    }

  private:
    std::string name_;
    std::string last_;
    std::chrono::steady_clock::time_point logged_at_{};
    long failures_ = 0; // in a row
};

net::awaitable<void> loop(std::shared_ptr<periodic_tasks::state> s, std::string name,
                          std::chrono::milliseconds interval, periodic_tasks::work run) {
    net::steady_timer timer(co_await net::this_coro::executor);
    failure_log failures(name);
    while (!s->stopping.load()) {
        timer.expires_after(interval);
        auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (ec || s->stopping.load()) break;
        std::string failure;
        try {
            co_await run();
        } catch (boost::system::system_error const& e) {
            if (e.code() == net::error::operation_aborted) break; // cancelled by stop()
            failure = e.what();
        } catch (std::exception const& e) {
            failure = e.what();
        }
        if (failure.empty())
            failures.succeeded();
        else
            failures.failed(failure);
    }
}
} // namespace

periodic_tasks::periodic_tasks(net::any_io_executor executor)
    : state_(std::make_shared<state>(std::move(executor))) {}

periodic_tasks::~periodic_tasks() {
    state_->stopping.store(true);
}

void periodic_tasks::spawn(std::string name, std::chrono::milliseconds interval, work run) {
    {
        std::lock_guard lock(state_->mutex);
        ++state_->running;
    }
    auto& signal = state_->signals.emplace_back();
    net::co_spawn(state_->executor, loop(state_, std::move(name), interval, std::move(run)),
                  net::bind_cancellation_slot(signal.slot(), [s = state_](std::exception_ptr) {
                      std::lock_guard lock(s->mutex);
                      --s->running;
                      s->finished.notify_all();
                  }));
}

void periodic_tasks::stop() {
    if (state_->stopping.exchange(true)) return;
    net::post(state_->executor, [s = state_] {
        for (auto& signal : s->signals) signal.emit(net::cancellation_type::all);
    });
    std::unique_lock lock(state_->mutex);
    state_->finished.wait(lock, [&] { return state_->running == 0; });
}

int periodic_tasks::running() const {
    std::lock_guard lock(state_->mutex);
    return state_->running;
}

} // namespace switchboard::adapters
