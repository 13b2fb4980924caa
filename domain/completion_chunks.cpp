// Whole answers from chunks, and chunks from whole answers.
#include "domain/completion_chunks.hpp"

#include "domain/openai_wire.hpp"

#include <boost/json/array.hpp>

namespace switchboard::domain {
namespace json = boost::json;

void completion_builder::add(json::object const& chunk) {
    if (auto const* m = chunk.if_contains("model"); m && m->is_string()) model_ = m->as_string();
    if (auto const* id = chunk.if_contains("id"); id && id->is_string()) id_ = id->as_string();
    auto const* choices = chunk.if_contains("choices");
    if (!choices || !choices->is_array()) return;
    for (auto const& c : choices->as_array()) {
        if (!c.is_object()) continue;
        auto const& choice = c.as_object();
        if (auto const* f = choice.if_contains("finish_reason"); f && f->is_string()) finish_ = f->as_string();
        auto const* d = choice.if_contains("delta");
        if (!d || !d->is_object()) continue;
        auto const& delta = d->as_object();
        if (auto const* t = delta.if_contains("content"); t && t->is_string()) content_ += t->as_string();
        if (auto const* calls = delta.if_contains("tool_calls"); calls && calls->is_array())
            for (auto const& call : calls->as_array())
                if (call.is_object()) merge_call(call.as_object());
    }
}

json::object completion_builder::completion(token_usage const& usage, std::int64_t created) const {
    json::object message{{"role", "assistant"}, {"content", content_}};
    if (!calls_.empty()) {
        json::array calls;
        for (auto const& [index, call] : calls_) calls.push_back(call);
        message["tool_calls"] = std::move(calls);
    }
    return make_chat_completion_body(id_, created, model_, std::move(message), finish_, usage);
}

void completion_builder::merge_call(json::object const& part) {
    auto const* at = part.if_contains("index");
    auto const index = at && at->is_number() ? at->to_number<std::int64_t>() : 0;
    auto& call = calls_[index];
    if (call.empty()) call = json::object{{"id", ""}, {"type", "function"}, {"function", {{"name", ""}, {"arguments", ""}}}};
    if (auto const* id = part.if_contains("id"); id && id->is_string()) call["id"] = *id;
    if (auto const* f = part.if_contains("function"); f && f->is_object()) {
        auto& fn = call["function"].as_object();
        if (auto const* n = f->as_object().if_contains("name"); n && n->is_string()) fn["name"] = *n;
        if (auto const* a = f->as_object().if_contains("arguments"); a && a->is_string())
            fn["arguments"] = std::string(fn["arguments"].as_string()) + std::string(a->as_string());
    }
}

namespace {
json::object chunk_of(std::string const& id, std::int64_t created, json::value const& model, json::object delta,
                      json::value finish_reason) {
    json::object choice{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish_reason)}};
    return json::object{{"id", id},
                        {"object", "chat.completion.chunk"},
                        {"created", created},
                        {"model", model},
                        {"choices", json::array{std::move(choice)}}};
}
} // namespace

std::vector<json::object> completion_chunks(json::object const& completion, std::string const& id,
                                            std::int64_t created) {
    std::vector<json::object> out;
    json::value const model = completion.contains("model") ? completion.at("model") : json::value("");
    auto const* choices = completion.if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty() || !choices->as_array()[0].is_object())
        return out;
    auto const& choice = choices->as_array()[0].as_object();
    json::object message;
    if (auto const* m = choice.if_contains("message"); m && m->is_object()) message = m->as_object();
    out.push_back(chunk_of(id, created, model, {{"role", "assistant"}, {"content", ""}}, nullptr));
    if (auto const* text = message.if_contains("content"); text && text->is_string() && !text->as_string().empty())
        out.push_back(chunk_of(id, created, model, {{"content", *text}}, nullptr));
    if (auto const* calls = message.if_contains("tool_calls"); calls && calls->is_array()) {
        json::array parts;
        std::int64_t index = 0;
        for (auto const& call : calls->as_array()) {
            if (!call.is_object()) continue;
            auto part = call.as_object();
            part["index"] = index++;
            parts.push_back(std::move(part));
        }
        if (!parts.empty()) out.push_back(chunk_of(id, created, model, {{"tool_calls", std::move(parts)}}, nullptr));
    }
    json::value finish = choice.contains("finish_reason") ? choice.at("finish_reason") : json::value("stop");
    out.push_back(chunk_of(id, created, model, {}, std::move(finish)));
    return out;
}

} // namespace switchboard::domain
