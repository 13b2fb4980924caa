#pragma once
// The built-in `mock` provider's answers: deterministic functions of the request, so the
// gateway runs and demos with zero configuration and tests can assert exact output.
// Chat: "Mock reply from <model>: <last user text>" cut to max_tokens words (finish "length").
// Embeddings: a unit vector (default 64 dimensions) seeded by a hash of each input text.

#include "domain/chat_request.hpp"
#include "domain/completion.hpp"
#include "domain/embedding_request.hpp"

#include <string>
#include <vector>

namespace switchboard::domain {

inline constexpr std::int64_t mock_default_dimensions = 64;
// The most embedding values (inputs × dimensions) the mock builds for one request, about 12 MB
// of JSON: the zero-config gateway must not be made to build answers of hundreds of megabytes.
inline constexpr std::int64_t mock_max_embedding_values = 1 << 20;

// The reply split into the pieces a stream would send (one word per piece, spaces kept).
struct mock_reply {
    std::vector<std::string> pieces;
    std::string finish_reason; // "stop" or "length"
    token_usage usage;
};
mock_reply mock_chat_reply(chat_request const& r, std::string_view model);

chat_completion mock_chat_completion(chat_request const& r, std::string_view model, std::string_view id,
                                     std::int64_t created);

std::vector<float> mock_embedding_vector(std::string_view text, std::int64_t dimensions);
embedding_result mock_embeddings(embedding_request const& r, std::string_view model);

} // namespace switchboard::domain
