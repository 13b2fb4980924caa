#pragma once
// The one table of what the gateway knows about provider kinds and well-known services: each
// kind's wire format, default base URL and whether its answers cost money; each well-known
// service's environment shorthand (OPENAI_API_KEY…), kind, base URL and the bare model-name
// prefixes it serves. Config, the env shorthand, routing's prefix rules and the provider factory
// all read it, so a new kind or service is one entry. Plain data: no I/O.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::adapters {

enum class wire_format { openai, anthropic, gemini, mock, rest };

struct provider_kind {
    std::string_view name; // the `kind:` of a provider in the config
    wire_format wire;
    std::string_view default_base_url; // empty: the kind needs none (mock)
    bool billable;                     // false: its answers cost nothing (the built-in mock)
    std::span<std::string_view const> model_prefixes; // bare model names any provider of the kind serves
};

// A well-known service, configured from its API key in the environment alone.
struct provider_preset {
    std::string_view name;      // the provider name it gets (also matched by a configured provider's name)
    std::string_view key_var;   // OPENAI_API_KEY…
    std::string_view alias_var; // another accepted variable (CLAUDE_API_KEY), or empty
    std::string_view kind;
    std::string_view base_url;
    std::span<std::string_view const> model_prefixes; // bare model names this service serves
};

std::span<provider_kind const> provider_kinds();
std::span<provider_preset const> provider_presets();
provider_kind const* find_provider_kind(std::string_view name);
// "openai, anthropic, gemini, mock": for error messages.
std::string provider_kind_names();
// Default base URL for a kind ("" when the kind has none or is unknown).
std::string default_base_url(std::string_view kind);
// The bare model-name prefixes a provider `name` of `kind` serves: its kind's, and its
// service's when its name is a well-known one.
std::vector<std::string_view> model_prefixes_for(std::string_view name, std::string_view kind);

} // namespace switchboard::adapters
