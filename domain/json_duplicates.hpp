#pragma once
// Duplicate object keys in a JSON text. A parser keeps one of them (Boost.JSON the last), and
// another reader of the same bytes — a provider, a proxy — may keep the other: a request with a
// repeated key is ambiguous, so the gateway refuses it (as the config reader does). Pure.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

// The first key that occurs twice in one object of `text` (nested objects included), or nullopt
// when there is none or `text` is not valid JSON (the caller's parse reports that).
std::optional<std::string> first_duplicate_key(std::string_view text);

} // namespace switchboard::domain
