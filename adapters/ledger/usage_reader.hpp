#pragma once
// The usage queries, off the cores: each runs on the reader's own thread (the store's calls
// block), after the rows queued before it are written (a caller reads its own calls).
// Errors: ledger_error (rethrown to the awaiting coroutine).
// Thread safety: sum() may be awaited from any core.
#include "adapters/ledger/ledger_writer.hpp"
#include "adapters/net.hpp"

#include <memory>
#include <utility>

namespace switchboard::adapters {

class usage_reader {
  public:
    explicit usage_reader(ledger_writer& writer);
    ~usage_reader(); // waits for a query under way
    // Waits until no query is under way — its last steps on the reader's thread included, which
    // still hold the awaiting core's executor — and takes no more. Before the cores' io_contexts
    // are destroyed (a query's completion touches its core's io_context from this thread).
    void stop();
    net::awaitable<std::vector<domain::ledger::usage_sums>> sum(domain::ledger::usage_query q);
    net::awaitable<std::vector<domain::ledger::failed_call>> recent_errors(domain::ledger::usage_query q, std::size_t limit);
    ledger_counts counts() const { return writer_.counts(); }

  private:
    template <class Read> auto on_reader(Read read) -> net::awaitable<decltype(read(std::declval<ledger_store&>()))>;
    struct pool;
    ledger_writer& writer_;
    std::unique_ptr<pool> pool_;
    bool stopped_ = false;
};

} // namespace switchboard::adapters
