#pragma once
// The OpenAI wire format, as spoken to OpenAI-compatible upstreams (OpenAI, Groq, Together,
// Mistral, DeepSeek, OpenRouter, vLLM, Ollama…). Responses are parsed defensively: anything that
// is not a well-formed completion becomes an error value, never an exception.

#include "domain/attempt_outcome.hpp"
#include "domain/chat_request.hpp"
#include "domain/completion.hpp"
#include "domain/embedding_request.hpp"

#include <initializer_list>
#include <string_view>
#include <vector>

namespace switchboard::domain {

// The client's body for an OpenAI-compatible upstream, as text: `model` replaced by the
// deployment's upstream model and written first, the keys in `left_out` left out, then
// `appended` (members as JSON text, e.g. `"stream":true`). Written straight from the client's
// tree, which is neither copied nor changed (one request, several attempts).
std::string openai_chat_body_text(chat_request const& r, std::string_view upstream_model,
                                  std::initializer_list<std::string_view> left_out = {},
                                  std::string_view appended = {});
boost::json::object openai_embedding_body(embedding_request const& r, std::string_view upstream_model);

// Validates an upstream chat.completion; fills `usage` (estimating it when absent).
// An answer that names its model and usage is checked by a streaming scan and kept as `relayed`
// text (no tree); any other is read into `body` and completed (usage estimated when missing).
result<chat_completion> parse_openai_chat_response(std::string text);
result<embedding_result> parse_openai_embedding_response(std::string_view body);

// The provider's error body ({"error":{"message","type","param","code"}}) → attempt_error.
attempt_error parse_openai_error(int status, std::string_view body);

// Builds {"object":"chat.completion",...} from parts; used by the translators and the mock.
boost::json::object make_chat_completion_body(std::string_view id, std::int64_t created,
                                              std::string_view model, boost::json::object message,
                                              std::string_view finish_reason, token_usage const& usage);
boost::json::object usage_json(token_usage const& usage);

// Parses JSON without throwing; nullopt for invalid JSON.
// The tree's nodes live in one arena per parse (a shared monotonic resource that its values keep
// alive): one allocation for a small body instead of one per node. Contract: an arena is not
// thread-safe, so a value that another thread may copy or change (shared state, a cache) is
// first deep-copied into default storage: `boost::json::value(v, boost::json::storage_ptr())`.
// A moved-from value keeps its storage only when moved into a constructor; assigning it to an
// object built on another storage copies it.
std::optional<boost::json::value> parse_json(std::string_view text);

// Helpers shared by the provider translators.
// upstream_bad_response: "The provider returned an invalid response: <what>".
gateway_error upstream_bad_response(std::string const& what);
// A non-negative integer field (0 when absent, negative or not an integer).
std::int64_t count_field(boost::json::object const& o, std::string_view key);
// A string field ("" when absent or not a string).
std::string string_field(boost::json::object const& o, std::string_view key);
// One OpenAI `embedding` item: the vector as numbers, or base64 of little-endian float32
// (encoding_format "base64", what the official SDKs request by default).
boost::json::object embedding_item(std::size_t index, std::vector<float> const& vector, bool base64);
boost::json::object embedding_item(std::size_t index, boost::json::array numbers);
// The OpenAI embeddings `list` body around `data`.
boost::json::object embedding_list_body(boost::json::array data, std::string_view model,
                                        std::int64_t prompt_tokens);

} // namespace switchboard::domain
