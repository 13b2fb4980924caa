// The built-in context window table.
#include "domain/context_windows.hpp"

#include <array>
#include <utility>

namespace switchboard::domain {
namespace {
struct window {
    std::string_view name; // exact model name, or a prefix when it ends with '*'
    std::int64_t tokens;
};

constexpr std::array windows{
    // OpenAI
    window{"gpt-4.1*", 1'047'576}, window{"gpt-4o*", 128'000}, window{"gpt-4-turbo*", 128'000},
    window{"gpt-4-32k*", 32'768}, window{"gpt-4", 8'192}, window{"gpt-4-0613", 8'192},
    window{"gpt-3.5-turbo*", 16'385}, window{"gpt-5*", 400'000}, window{"o1*", 200'000},
    window{"o3*", 200'000}, window{"o4-mini*", 200'000}, window{"text-embedding-3*", 8'191},
    window{"text-embedding-ada-002", 8'191},
    // Anthropic
    window{"claude-3*", 200'000}, window{"claude-sonnet-4*", 200'000}, window{"claude-opus-4*", 200'000},
    window{"claude-haiku-4*", 200'000},
    // Google
    window{"gemini-1.5-pro*", 2'097'152}, window{"gemini-1.5-flash*", 1'048'576},
    window{"gemini-2.0-flash*", 1'048'576}, window{"gemini-2.5*", 1'048'576},
    // Groq, Together and other open-weight hosts
    window{"llama-3.1-*", 131'072}, window{"llama-3.3-*", 131'072}, window{"llama3-8b-8192", 8'192},
    window{"llama3-70b-8192", 8'192}, window{"mixtral-8x7b-32768", 32'768}, window{"gemma2-9b-it", 8'192},
    // Mistral
    window{"mistral-large*", 131'072}, window{"mistral-small*", 32'768}, window{"codestral*", 256'000},
    window{"open-mistral-nemo*", 131'072},
    // DeepSeek
    window{"deepseek-chat", 65'536}, window{"deepseek-reasoner", 65'536},
};
} // namespace

std::int64_t known_context_window(std::string_view model) {
    std::int64_t best = 0;
    std::size_t best_length = 0;
    for (auto const& w : windows) {
        bool const prefix = w.name.ends_with('*');
        auto const stem = prefix ? w.name.substr(0, w.name.size() - 1) : w.name;
        if (!prefix && model == stem) return w.tokens;
        if (prefix && model.starts_with(stem) && stem.size() > best_length) {
            best = w.tokens;
            best_length = stem.size();
        }
    }
    return best;
}

std::int64_t context_window_of(deployment const& d) {
    return d.context_window > 0 ? d.context_window : known_context_window(d.model);
}

bool may_hold_longer_prompt(deployment const& d, std::int64_t floor) {
    auto const w = context_window_of(d);
    return w == 0 || w > floor;
}

} // namespace switchboard::domain
