// traceparent parsing and span ids.
#include "adapters/http/trace_context.hpp"

#include "adapters/hex.hpp"

namespace switchboard::adapters {
namespace {
bool lower_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool all_zero(std::string_view s) {
    return s.find_first_not_of('0') == std::string_view::npos;
}

// The spec forbids all-zero ids.
std::string nonzero_hex(std::size_t digits) {
    auto out = random_hex(digits);
    return all_zero(out) ? nonzero_hex(digits) : out;
}
} // namespace

trace_context continue_or_start_trace(std::string_view tp, std::string_view tracestate) {
    // version "-" trace-id "-" parent-id "-" flags; version 00 is exactly 55 characters, later
    // versions may append fields after another "-".
    bool valid = tp.size() >= 55 && tp[2] == '-' && tp[35] == '-' && tp[52] == '-' &&
                 (tp.size() == 55 || (tp.substr(0, 2) != "00" && tp[55] == '-'));
    if (valid) {
        auto const version = tp.substr(0, 2), trace = tp.substr(3, 32), parent = tp.substr(36, 16),
                   flags = tp.substr(53, 2);
        valid = lower_hex(version) && version != "ff" && lower_hex(trace) && !all_zero(trace) &&
                lower_hex(parent) && !all_zero(parent) && lower_hex(flags);
        if (valid) return {std::string(trace), std::string(flags), std::string(tracestate.substr(0, 512))};
    }
    return {nonzero_hex(32), "00", {}};
}

std::string child_traceparent(trace_context const& trace) {
    return "00-" + trace.trace_id + "-" + nonzero_hex(16) + "-" + trace.flags;
}

} // namespace switchboard::adapters
