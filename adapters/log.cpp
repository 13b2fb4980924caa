// JSON-lines logger on stderr.
#include "adapters/log.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace switchboard::adapters {

namespace {
std::string utc_timestamp() {
    auto const now = std::chrono::system_clock::now();
    std::time_t const t = std::chrono::system_clock::to_time_t(now);
    auto const ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}
std::mutex log_mutex;
} // namespace

void log_event(std::string_view level, std::string_view event, boost::json::object fields) {
    boost::json::object line{{"ts", utc_timestamp()}, {"level", level}, {"event", event}};
    for (auto& [k, v] : fields) line[k] = std::move(v);
    std::string text = boost::json::serialize(line);
    text += '\n';
    std::lock_guard lock(log_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
}

void log_error(std::string_view event, std::string_view detail) {
    log_event("error", event, {{"detail", detail}});
}

} // namespace switchboard::adapters
