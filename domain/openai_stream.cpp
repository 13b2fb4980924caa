// OpenAI-compatible stream events (chat.completion.chunk) → the client's chunks.
#include "domain/chat_stream.hpp"

#include "domain/chat_stream_detail.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::domain {
using namespace stream_detail;

stream_step chat_stream_translator::openai_event(sse_event const& event) {
    stream_step step;
    if (event.data == "[DONE]") {
        step.done = done_ = true;
        return step;
    }
    auto o = parse_object(event.data);
    if (!o) {
        step.malformed = true;
        return step;
    }
    if (auto const* err = object_at(*o, "error")) {
        step.error = stream_error(*err, stream_format::openai);
        return step;
    }
    if (auto const* u = object_at(*o, "usage")) {
        usage_ = token_usage{count_field(*u, "prompt_tokens"), count_field(*u, "completion_tokens")};
        if (auto const* details = object_at(*u, "prompt_tokens_details"))
            usage_->cache_read_tokens = std::max<std::int64_t>(0, count_field(*details, "cached_tokens"));
    }
    auto const* choices = o->if_contains("choices");
    if (!choices || !choices->is_array()) {
        step.malformed = !o->contains("usage");
        return step;
    }
    if (choices->as_array().empty()) return step; // the provider's usage chunk: ours is sent at the end
    json::object out = std::move(*o);
    out["id"] = id_;
    out.erase("usage");
    if (auto const* m = out.if_contains("model"); m && m->is_string() && !m->as_string().empty())
        model_ = std::string(m->as_string());
    for (auto const& c : out.at("choices").as_array()) {
        if (!c.is_object()) continue;
        if (auto const* d = object_at(c.as_object(), "delta")) {
            if (d->contains("role")) role_sent_ = true;
            note_delta(*d);
        }
        if (auto const* f = c.as_object().if_contains("finish_reason"); f && f->is_string())
            finish_reason_ = std::string(f->as_string());
    }
    step.chunks.push_back(std::move(out));
    return step;
}

} // namespace switchboard::domain
