// Streamed answers → OpenAI chunks: what every format shares. Each format's own events are read
// beside its wire (openai_stream.cpp, anthropic_stream.cpp, gemini_stream.cpp).
#include "domain/chat_stream.hpp"

#include "domain/chat_stream_detail.hpp"

#include "domain/stream_commit.hpp"

#include "domain/anthropic_wire.hpp"
#include "domain/gemini_wire.hpp"
#include "domain/json_checks.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::domain {
namespace json = boost::json;

using namespace stream_detail;


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




} // namespace switchboard::domain
