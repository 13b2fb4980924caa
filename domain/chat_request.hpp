#pragma once
// The OpenAI chat-completions request, validated. parse_chat_request() is the single gate
// every client body passes through: it either returns a well-typed request or an
// invalid_request error naming the offending parameter path ("messages[2].role").
// Fields the gateway does not interpret stay in `body` so OpenAI-compatible upstreams receive
// them unchanged (tools, response_format, logprobs, seed…).

#include "domain/errors.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::domain {

struct chat_message {
    std::string role;           // system | developer | user | assistant | tool
    boost::json::value content; // string, array of content parts, or null
    std::string name;
    boost::json::value tool_calls; // assistant only: array or null
    std::string tool_call_id;      // tool only
};

struct chat_request {
    std::string model;
    std::vector<chat_message> messages;
    std::optional<double> temperature;
    std::optional<double> top_p;
    std::optional<std::int64_t> max_tokens; // max_tokens or max_completion_tokens
    std::vector<std::string> stop;
    bool stream = false;
    bool include_usage = false; // stream_options.include_usage
    std::string force_provider; // gateway extension, removed from `body`
    boost::json::value tools;   // array or null
    boost::json::value tool_choice;
    boost::json::object body; // the client's body without gateway-only fields
};

// Hard ceilings that catch absurd values; they do not replace a provider's own limits.
inline constexpr std::size_t max_messages = 100'000;
inline constexpr std::int64_t max_tokens_ceiling = 10'000'000;

// Takes the body by value: moved in, its tree becomes `chat_request::body` without a copy.
result<chat_request> parse_chat_request(boost::json::value body);

// The request with a final assistant message holding `text`: a provider that supports prefill
// continues the answer from there (streams resumed after a cut).
chat_request with_assistant_prefill(chat_request r, std::string_view text);

// The size of a call before it is made, for token limits and reservations: the prompt (≈4
// characters per token, plus a few per message) and the completion's ceiling (`max_tokens`, or
// `default_completion` when the client set none).
inline constexpr std::int64_t default_completion_estimate = 256;
std::int64_t estimated_prompt_tokens(chat_request const& r);
std::int64_t estimated_tokens(chat_request const& r,
                              std::int64_t default_completion = default_completion_estimate);

// The request with max_tokens multiplied by `factor` (at least 1), in the typed field and in the
// body field the client used (max_tokens or max_completion_tokens). Unchanged without max_tokens.
chat_request with_max_tokens_scaled(chat_request r, double factor);

// Concatenated text of a message's content (string, or the text parts of an array).
std::string content_text(boost::json::value const& content);

} // namespace switchboard::domain
