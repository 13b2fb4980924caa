#pragma once
// Route patterns with path parameters: literal segments, `{name}` (exactly one non-empty
// segment) and a final `{name*}` (the rest of the path: one or more segments, slashes kept —
// model ids such as "openai/gpt-4o" contain one). Pure string work, no allocation.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::adapters {

struct path_match {
    bool matched = false;
    std::string_view param; // the parameter's raw (still percent-encoded) text, when the pattern has one
};

path_match match_path(std::string_view pattern, std::string_view path);

// A path parameter percent-decoded ("openai%2Fgpt-4o" is "openai/gpt-4o"); nullopt when its
// encoding is invalid.
std::optional<std::string> percent_decoded(std::string_view raw);

} // namespace switchboard::adapters
