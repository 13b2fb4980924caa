#pragma once
// What the gateway needs from an OpenAI `chat.completion` answer — its shape checked, the model
// and the usage — read in one streaming pass over the text, without building a JSON tree, so an
// answer that needs no change can be relayed as received.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::domain {

struct openai_answer_facts {
    // Empty when the answer has the shape the gateway relays (an object whose `choices` is a
    // non-empty array of objects, each with a `message` object); otherwise what is wrong, in
    // the words of parse_openai_chat_response: "not a JSON object", "no choices", …
    std::string problem;
    std::optional<std::string> model; // top-level `model`, when a string
    bool has_usage = false;           // top-level `usage` is an object
    std::int64_t prompt_tokens = 0;   // usage counts: non-negative integers, else 0
    std::int64_t completion_tokens = 0;
    std::int64_t cached_tokens = 0;   // usage.prompt_tokens_details.cached_tokens (provider prompt cache)
};

openai_answer_facts scan_openai_answer(std::string_view text);

} // namespace switchboard::domain
