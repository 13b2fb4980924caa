#pragma once
// What a provider returns once translated: the OpenAI-format body the client receives, plus the
// facts the gateway accounts for (serving model, usage).

#include "domain/pricing.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace switchboard::domain {

struct chat_completion {
    boost::json::object body; // OpenAI `chat.completion` object, usage included; empty if `relayed`
    std::string model;        // the model that actually served (as the provider names it)
    token_usage usage;
    // The provider's answer as received, when it is already what the client gets (an
    // OpenAI-compatible answer that names its model and its usage): relayed as is, no tree built.
    std::string relayed;
};

struct embedding_result {
    boost::json::object body; // OpenAI `list` of `embedding` objects, usage included
    std::string model;
    token_usage usage;
};

// Rough token count for text when a provider reports none (≈4 characters per token).
std::int64_t estimate_tokens(std::string_view text);

} // namespace switchboard::domain
