// Gemini streamGenerateContent events → OpenAI chunks.
#include "domain/chat_stream.hpp"

#include "domain/chat_stream_detail.hpp"
#include "domain/gemini_wire.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::domain {
using namespace stream_detail;

stream_step chat_stream_translator::gemini_event(sse_event const& event) {
    stream_step step;
    auto o = parse_object(event.data);
    if (!o) {
        step.malformed = true;
        return step;
    }
    if (auto const* err = object_at(*o, "error")) {
        step.error = stream_error(*err, stream_format::gemini);
        return step;
    }
    if (auto const* u = object_at(*o, "usageMetadata"))
        usage_ = token_usage{count_field(*u, "promptTokenCount"),
                             count_field(*u, "candidatesTokenCount") + count_field(*u, "thoughtsTokenCount")};
    if (auto version = string_of(*o, "modelVersion"); !version.empty()) model_ = version;
    auto const* candidates = o->if_contains("candidates");
    if (!candidates || !candidates->is_array() || candidates->as_array().empty() ||
        !candidates->as_array().front().is_object()) {
        step.malformed = !o->contains("usageMetadata");
        return step;
    }
    auto const& candidate = candidates->as_array().front().as_object();
    role_once(step);
    if (auto const* content = object_at(candidate, "content")) {
        if (auto const* parts = content->if_contains("parts"); parts && parts->is_array()) {
            for (auto const& part : parts->as_array()) {
                if (!part.is_object()) continue;
                auto const& p = part.as_object();
                if (p.contains("thought") && p.at("thought").is_bool() && p.at("thought").as_bool()) continue;
                json::object delta;
                if (auto const* text = p.if_contains("text"); text && text->is_string()) {
                    delta["content"] = text->as_string();
                } else if (auto const* call = object_at(p, "functionCall")) {
                    auto const* args = call->if_contains("args");
                    std::string const id = "call_" + std::to_string(tool_calls_);
                    delta["tool_calls"] = json::array{json::object{
                        {"index", tool_calls_++},
                        {"id", id},
                        {"type", "function"},
                        {"function", {{"name", string_of(*call, "name")},
                                      {"arguments", args ? json::serialize(*args) : std::string("{}")}}}}};
                } else {
                    continue;
                }
                note_delta(delta);
                step.chunks.push_back(chunk(std::move(delta), nullptr));
            }
        }
    }
    if (auto reason = string_of(candidate, "finishReason"); !reason.empty()) {
        finish_reason_ = tool_calls_ > 0 && reason == "STOP" ? "tool_calls" : std::string(gemini_finish_reason(reason));
        step.chunks.push_back(chunk(json::object{}, json::string(finish_reason_)));
        step.done = done_ = true;
    }
    return step;
}

} // namespace switchboard::domain
