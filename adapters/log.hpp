#pragma once
// Minimal structured logging: one JSON object per line on stderr, written whole under a lock so
// lines from different cores never interleave. Callers never pass secrets or request bodies.
// (The asynchronous sink with levels and per-request lines replaces this in the observability work.)
#include <boost/json/object.hpp>

#include <string_view>

namespace switchboard::adapters {

void log_event(std::string_view level, std::string_view event, boost::json::object fields = {});
void log_error(std::string_view event, std::string_view detail);

} // namespace switchboard::adapters
