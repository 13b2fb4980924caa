// Streamed answers of three wire formats → OpenAI chunks.
#include "domain/chat_stream.hpp"

#include "domain/stream_commit.hpp"

#include "domain/anthropic_wire.hpp"
#include "domain/gemini_wire.hpp"
#include "domain/json_checks.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
std::int64_t count(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    return 0;
}

std::string string_of(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object const* object_at(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_object() ? &v->as_object() : nullptr;
}

std::optional<json::object> parse_object(std::string_view text) {
    auto v = parse_json(text);
    if (!v || !v->is_object()) return std::nullopt;
    return std::move(v->as_object());
}
} // namespace

attempt_error stream_error(json::object const& error_object, stream_format format) {
    attempt_error e{attempt_failure::upstream_status, 500, string_of(error_object, "message"), {}, {}, {}};
    std::string const type = string_of(error_object, "type");
    if (format == stream_format::gemini) {
        if (auto code = count(error_object, "code"); code >= 400) e.status = static_cast<int>(code);
        return e;
    }
    if (type == "overloaded_error") e.status = 529;
    else if (type == "rate_limit_error" || type == "rate_limit_exceeded") e.status = 429;
    else if (type == "invalid_request_error") e.status = 400;
    else if (type == "authentication_error") e.status = 401;
    e.provider_code = string_of(error_object, "code");
    return e;
}

chat_stream_translator::chat_stream_translator(stream_format format, std::string id, std::string model,
                                               std::int64_t created)
    : format_(format), id_(std::move(id)), model_(std::move(model)), created_(created) {}

json::object chat_stream_translator::chunk(json::object delta, json::value finish_reason) const {
    return json::object{{"id", id_},
                        {"object", "chat.completion.chunk"},
                        {"created", created_},
                        {"model", model_},
                        {"choices", json::array{json::object{{"index", 0},
                                                             {"delta", std::move(delta)},
                                                             {"logprobs", nullptr},
                                                             {"finish_reason", std::move(finish_reason)}}}}};
}

json::object stream_usage_chunk(std::string_view id, std::string_view model, std::int64_t created,
                                token_usage const& usage) {
    return json::object{{"id", id},
                        {"object", "chat.completion.chunk"},
                        {"created", created},
                        {"model", model},
                        {"choices", json::array{}},
                        {"usage", usage_json(usage)}};
}

stream_step chat_stream_translator::on_event(sse_event const& event) {
    switch (format_) {
    case stream_format::openai:
        return openai_event(event);
    case stream_format::anthropic:
        return anthropic_event(event);
    case stream_format::gemini:
        return gemini_event(event);
    }
    return {};
}

void chat_stream_translator::note_delta(json::object const& delta) {
    auto const f = delta_facts(delta); // the gate's own test of substance
    text_ += f.text;
    content_started_ = content_started_ || f.substantive();
}

void chat_stream_translator::role_once(stream_step& step) {
    if (role_sent_) return;
    role_sent_ = true;
    step.chunks.push_back(chunk(json::object{{"role", "assistant"}, {"content", ""}}, nullptr));
}

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
    if (auto const* u = object_at(*o, "usage"))
        usage_ = token_usage{count_field(*u, "prompt_tokens"), count_field(*u, "completion_tokens")};
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
                                     count_field(*u, "output_tokens")};
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
