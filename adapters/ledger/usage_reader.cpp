// Usage queries on a thread of their own (usage_reader.hpp).
#include "adapters/ledger/usage_reader.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace switchboard::adapters {

struct usage_reader::pool {
    net::thread_pool threads{1};
};

usage_reader::usage_reader(ledger_writer& writer) : writer_(writer), pool_(std::make_unique<pool>()) {}

usage_reader::~usage_reader() {
    pool_->threads.join();
}

net::awaitable<std::vector<domain::ledger::usage_sums>> usage_reader::sum(domain::ledger::usage_query q) {
    auto on_reader = [this, q]() -> net::awaitable<std::vector<domain::ledger::usage_sums>> {
        writer_.flush();
        co_return writer_.store().sum(q);
    };
    co_return co_await net::co_spawn(pool_->threads, on_reader, net::use_awaitable);
}

net::awaitable<std::vector<domain::ledger::failed_call>> usage_reader::recent_errors(domain::ledger::usage_query q,
                                                                                   std::size_t limit) {
    auto on_reader = [this, q, limit]() -> net::awaitable<std::vector<domain::ledger::failed_call>> {
        writer_.flush();
        co_return writer_.store().recent_errors(q, limit);
    };
    co_return co_await net::co_spawn(pool_->threads, on_reader, net::use_awaitable);
}

} // namespace switchboard::adapters
