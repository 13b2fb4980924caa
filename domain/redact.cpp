// Secret redaction by longest common runs, over every form an echo of the secret can take.
#include "domain/redact.hpp"

#include "domain/base64.hpp"

#include <algorithm>
#include <vector>

namespace switchboard::domain {

namespace {
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The forms an upstream may echo a secret in besides itself: reversed, and base64-encoded (at
// each of the three byte alignments it can sit at inside a longer encoded text, with the
// standard and the URL-safe alphabet; only the characters that depend on the secret alone).
std::vector<std::string> forms_of(std::string_view secret) {
    std::vector<std::string> forms{std::string(secret), std::string(secret.rbegin(), secret.rend())};
    for (std::size_t pad = 0; pad < 3; ++pad) {
        std::string const encoded = base64_encode(std::string(pad, '\0') + std::string(secret));
        std::size_t const first = pad == 0 ? 0 : pad + 1;
        std::size_t last = encoded.size();
        if ((pad + secret.size()) % 3 != 0) last = last >= 4 ? last - 4 : 0; // the group the next bytes share
        if (last <= first) continue;
        std::string core = encoded.substr(first, last - first);
        forms.push_back(core);
        std::replace(core.begin(), core.end(), '+', '-');
        std::replace(core.begin(), core.end(), '/', '_');
        forms.push_back(std::move(core));
    }
    return forms;
}

// Marks in `hidden` every character of `text` in a run of `piece` or more characters that also
// occurs in `form`, white space between the characters ignored ("s k - p r o j" is "sk-proj").
void mark_runs(std::string_view text, std::string_view form, std::size_t piece, std::vector<bool>& hidden) {
    std::vector<std::size_t> at; // positions of the non-space characters of text
    std::string compact;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!is_space(text[i])) {
            at.push_back(i);
            compact += text[i];
        }
    std::size_t i = 0;
    while (i < compact.size()) {
        std::size_t longest = 0; // the longest run starting at i that also occurs in the form
        for (std::size_t j = 0; j < form.size(); ++j) {
            std::size_t n = 0;
            while (i + n < compact.size() && j + n < form.size() && compact[i + n] == form[j + n]) ++n;
            longest = std::max(longest, n);
        }
        if (longest >= piece) {
            for (std::size_t k = at[i]; k <= at[i + longest - 1]; ++k) hidden[k] = true;
            i += longest;
        } else {
            ++i;
        }
    }
}
} // namespace

std::string redact_secret(std::string_view text, std::string_view secret, std::size_t min_piece) {
    if (secret.empty()) return std::string(text);
    std::size_t const piece = std::min(min_piece, secret.size());
    std::vector<bool> hidden(text.size(), false);
    for (auto const& form : forms_of(secret)) mark_runs(text, form, piece, hidden);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!hidden[i]) {
            out += text[i];
        } else if (i == 0 || !hidden[i - 1]) {
            out += "[redacted]";
        }
    }
    return out;
}

} // namespace switchboard::domain
