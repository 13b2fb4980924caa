#pragma once
// W3C Trace Context (traceparent / tracestate). A valid incoming `traceparent` is continued:
// its trace id and flags are kept and every upstream attempt gets a span id of its own; a
// missing or malformed one starts a new trace (flags 00: not sampled). `tracestate` is passed
// on unchanged with a valid traceparent, dropped otherwise (as the spec asks).
#include <string>
#include <string_view>

namespace switchboard::adapters {

struct trace_context {
    std::string trace_id; // 32 lowercase hex digits
    std::string flags;    // 2 hex digits
    std::string tracestate;
};

trace_context continue_or_start_trace(std::string_view traceparent, std::string_view tracestate);
// "00-<trace id>-<new span id>-<flags>" for one upstream attempt.
std::string child_traceparent(trace_context const& trace);

} // namespace switchboard::adapters
