// Holding a stream back until it has content.
#include "adapters/dispatch/stream_gate.hpp"

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
// Whether a chunk says anything beyond "the assistant speaks": content, a tool call, a refusal
// or a finish reason. Appends its text to `text`.
bool substantive(json::object const& chunk, std::string& text) {
    bool any = false;
    auto const* choices = chunk.if_contains("choices");
    if (!choices || !choices->is_array()) return false;
    for (auto const& c : choices->as_array()) {
        if (!c.is_object()) continue;
        auto const& choice = c.as_object();
        if (auto const* f = choice.if_contains("finish_reason"); f && f->is_string()) any = true;
        auto const* d = choice.if_contains("delta");
        if (!d || !d->is_object()) continue;
        auto const& delta = d->as_object();
        if (auto const* content = delta.if_contains("content"); content && content->is_string() &&
                                                                 !content->as_string().empty()) {
            text += content->as_string();
            any = true;
        }
        for (auto key : {"tool_calls", "refusal", "function_call"})
            if (auto const* v = delta.if_contains(key); v && !v->is_null()) any = true;
    }
    return any;
}
} // namespace

net::awaitable<bool> stream_gate::on_chunk(json::object chunk) {
    if (gone_) co_return false;
    if (!committed_) {
        std::string text;
        if (!substantive(chunk, text)) {
            held_role_ = std::move(chunk); // the opening role chunk: sent with the first content
            co_return true;
        }
        committed_ = true;
        bool ok = co_await client_.begin(current_);
        if (ok && held_role_) {
            json::object role = std::move(*held_role_);
            held_role_.reset();
            ok = co_await client_.on_chunk(std::move(role));
        }
        if (!ok) {
            gone_ = true;
            co_return false;
        }
        text_ += text;
    } else {
        substantive(chunk, text_);
    }
    bool const ok = co_await client_.on_chunk(std::move(chunk));
    gone_ = !ok;
    co_return ok;
}

} // namespace switchboard::adapters
