#pragma once
// Gemini generateContent ⇄ OpenAI chat format.
// Request: system/developer → `systemInstruction`; roles user/assistant → user/model; tool
// results → `functionResponse` parts (named from the assistant's earlier tool call);
// generation parameters → `generationConfig`. Response: the first candidate's parts (text,
// functionCall → tool_calls), finishReason → finish_reason, usageMetadata → usage.

#include "domain/attempt_outcome.hpp"
#include "domain/chat_request.hpp"
#include "domain/completion.hpp"

namespace switchboard::domain {

boost::json::object gemini_request(chat_request const& r);

// `id` and `created` are stamped by the adapter (Gemini's responseId is used when present).
result<chat_completion> parse_gemini_response(std::string_view body, std::string_view model,
                                              std::string_view id, std::int64_t created);

// {"error":{"code","message","status"}} (or a one-element array of it) → attempt_error.
attempt_error parse_gemini_error(int status, std::string_view body);

std::string_view gemini_finish_reason(std::string_view finish_reason);

} // namespace switchboard::domain

#include "domain/embedding_request.hpp"

namespace switchboard::domain {

// batchEmbedContents: one request per text input.
boost::json::object gemini_embedding_request(embedding_request const& r, std::string_view model);
// {"embeddings":[{"values":[…]}]} → OpenAI list (float or base64 per the request).
result<embedding_result> parse_gemini_embedding_response(std::string_view body, std::string_view model,
                                                         embedding_request const& r);

} // namespace switchboard::domain
