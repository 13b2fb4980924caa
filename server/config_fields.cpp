// How config values are shown in messages and in the effective-config dump.
#include "server/config_fields.hpp"

namespace switchboard::server {

std::string duration_text(std::chrono::milliseconds d) {
    auto const ms = d.count();
    if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
    if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::string ms_text(std::chrono::milliseconds d) {
    return std::to_string(d.count()) + "ms";
}

} // namespace switchboard::server
