// OpenAI wire format: request bodies for upstreams, defensive response parsing, error bodies.
#include "domain/openai_wire.hpp"

#include <boost/json/parse.hpp>

namespace switchboard::domain {
namespace json = boost::json;

std::int64_t estimate_tokens(std::string_view text) {
    return text.empty() ? 0 : static_cast<std::int64_t>((text.size() + 3) / 4);
}

std::optional<json::value> parse_json(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return std::nullopt;
    return v;
}

json::object openai_chat_body(chat_request const& r, std::string_view upstream_model) {
    json::object body = r.body;
    body["model"] = upstream_model;
    return body;
}

json::object openai_embedding_body(embedding_request const& r, std::string_view upstream_model) {
    json::object body = r.body;
    body["model"] = upstream_model;
    return body;
}

json::object usage_json(token_usage const& u) {
    return {{"prompt_tokens", u.prompt_tokens},
            {"completion_tokens", u.completion_tokens},
            {"total_tokens", u.total()}};
}

json::object make_chat_completion_body(std::string_view id, std::int64_t created, std::string_view model,
                                       json::object message, std::string_view finish_reason,
                                       token_usage const& usage) {
    json::object choice{{"index", 0},
                        {"message", std::move(message)},
                        {"logprobs", nullptr},
                        {"finish_reason", finish_reason}};
    return {{"id", id},
            {"object", "chat.completion"},
            {"created", created},
            {"model", model},
            {"choices", json::array{std::move(choice)}},
            {"usage", usage_json(usage)}};
}

namespace {

std::int64_t int_field(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (!v) return 0;
    if (v->is_int64()) return std::max<std::int64_t>(0, v->as_int64());
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    return 0;
}

gateway_error bad_response(std::string what) {
    return make_error(errc::upstream_bad_response, "The provider returned an invalid response: " + what);
}

} // namespace

result<chat_completion> parse_openai_chat_response(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return bad_response("not a JSON object");
    chat_completion c;
    c.body = std::move(parsed->as_object());
    auto const* choices = c.body.if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty()) return bad_response("no choices");
    std::string generated;
    for (auto const& choice : choices->as_array()) {
        if (!choice.is_object()) return bad_response("choice is not an object");
        auto const* message = choice.as_object().if_contains("message");
        if (!message || !message->is_object()) return bad_response("choice has no message");
        if (auto const* content = message->as_object().if_contains("content"))
            generated += content_text(*content);
    }
    if (auto const* model = c.body.if_contains("model"); model && model->is_string())
        c.model = std::string(model->as_string());

    auto const* usage = c.body.if_contains("usage");
    if (usage && usage->is_object()) {
        c.usage.prompt_tokens = int_field(usage->as_object(), "prompt_tokens");
        c.usage.completion_tokens = int_field(usage->as_object(), "completion_tokens");
    } else {
        // Some OpenAI-compatible servers omit usage; every completion we return carries one.
        c.usage.completion_tokens = estimate_tokens(generated);
        c.body["usage"] = usage_json(c.usage);
    }
    return c;
}

result<embedding_result> parse_openai_embedding_response(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return bad_response("not a JSON object");
    embedding_result e;
    e.body = std::move(parsed->as_object());
    auto const* data = e.body.if_contains("data");
    if (!data || !data->is_array()) return bad_response("no data");
    for (auto const& item : data->as_array()) {
        if (!item.is_object()) return bad_response("embedding is not an object");
        auto const* vec = item.as_object().if_contains("embedding");
        if (!vec || !(vec->is_array() || vec->is_string())) return bad_response("embedding missing");
    }
    if (auto const* model = e.body.if_contains("model"); model && model->is_string())
        e.model = std::string(model->as_string());
    if (auto const* usage = e.body.if_contains("usage"); usage && usage->is_object())
        e.usage.prompt_tokens = int_field(usage->as_object(), "prompt_tokens");
    else
        e.body["usage"] = json::object{{"prompt_tokens", 0}, {"total_tokens", 0}};
    return e;
}

attempt_error parse_openai_error(int status, std::string_view text) {
    attempt_error e{attempt_failure::upstream_status, status, {}, {}, {}};
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return e;
    auto const* err = parsed->as_object().if_contains("error");
    if (!err) return e;
    if (err->is_string()) { // some compatible servers send {"error":"text"}
        e.provider_message = std::string(err->as_string());
        return e;
    }
    if (!err->is_object()) return e;
    auto const& o = err->as_object();
    if (auto const* m = o.if_contains("message"); m && m->is_string())
        e.provider_message = std::string(m->as_string());
    if (auto const* p = o.if_contains("param"); p && p->is_string())
        e.provider_param = std::string(p->as_string());
    if (auto const* c = o.if_contains("code"); c && c->is_string())
        e.provider_code = std::string(c->as_string());
    return e;
}

} // namespace switchboard::domain
