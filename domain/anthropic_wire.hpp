#pragma once
// Anthropic Messages API ⇄ OpenAI chat format.
// Request: system/developer messages → `system`; tool results → user `tool_result` blocks;
// assistant tool_calls → `tool_use` blocks; consecutive same-role turns merged (Anthropic
// requires alternation); `max_tokens` defaulted (Anthropic requires it); temperature clamped
// to Anthropic's [0, 1]. Response: text blocks joined, tool_use → tool_calls, stop_reason →
// finish_reason, usage (cache tokens counted as prompt tokens, as OpenAI does).

#include "domain/attempt_outcome.hpp"
#include "domain/chat_request.hpp"
#include "domain/completion.hpp"

namespace switchboard::domain {

inline constexpr std::int64_t anthropic_default_max_tokens = 4096;

boost::json::object anthropic_request(chat_request const& r, std::string_view upstream_model,
                                      std::int64_t default_max_tokens = anthropic_default_max_tokens);

// `created` is the Unix time the adapter stamps on the completion.
result<chat_completion> parse_anthropic_response(std::string_view body, std::int64_t created);

// {"type":"error","error":{"type","message"}} → attempt_error (type kept as provider_code).
attempt_error parse_anthropic_error(int status, std::string_view body);

// "end_turn" → "stop", "max_tokens" → "length", "tool_use" → "tool_calls"…
std::string_view anthropic_finish_reason(std::string_view stop_reason);

} // namespace switchboard::domain
