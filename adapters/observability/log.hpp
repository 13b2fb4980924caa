#pragma once
// Structured logging: one JSON object per line — {"ts","level","event",…fields} — handed to the
// asynchronous sink (stdout by default, or a rotated file), so logging never blocks a request
// thread on I/O. Lines below the configured level are dropped before they are formatted.
//
// Callers never pass secrets, headers or bodies unmasked: API keys appear only as
// `mask_secret()` (a short prefix and suffix) or a fingerprint; prompts and completions only when
// the operator opted in (logging.include_payloads).
#include "adapters/observability/log_sink.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace switchboard::adapters {

enum class log_level { debug, info, warning, error, critical };

std::optional<log_level> parse_log_level(std::string_view name); // case-insensitive; "warn" too
std::string_view log_level_name(log_level level);                // "DEBUG" … "CRITICAL"

struct log_options {
    log_level level = log_level::info;
    log_target target;
};

// Replaces the process-wide sink (lines queued in the old one are written first). Called by
// the composition root at start-up and by tests; until then lines go to stdout at INFO.
void configure_logging(log_options options);
bool log_enabled(log_level level);
void log_event(log_level level, std::string_view event, boost::json::object fields = {});
void log_error(std::string_view event, std::string_view detail);
// A finished line (see log_line), handed to the sink as it is.
void push_log_text(std::string line);
void flush_logs();                  // waits until every line logged so far is written
std::uint64_t dropped_log_lines();  // lines lost to a full queue since start

// "sk-...wxyz": enough to tell keys apart, never enough to use one (at most 3 + 4 characters,
// "****" for a key shorter than 12, "" for none).
std::string mask_secret(std::string_view secret);

} // namespace switchboard::adapters
