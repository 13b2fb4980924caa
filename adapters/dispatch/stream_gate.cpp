// Holding a stream back until it has content, and resuming it after a cut.
#include "adapters/dispatch/stream_gate.hpp"

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
// Whether a chunk says anything beyond "the assistant speaks": content, a tool call, a refusal
// or a finish reason. `text` receives its content; `other` whether it carries anything but text.
bool substantive(json::object const& chunk, std::string& text, bool& other) {
    bool any = false;
    other = false;
    auto const* choices = chunk.if_contains("choices");
    if (!choices || !choices->is_array()) return false;
    for (auto const& c : choices->as_array()) {
        if (!c.is_object()) continue;
        auto const& choice = c.as_object();
        if (auto const* f = choice.if_contains("finish_reason"); f && f->is_string()) any = other = true;
        auto const* d = choice.if_contains("delta");
        if (!d || !d->is_object()) continue;
        auto const& delta = d->as_object();
        if (auto const* content = delta.if_contains("content"); content && content->is_string() &&
                                                                 !content->as_string().empty()) {
            text += content->as_string();
            any = true;
        }
        for (auto key : {"tool_calls", "refusal", "function_call"})
            if (auto const* v = delta.if_contains(key); v && !v->is_null()) any = other = true;
    }
    return any;
}

// `chunk` with its first choice's delta content replaced by `content`.
json::object with_content(json::object chunk, std::string const& content) {
    auto& choice = chunk["choices"].as_array().at(0).as_object();
    choice["delta"] = json::object{{"content", content}};
    choice["finish_reason"] = nullptr;
    return chunk;
}
} // namespace

void stream_gate::attempt(domain::deployment const& d, resume_mode mode) {
    current_ = d;
    held_role_.reset();
    rejected_ = false;
    mode_ = committed_ ? mode : resume_mode::none;
    verifier_.reset();
    if (mode_ == resume_mode::regenerate) verifier_.emplace(text_);
}

void stream_gate::attempt_ended() {
    if (mode_ == resume_mode::regenerate && verifier_ && verifier_->end() != domain::prefix_verifier::verdict::matched)
        rejected_ = true;
}

net::awaitable<bool> stream_gate::on_chunk(json::object chunk) {
    if (gone_ || rejected_) co_return false;
    if (!committed_) {
        std::string text;
        bool other = false;
        if (!substantive(chunk, text, other)) {
            held_role_ = std::move(chunk); // the opening role chunk: sent with the first content
            co_return true;
        }
        committed_ = true;
        std::optional<json::object> role = std::move(held_role_);
        held_role_.reset();
        bool const ok = co_await client_.begin(current_, std::move(role));
        if (!ok) {
            gone_ = true;
            co_return false;
        }
        co_return co_await forward(std::move(chunk));
    }
    if (mode_ == resume_mode::regenerate) co_return co_await verify(std::move(chunk));
    std::string text;
    bool other = false;
    if (!substantive(chunk, text, other)) co_return true; // a resumed attempt's role chunk
    co_return co_await forward(std::move(chunk));
}

net::awaitable<bool> stream_gate::forward(json::object chunk) {
    std::string text;
    bool other = false;
    substantive(chunk, text, other);
    text_ += text;
    bool const ok = co_await client_.on_chunk(std::move(chunk));
    gone_ = !ok;
    co_return ok;
}

net::awaitable<bool> stream_gate::verify(json::object chunk) {
    using verdict = domain::prefix_verifier::verdict;
    std::string text;
    bool other = false;
    if (!substantive(chunk, text, other)) co_return true;
    std::string remainder;
    auto v = verifier_->feed(text, remainder);
    if (v == verdict::pending && other) v = verifier_->end(); // a finish or tool call before the prefix
    if (v == verdict::mismatch) {
        rejected_ = true;
        co_return false;
    }
    if (v == verdict::pending) co_return true; // held back: the client already has this text
    mode_ = resume_mode::none;                  // verified: from here on, forward as usual
    if (remainder.empty() && !other) co_return true;
    if (!remainder.empty() && !other) co_return co_await forward(with_content(std::move(chunk), remainder));
    if (!remainder.empty()) {
        bool const ok = co_await forward(with_content(chunk, remainder));
        if (!ok) co_return false;
    }
    // What else the chunk carried (a finish reason): sent without the text already covered.
    auto& choice = chunk["choices"].as_array().at(0).as_object();
    choice["delta"] = json::object{};
    co_return co_await forward(std::move(chunk));
}

} // namespace switchboard::adapters
