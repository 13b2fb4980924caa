// The ledger's queue and writer thread (ledger_writer.hpp).
#include "adapters/ledger/ledger_writer.hpp"

#include "adapters/observability/log.hpp"

namespace switchboard::adapters {

ledger_writer::ledger_writer(std::shared_ptr<ledger_store> store, ledger_options options, clock_fn unix_now_ms)
    : store_(std::move(store)), options_(options), clock_(std::move(unix_now_ms)) {
    next_retention_ms_ = clock_(); // a first run at start: a restart after a long stop cleans up at once
    thread_ = std::thread([this] { run(); });
}

ledger_writer::~ledger_writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

bool ledger_writer::push(domain::ledger::usage_row row) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= options_.queue_rows) {
            ++counts_.dropped;
            return false;
        }
        queue_.push_back(std::move(row));
        ++pushed_;
        wake = queue_.size() >= options_.batch_rows;
    }
    if (wake) wake_.notify_one();
    return true;
}

void ledger_writer::flush() {
    std::unique_lock lock(mutex_);
    auto const target = pushed_;
    flush_wanted_ = true;
    wake_.notify_one();
    written_.wait(lock, [&] { return done_ >= target; });
}

ledger_counts ledger_writer::counts() const {
    std::lock_guard lock(mutex_);
    auto c = counts_;
    c.queued = queue_.size();
    return c;
}

void ledger_writer::run() {
    std::vector<domain::ledger::usage_row> batch;
    bool retaining = false; // a retention run has chunks left: one per turn, between batches
    for (;;) {
        bool due = false;
        {
            std::unique_lock lock(mutex_);
            // Waits for a full batch, a flush, the batch interval, or the end.
            if (!retaining)
                wake_.wait_for(lock, options_.batch_wait, [&] {
                    return stopping_ || flush_wanted_ || queue_.size() >= options_.batch_rows;
                });
            auto const n = std::min(queue_.size(), options_.batch_rows);
            batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
            queue_.erase(queue_.begin(), queue_.begin() + n);
            if (queue_.empty()) flush_wanted_ = false;
            if (batch.empty() && stopping_) return;
            due = options_.retention.count() > 0 && (retaining || clock_() >= next_retention_ms_);
        }
        if (!batch.empty()) write_batch(batch);
        if (due) retaining = retention_step().more;
    }
}

void ledger_writer::write_batch(std::vector<domain::ledger::usage_row>& batch) {
    bool ok = true;
    try {
        std::lock_guard store_lock(store_mutex_);
        store_->append(batch);
    } catch (std::exception const& e) {
        ok = false;
        log_event(log_level::error, "ledger_write_failed", {{"rows", std::to_string(batch.size())}, {"error", e.what()}});
    }
    {
        std::lock_guard lock(mutex_);
        (ok ? counts_.written : counts_.failed) += batch.size();
        done_ += batch.size();
    }
    batch.clear();
    written_.notify_all();
}

ledger_writer::retention_turn ledger_writer::retention_step() {
    auto const now = clock_();
    std::size_t deleted = 0, bodies = 0;
    auto const payload_retention = options_.payload_retention.count() > 0 ? options_.payload_retention : options_.retention;
    try {
        std::lock_guard store_lock(store_mutex_);
        deleted = store_->forget_before(now - options_.retention.count(), options_.retention_chunk);
        bodies = store_->forget_payloads_before(now - payload_retention.count(), options_.retention_chunk);
    } catch (std::exception const& e) {
        log_event(log_level::error, "ledger_retention_failed", {{"error", e.what()}});
    }
    bool const more = deleted == options_.retention_chunk || bodies == options_.retention_chunk;
    std::lock_guard lock(mutex_);
    counts_.forgotten += deleted;
    counts_.payloads_forgotten += bodies;
    if (!more) {
        ++counts_.retention_runs;
        next_retention_ms_ = now + options_.retention_every.count();
    }
    return {deleted, more};
}

std::size_t ledger_writer::retain_now() {
    if (options_.retention.count() <= 0) return 0;
    std::size_t total = 0;
    for (;;) {
        auto const turn = retention_step();
        total += turn.deleted;
        if (!turn.more) return total;
    }
}

} // namespace switchboard::adapters
