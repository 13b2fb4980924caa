#pragma once
// The usage ledger's writer: calls hand their row to a bounded queue and go on; one thread takes
// the rows off in batches (up to `batch_rows`, or what came in `batch_wait`) and appends each
// batch in one transaction, off every request's path. When the queue is full the row is dropped
// and counted — a slow disk or database never slows a call. A batch the store refuses is counted
// as failed (its rows lost, counted), and the writer goes on.
// Retention: every `retention_every`, rows older than `retention` are deleted in chunks of
// `retention_chunk` rows, one chunk per turn of the writer, so a large backlog never holds the
// store for long. The wall clock is injected (tests move it).
// Thread safety: push, flush, counts and retain_now from any thread.
#include "adapters/ledger/ledger_store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace switchboard::adapters {

struct ledger_options {
    std::size_t queue_rows = 100'000;
    std::size_t batch_rows = 1'000;
    std::chrono::milliseconds batch_wait{200};
    std::chrono::milliseconds retention{30LL * 24 * 3600 * 1000}; // zero: keep forever
    std::chrono::milliseconds retention_every{std::chrono::minutes(10)};
    std::size_t retention_chunk = 5'000;
    // The calls' bodies (off by default): kept cut to `payload_max_chars`, in their own table,
    // for `payload_retention` (zero: as long as the rows).
    bool payloads = false;
    std::size_t payload_max_chars = 2'000;
    std::chrono::milliseconds payload_retention{7LL * 24 * 3600 * 1000};
};

struct ledger_counts {
    std::uint64_t written = 0;      // rows appended
    std::uint64_t dropped = 0;      // rows refused by a full queue
    std::uint64_t failed = 0;       // rows of batches the store refused
    std::uint64_t forgotten = 0;    // rows deleted by retention
    std::uint64_t payloads_forgotten = 0; // bodies deleted by their retention
    std::uint64_t retention_runs = 0;
    std::size_t queued = 0;
};

class ledger_writer {
  public:
    using clock_fn = std::function<std::int64_t()>; // Unix ms
    ledger_writer(std::shared_ptr<ledger_store> store, ledger_options options, clock_fn unix_now_ms);
    ~ledger_writer(); // writes what is queued, then stops
    ledger_writer(ledger_writer const&) = delete;
    ledger_writer& operator=(ledger_writer const&) = delete;

    // Never blocks on the store; false when the row was dropped (queue full).
    bool push(domain::ledger::usage_row row);
    // Waits until every row pushed before it is written (or failed): a query after it reads them.
    void flush();
    // Runs retention to its end now (tests, and a manual trigger). → rows deleted
    std::size_t retain_now();
    ledger_counts counts() const;
    ledger_store& store() { return *store_; }
    ledger_options const& options() const { return options_; }

  private:
    void run();
    void write_batch(std::vector<domain::ledger::usage_row>& batch);
    struct retention_turn {
        std::size_t deleted = 0; // rows (not bodies) this turn deleted
        bool more = false;       // a chunk was full: more may be left
    };
    retention_turn retention_step(); // one chunk of rows and one of bodies

    std::shared_ptr<ledger_store> store_;
    ledger_options options_;
    clock_fn clock_;
    mutable std::mutex mutex_;
    std::condition_variable wake_, written_;
    std::deque<domain::ledger::usage_row> queue_;
    std::uint64_t pushed_ = 0, done_ = 0; // rows queued, rows written or failed
    ledger_counts counts_;
    bool stopping_ = false;
    bool flush_wanted_ = false;       // a flush waits: write what is queued without waiting for a batch
    std::int64_t next_retention_ms_ = 0;
    std::mutex store_mutex_;          // the writer thread and retain_now take turns
    std::thread thread_;
};

} // namespace switchboard::adapters
