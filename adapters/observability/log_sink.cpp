// Asynchronous line writer with size-based rotation.
#include "adapters/observability/log_sink.hpp"

#include <sys/stat.h>

#include <vector>

namespace switchboard::adapters {

log_sink::log_sink(log_target target) : target_(std::move(target)) {
    if (target_.file.empty())
        out_ = stdout;
    else
        open_file();
    writer_ = std::thread([this] { run(); });
}

log_sink::~log_sink() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
    if (out_ && out_ != stdout) std::fclose(out_);
}

void log_sink::push(std::string line) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= target_.max_queued_lines) {
            ++dropped_;
            return;
        }
        // The writer drains on its own every few milliseconds; waking it per line would cost a
        // context switch per request. Only a filling queue calls it early.
        wake = queue_.size() == wake_at_lines;
        queue_.push_back(std::move(line));
        ++queued_total_;
    }
    if (wake) wake_.notify_one();
}

void log_sink::flush() {
    std::unique_lock lock(mutex_);
    auto const target = queued_total_;
    flushing_ = true;
    wake_.notify_one();
    written_.wait(lock, [&] { return written_total_ >= target; });
    flushing_ = false;
}

std::uint64_t log_sink::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void log_sink::run() {
    std::vector<std::string> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, drain_interval, [&] {
                return stopping_ || flushing_ || queue_.size() > wake_at_lines;
            });
            if (queue_.empty()) {
                if (stopping_) return; // everything is written
                continue;
            }
            batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
            queue_.clear();
        }
        for (auto const& line : batch) write(line);
        if (out_) std::fflush(out_);
        {
            std::lock_guard lock(mutex_);
            written_total_ += batch.size();
        }
        written_.notify_all();
        batch.clear();
    }
}

void log_sink::write(std::string const& line) {
    if (out_ != stdout && rotatable_) {
        if (file_bytes_ > 0 && file_bytes_ + line.size() > target_.max_file_bytes) rotate();
        file_bytes_ += line.size();
    }
    // A failed write (disk full, closed pipe) loses this line only; there is nowhere to report it.
    if (out_) std::fwrite(line.data(), 1, line.size(), out_);
}

void log_sink::open_file() {
    out_ = std::fopen(target_.file.c_str(), "a");
    file_bytes_ = 0;
    struct stat st{};
    // Only a regular file is rotated: a FIFO or /dev/stdout is written as it is.
    rotatable_ = out_ && ::stat(target_.file.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    if (rotatable_) file_bytes_ = static_cast<std::uint64_t>(st.st_size);
}

void log_sink::rotate() {
    if (out_) std::fclose(out_);
    out_ = nullptr;
    auto const name = [&](int i) { return target_.file + "." + std::to_string(i); };
    if (target_.max_files > 0) {
        std::remove(name(target_.max_files).c_str());
        for (int i = target_.max_files - 1; i >= 1; --i) std::rename(name(i).c_str(), name(i + 1).c_str());
        std::rename(target_.file.c_str(), name(1).c_str());
    } else {
        std::remove(target_.file.c_str());
    }
    open_file();
}

} // namespace switchboard::adapters
