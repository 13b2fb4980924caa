// Anthropic Messages stream events (message_start, content_block_delta…) → OpenAI chunks.
#include "domain/chat_stream.hpp"

#include "domain/chat_stream_detail.hpp"
#include "domain/anthropic_wire.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::domain {
using namespace stream_detail;

stream_step chat_stream_translator::anthropic_event(sse_event const& event) {
    stream_step step;
    auto o = parse_object(event.data);
    if (!o) {
        step.malformed = true;
        return step;
    }
    std::string const type = string_of(*o, "type");
    std::string_view const name = event.event.empty() ? std::string_view(type) : std::string_view(event.event);
    if (name == "ping") return step;
    if (name == "error") {
        auto const* err = object_at(*o, "error");
        step.error = stream_error(err ? *err : json::object{}, stream_format::anthropic);
        return step;
    }
    if (name == "message_start") {
        if (auto const* m = object_at(*o, "message")) {
            if (auto model = string_of(*m, "model"); !model.empty()) model_ = model;
            if (auto const* u = object_at(*m, "usage"))
                usage_ = token_usage{count_field(*u, "input_tokens") + count_field(*u, "cache_creation_input_tokens") +
                                         count_field(*u, "cache_read_input_tokens"),
                                     count_field(*u, "output_tokens"),
                                     std::max<std::int64_t>(0, count_field(*u, "cache_read_input_tokens")),
                                     std::max<std::int64_t>(0, count_field(*u, "cache_creation_input_tokens"))};
        }
        role_once(step);
        return step;
    }
    if (name == "content_block_start") {
        auto const* block = object_at(*o, "content_block");
        if (block && string_of(*block, "type") == "tool_use") {
            role_once(step);
            anthropic_tool_block_ = static_cast<int>(count(*o, "index"));
            json::object call{{"index", tool_calls_++},
                              {"id", string_of(*block, "id")},
                              {"type", "function"},
                              {"function", {{"name", string_of(*block, "name")}, {"arguments", ""}}}};
            json::object delta{{"tool_calls", json::array{std::move(call)}}};
            note_delta(delta);
            step.chunks.push_back(chunk(std::move(delta), nullptr));
        }
        return step;
    }
    if (name == "content_block_delta") {
        auto const* delta = object_at(*o, "delta");
        if (!delta) {
            step.malformed = true;
            return step;
        }
        std::string const kind = string_of(*delta, "type");
        json::object out;
        if (kind == "text_delta") {
            out["content"] = string_of(*delta, "text");
        } else if (kind == "input_json_delta" && tool_calls_ > 0) {
            out["tool_calls"] = json::array{
                json::object{{"index", tool_calls_ - 1}, {"function", {{"arguments", string_of(*delta, "partial_json")}}}}};
        } else {
            return step; // thinking, signatures, citations: not part of the OpenAI answer
        }
        role_once(step);
        note_delta(out);
        step.chunks.push_back(chunk(std::move(out), nullptr));
        return step;
    }
    if (name == "message_delta") {
        if (auto const* u = object_at(*o, "usage")) {
            auto usage = usage_.value_or(token_usage{});
            usage.completion_tokens = count_field(*u, "output_tokens");
            if (auto in = count_field(*u, "input_tokens"); in != 0) usage.prompt_tokens = in;
            usage_ = usage;
        }
        if (auto const* d = object_at(*o, "delta"); d && d->contains("stop_reason") && (*d).at("stop_reason").is_string()) {
            finish_reason_ = std::string(anthropic_finish_reason(d->at("stop_reason").as_string()));
            role_once(step);
            step.chunks.push_back(chunk(json::object{}, json::string(finish_reason_)));
        }
        return step;
    }
    if (name == "message_stop") {
        step.done = done_ = true;
        return step;
    }
    return step; // content_block_stop and events added later: nothing to send
}

} // namespace switchboard::domain
