#pragma once
// Where log lines go: a bounded queue drained by one writer thread, so a request thread never
// waits on the terminal, a pipe or the disk. The target is stdout (containers collect it) or a
// file rotated by size (`file`, `file.1` … `file.<max_files>`; the oldest is dropped; only a
// regular file is rotated).
//
// Lines are written within a few milliseconds (the writer drains every 5 ms, or at once when 512
// lines wait) — batching keeps a request from paying a thread wake-up for its log line.
// Contract: push() never blocks on I/O and never fails; when the queue is full (the writer
// cannot keep up) the line is dropped and counted (`dropped()`, exported as a metric), because
// a stalled log target must not stall the gateway. flush() waits until every line queued
// before it is written (shutdown, tests). Thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace switchboard::adapters {

struct log_target {
    std::string file;                          // empty: stdout
    std::uint64_t max_file_bytes = 100u << 20; // rotate when the next line would pass it
    int max_files = 5;                         // rotated files kept besides the current one
    std::size_t max_queued_lines = 65536;
};

class log_sink {
  public:
    explicit log_sink(log_target target = {});
    ~log_sink(); // writes what is queued, then stops the writer
    log_sink(log_sink const&) = delete;
    log_sink& operator=(log_sink const&) = delete;

    void push(std::string line); // one complete line, '\n' included
    void flush();
    std::uint64_t dropped() const;

  private:
    void run();
    void write(std::string const& line);
    void open_file();
    void rotate();

    log_target target_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;    // the writer: lines queued or stopping
    std::condition_variable written_; // flush(): the writer caught up
    std::deque<std::string> queue_;
    std::uint64_t queued_total_ = 0;
    std::uint64_t written_total_ = 0; // lines taken off the queue and written (or failed)
    std::uint64_t dropped_ = 0;
    bool stopping_ = false;
    bool flushing_ = false;
    static constexpr std::size_t wake_at_lines = 512;                 // a filling queue wakes the writer
    static constexpr std::chrono::milliseconds drain_interval{5};     // otherwise it drains this often
    std::FILE* out_ = nullptr;
    std::uint64_t file_bytes_ = 0;
    bool rotatable_ = false; // a regular file
    std::thread writer_;
};

} // namespace switchboard::adapters
