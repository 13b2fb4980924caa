// JSON-lines logging over the process-wide asynchronous sink.
#include "adapters/observability/log.hpp"

#include "adapters/observability/log_line.hpp"


#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace switchboard::adapters {

namespace {
// The sink is replaced only by configure_logging(); writers hold a shared_ptr for the push so a
// replacement never destroys a sink under them.
struct logging_state {
    std::mutex mutex;
    std::shared_ptr<log_sink> sink;
    std::atomic<int> level{static_cast<int>(log_level::info)};
    std::atomic<std::uint64_t> dropped_before{0}; // by sinks already replaced
};
logging_state& state() {
    static logging_state s;
    return s;
}
std::shared_ptr<log_sink> current_sink() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.sink) s.sink = std::make_shared<log_sink>();
    return s.sink;
}
} // namespace

std::optional<log_level> parse_log_level(std::string_view name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == "debug") return log_level::debug;
    if (lower == "info") return log_level::info;
    if (lower == "warning" || lower == "warn") return log_level::warning;
    if (lower == "error") return log_level::error;
    if (lower == "critical") return log_level::critical;
    return std::nullopt;
}

std::string_view log_level_name(log_level level) {
    static constexpr std::string_view names[] = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
    return names[static_cast<int>(level)];
}

void configure_logging(log_options options) {
    auto& s = state();
    auto replacement = std::make_shared<log_sink>(std::move(options.target));
    std::shared_ptr<log_sink> old;
    {
        std::lock_guard lock(s.mutex);
        old = std::exchange(s.sink, std::move(replacement));
        s.level.store(static_cast<int>(options.level));
    }
    if (old) {
        old->flush();
        s.dropped_before.fetch_add(old->dropped());
    }
}

bool log_enabled(log_level level) {
    return static_cast<int>(level) >= state().level.load(std::memory_order_relaxed);
}

void log_event(log_level level, std::string_view event, boost::json::object fields) {
    if (!log_enabled(level)) return;
    log_line line(level, event);
    for (auto const& [k, v] : fields) line.add(k, v);
    line.write();
}

void push_log_text(std::string line) {
    current_sink()->push(std::move(line));
}

void log_error(std::string_view event, std::string_view detail) {
    log_event(log_level::error, event, {{"detail", detail}});
}

void flush_logs() {
    current_sink()->flush();
}

std::uint64_t dropped_log_lines() {
    return state().dropped_before.load() + current_sink()->dropped();
}

std::string mask_secret(std::string_view secret) {
    if (secret.empty()) return "";
    if (secret.size() < 12) return "****";
    return std::string(secret.substr(0, 3)) + "..." + std::string(secret.substr(secret.size() - 4));
}

} // namespace switchboard::adapters
