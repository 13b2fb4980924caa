// Secret redaction by longest common runs.
#include "domain/redact.hpp"

#include <algorithm>

namespace switchboard::domain {

std::string redact_secret(std::string_view text, std::string_view secret, std::size_t min_piece) {
    if (secret.empty()) return std::string(text);
    std::size_t const piece = std::min(min_piece, secret.size());
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        // The longest run starting at i that also occurs somewhere in the secret.
        std::size_t longest = 0;
        for (std::size_t j = 0; j < secret.size(); ++j) {
            std::size_t n = 0;
            while (i + n < text.size() && j + n < secret.size() && text[i + n] == secret[j + n]) ++n;
            longest = std::max(longest, n);
        }
        if (longest >= piece) {
            out += "[redacted]";
            i += longest;
        } else {
            out += text[i++];
        }
    }
    return out;
}

} // namespace switchboard::domain
