// Deterministic mock completions and embeddings.
#include "domain/mock_model.hpp"

#include "domain/openai_wire.hpp"

#include <cmath>

namespace switchboard::domain {
namespace json = boost::json;

mock_reply mock_chat_reply(chat_request const& r, std::string_view model) {
    std::string said;
    for (auto it = r.messages.rbegin(); it != r.messages.rend(); ++it)
        if (it->role == "user") {
            said = content_text(it->content);
            break;
        }
    if (said.size() > 2000) said.resize(2000);
    std::string const text = "Mock reply from " + std::string(model) + ": " + said;

    mock_reply out;
    std::int64_t const limit = r.max_tokens.value_or(INT64_MAX);
    std::size_t start = 0;
    while (start < text.size()) {
        if (static_cast<std::int64_t>(out.pieces.size()) >= limit) break;
        std::size_t end = text.find(' ', start + 1);
        if (end == std::string::npos) end = text.size();
        out.pieces.push_back(text.substr(start, end - start));
        start = end;
    }
    out.finish_reason = start < text.size() ? "length" : "stop";
    out.usage.prompt_tokens = estimated_prompt_tokens(r);
    out.usage.completion_tokens = static_cast<std::int64_t>(out.pieces.size());
    return out;
}

chat_completion mock_chat_completion(chat_request const& r, std::string_view model, std::string_view id,
                                     std::int64_t created) {
    mock_reply reply = mock_chat_reply(r, model);
    std::string text;
    for (auto const& p : reply.pieces) text += p;
    chat_completion c;
    c.model = std::string(model);
    c.usage = reply.usage;
    c.body = make_chat_completion_body(
        id, created, model, json::object{{"role", "assistant"}, {"content", text}, {"refusal", nullptr}},
        reply.finish_reason, c.usage);
    return c;
}

std::vector<float> mock_embedding_vector(std::string_view text, std::int64_t dimensions) {
    // FNV-1a seed, then xorshift64*: stable across platforms and runs.
    std::uint64_t state = 1469598103934665603ull;
    for (unsigned char ch : text) state = (state ^ ch) * 1099511628211ull;
    std::vector<float> v(static_cast<std::size_t>(dimensions));
    double norm = 0;
    for (auto& x : v) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        std::uint64_t const r = state * 2685821657736338717ull;
        x = static_cast<float>(static_cast<double>(r >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        norm += static_cast<double>(x) * x;
    }
    norm = std::sqrt(norm);
    if (norm > 0)
        for (auto& x : v) x = static_cast<float>(x / norm);
    return v;
}

embedding_result mock_embeddings(embedding_request const& r, std::string_view model) {
    std::int64_t const dims = r.dimensions.value_or(mock_default_dimensions);
    json::array data;
    std::vector<std::string> inputs = r.texts;
    if (inputs.empty()) inputs.assign(r.input_count, std::string{}); // token-id inputs
    embedding_result out;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        data.push_back(embedding_item(i, mock_embedding_vector(inputs[i], dims), r.base64));
        out.usage.prompt_tokens += std::max<std::int64_t>(1, estimate_tokens(inputs[i]));
    }
    out.model = std::string(model);
    out.body = embedding_list_body(std::move(data), model, out.usage.prompt_tokens);
    return out;
}

} // namespace switchboard::domain
