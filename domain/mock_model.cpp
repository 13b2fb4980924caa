// Deterministic mock completions and embeddings.
#include "domain/mock_model.hpp"

#include "domain/openai_wire.hpp"

#include <cctype>
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

namespace {
std::uint64_t next_random(std::uint64_t& state) { // xorshift64*: stable across platforms and runs
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ull;
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
    return h | 1; // never 0: xorshift would stay there
}

void normalize(std::vector<float>& v) {
    double norm = 0;
    for (float x : v) norm += static_cast<double>(x) * x;
    norm = std::sqrt(norm);
    if (norm > 0)
        for (auto& x : v) x = static_cast<float>(x / norm);
}
} // namespace

std::vector<float> mock_embedding_vector(std::string_view text, std::int64_t dimensions) {
    std::vector<float> v(static_cast<std::size_t>(dimensions));
    if (v.empty()) return v;
    // Each word (letters and digits, lowercased) adds ±1 at eight coordinates picked by its hash:
    // texts that share most of their words are near (a paraphrase scores ~0.9), others are not.
    bool any_word = false;
    std::string word;
    auto add_word = [&] {
        if (word.empty()) return;
        auto state = fnv1a(word);
        for (int k = 0; k < 8; ++k) {
            auto const r = next_random(state);
            v[static_cast<std::size_t>((r >> 1) % v.size())] += (r >> 63) ? 1.0f : -1.0f;
        }
        any_word = true;
        word.clear();
    };
    for (unsigned char ch : text) {
        if (std::isalnum(ch)) word += static_cast<char>(std::tolower(ch));
        else add_word();
    }
    add_word();
    if (!any_word) { // no word: a stable pseudo-random direction of the text's bytes
        auto state = fnv1a(text);
        for (auto& x : v)
            x = static_cast<float>(static_cast<double>(next_random(state) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    }
    normalize(v);
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
