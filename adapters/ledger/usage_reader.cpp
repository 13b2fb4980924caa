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
    stop();
}

void usage_reader::stop() {
    if (stopped_) return;
    stopped_ = true;
    pool_->threads.join();
}

// `read(store)` on the reader's thread, after the rows queued before it are written.
template <class Read> auto usage_reader::on_reader(Read read) -> net::awaitable<decltype(read(std::declval<ledger_store&>()))> {
    using result = decltype(read(std::declval<ledger_store&>()));
    auto task = [this, read = std::move(read)]() -> net::awaitable<result> {
        writer_.flush();
        co_return read(writer_.store());
    };
    co_return co_await net::co_spawn(pool_->threads, std::move(task), net::use_awaitable);
}

net::awaitable<std::vector<domain::ledger::usage_sums>> usage_reader::sum(domain::ledger::usage_query q) {
    return on_reader([q = std::move(q)](ledger_store& store) { return store.sum(q); });
}

net::awaitable<std::vector<domain::ledger::failed_call>> usage_reader::recent_errors(domain::ledger::usage_query q,
                                                                                   std::size_t limit) {
    return on_reader([q = std::move(q), limit](ledger_store& store) { return store.recent_errors(q, limit); });
}

} // namespace switchboard::adapters
