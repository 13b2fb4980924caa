#pragma once
// The OpenAI embeddings request, validated like chat: one gate, errors name the parameter.

#include "domain/errors.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace switchboard::domain {

struct embedding_request {
    std::string model;
    // Text inputs; token-array inputs are kept only in `body` (pass-through to OpenAI-compatible
    // upstreams) and counted in `input_count`.
    std::vector<std::string> texts;
    std::size_t input_count = 0;
    bool base64 = false; // encoding_format == "base64"
    std::optional<std::int64_t> dimensions;
    std::string force_provider;
    boost::json::object body;
};

inline constexpr std::size_t max_embedding_inputs = 2048;
// Inputs × requested dimensions: the size of the answer the request asks for. The largest a real
// provider gives (2048 inputs of 3072 dimensions); a larger product is refused before any call.
inline constexpr std::int64_t max_embedding_values = 2048 * 3072;

// Takes the body by value: moved in, its tree becomes `embedding_request::body` without a copy.
result<embedding_request> parse_embedding_request(boost::json::value body);

// Input tokens of the call before it is made (≈4 characters per token; token-id inputs count 1
// per item, a floor).
std::int64_t estimated_tokens(embedding_request const& r);

} // namespace switchboard::domain
