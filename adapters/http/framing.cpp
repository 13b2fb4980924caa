// Smuggling-shape checks on raw header text.
#include "adapters/http/framing.hpp"

#include <cctype>

namespace switchboard::adapters {

bool has_obs_fold(std::string_view header_block) {
    for (auto at = header_block.find('\n'); at != std::string_view::npos; at = header_block.find('\n', at + 1))
        if (at + 1 < header_block.size() && (header_block[at + 1] == ' ' || header_block[at + 1] == '\t'))
            return true;
    return false;
}

bool ends_with_chunked(std::string_view te) {
    while (!te.empty() && (te.back() == ' ' || te.back() == '\t')) te.remove_suffix(1);
    auto const comma = te.rfind(',');
    auto last = comma == std::string_view::npos ? te : te.substr(comma + 1);
    while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
    constexpr std::string_view chunked = "chunked";
    if (last.size() != chunked.size()) return false;
    for (std::size_t i = 0; i < chunked.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(last[i])) != chunked[i]) return false;
    return true;
}

} // namespace switchboard::adapters
