// The provider kind and service table.
#include "adapters/providers/provider_kinds.hpp"

#include <array>

namespace switchboard::adapters {
namespace {
using sv = std::string_view;
constexpr std::array<sv, 1> anthropic_prefixes{"claude-"};
constexpr std::array<sv, 3> gemini_prefixes{"gemini-", "gemma-", "text-embedding-004"};
constexpr std::array<sv, 6> openai_prefixes{"gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-"};
constexpr std::array<sv, 5> mistral_prefixes{"mistral-", "open-mistral", "codestral", "pixtral", "ministral"};
constexpr std::array<sv, 1> deepseek_prefixes{"deepseek-"};

constexpr std::array<provider_kind, 5> kinds{{
    {"openai", wire_format::openai, "https://api.openai.com/v1", true, {}},
    {"anthropic", wire_format::anthropic, "https://api.anthropic.com/v1", true, anthropic_prefixes},
    {"gemini", wire_format::gemini, "https://generativelanguage.googleapis.com/v1beta", true, gemini_prefixes},
    {"mock", wire_format::mock, "", false, {}},
    {"rest", wire_format::rest, "", true, {}}, // a plain REST API: services and passthrough, no models
}};

constexpr std::array<provider_preset, 7> presets{{
    {"openai", "OPENAI_API_KEY", "", "openai", "https://api.openai.com/v1", openai_prefixes},
    {"anthropic", "ANTHROPIC_API_KEY", "CLAUDE_API_KEY", "anthropic", "https://api.anthropic.com/v1", {}},
    {"gemini", "GEMINI_API_KEY", "", "gemini", "https://generativelanguage.googleapis.com/v1beta", {}},
    {"groq", "GROQ_API_KEY", "", "openai", "https://api.groq.com/openai/v1", {}},
    {"together", "TOGETHER_API_KEY", "", "openai", "https://api.together.xyz/v1", {}},
    {"mistral", "MISTRAL_API_KEY", "", "openai", "https://api.mistral.ai/v1", mistral_prefixes},
    {"deepseek", "DEEPSEEK_API_KEY", "", "openai", "https://api.deepseek.com/v1", deepseek_prefixes},
}};
} // namespace

std::span<provider_kind const> provider_kinds() {
    return kinds;
}

std::span<provider_preset const> provider_presets() {
    return presets;
}

provider_kind const* find_provider_kind(std::string_view name) {
    for (auto const& k : kinds)
        if (k.name == name) return &k;
    return nullptr;
}

std::string provider_kind_names() {
    std::string out;
    for (auto const& k : kinds) out += (out.empty() ? "" : ", ") + std::string(k.name);
    return out;
}

std::string default_base_url(std::string_view kind) {
    auto const* k = find_provider_kind(kind);
    return k ? std::string(k->default_base_url) : std::string();
}

std::vector<std::string_view> model_prefixes_for(std::string_view name, std::string_view kind) {
    std::vector<std::string_view> out;
    if (auto const* k = find_provider_kind(kind)) out.assign(k->model_prefixes.begin(), k->model_prefixes.end());
    for (auto const& p : presets)
        if (p.name == name && p.kind == kind) out.insert(out.end(), p.model_prefixes.begin(), p.model_prefixes.end());
    return out;
}

} // namespace switchboard::adapters
