#pragma once
// What the semantic cache compares: the prompt — the text of the request's last user message —
// by meaning (its embedding), and everything else exactly. Two requests are candidates for one
// answer only when their bodies are identical once that message's text is left out (same model,
// earlier messages, tools, sampling parameters…) in the same namespace. Pure.
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

struct semantic_parts {
    std::string prompt; // what is embedded
    std::string rest;   // the identity of everything else (cache_identity of the body without the prompt)
};

// Nullopt when the request has no last user message made only of text (an image, audio or a
// tool result is not compared by meaning).
std::optional<semantic_parts> semantic_identity(std::string_view cache_namespace, boost::json::object const& body);

// Cosine similarity of two vectors of one length (0 when either is null or lengths differ).
double cosine_similarity(float const* a, float const* b, std::size_t n);

} // namespace switchboard::domain
