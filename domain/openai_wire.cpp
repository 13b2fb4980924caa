// OpenAI wire format: request bodies for upstreams, defensive response parsing, error bodies.
#include "domain/openai_wire.hpp"

#include "domain/base64.hpp"
#include "domain/json_arena.hpp"
#include "domain/openai_answer_scan.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serializer.hpp>

#include <algorithm>

#include <cstring>

namespace switchboard::domain {
namespace json = boost::json;

std::int64_t estimate_tokens(std::string_view text) {
    return text.empty() ? 0 : static_cast<std::int64_t>((text.size() + 3) / 4);
}

std::optional<json::value> parse_json(std::string_view text) {
    // The tree in an arena sized by the text (json_arena); the parser's own work stack starts in
    // a buffer on this stack frame.
    auto arena = json_arena(text.size());
    unsigned char scratch[2048];
    json::parser parser(json::storage_ptr(), json::parse_options(), scratch, sizeof scratch);
    parser.reset(std::move(arena));
    boost::system::error_code ec;
    parser.write(text.data(), text.size(), ec);
    if (ec) return std::nullopt;
    return parser.release();
}

std::string openai_chat_body_text(chat_request const& r, std::string_view upstream_model,
                                  std::initializer_list<std::string_view> left_out, std::string_view appended) {
    std::string out;
    out.reserve(256);
    json::serializer writer;
    char chunk[2048];
    auto emit = [&] {
        while (!writer.done()) out.append(writer.read(chunk, sizeof chunk));
    };
    out += "{\"model\":";
    writer.reset(json::string_view(upstream_model));
    emit();
    for (auto const& member : r.body) {
        auto const key = member.key();
        if (key == "model" || std::find(left_out.begin(), left_out.end(), key) != left_out.end()) continue;
        out += ',';
        writer.reset(key);
        emit();
        out += ':';
        writer.reset(&member.value());
        emit();
    }
    if (!appended.empty()) {
        out += ',';
        out += appended;
    }
    out += '}';
    return out;
}

json::object openai_embedding_body(embedding_request const& r, std::string_view upstream_model) {
    json::object body = r.body;
    body["model"] = upstream_model;
    return body;
}

json::object usage_json(token_usage const& u) {
    json::object out{{"prompt_tokens", u.prompt_tokens},
                     {"completion_tokens", u.completion_tokens},
                     {"total_tokens", u.total()}};
    // OpenAI's shape for the provider's prompt cache; Anthropic's writes are kept beside it.
    if (u.cache_read_tokens > 0 || u.cache_write_tokens > 0)
        out["prompt_tokens_details"] = json::object{{"cached_tokens", u.cache_read_tokens}};
    if (u.cache_write_tokens > 0) out["cache_creation_input_tokens"] = u.cache_write_tokens;
    return out;
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

std::int64_t count_field(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (!v || v->is_null()) return 0;
    if (v->is_int64() && v->as_int64() >= 0) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v->as_uint64());
    return invalid_token_count;
}

std::string string_field(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

gateway_error upstream_bad_response(std::string const& what) {
    return make_error(errc::upstream_bad_response, "The provider returned an invalid response: " + what);
}

json::object embedding_item(std::size_t index, std::vector<float> const& vector, bool base64) {
    json::value embedding;
    if (base64) {
        std::string bytes(vector.size() * sizeof(float), '\0');
        std::memcpy(bytes.data(), vector.data(), bytes.size()); // x86-64 and ARM64: little-endian
        embedding = json::string(base64_encode(bytes));
    } else {
        json::array a;
        a.reserve(vector.size());
        for (float x : vector) a.push_back(static_cast<double>(x));
        embedding = std::move(a);
    }
    return {{"object", "embedding"}, {"index", index}, {"embedding", std::move(embedding)}};
}

json::object embedding_item(std::size_t index, json::array numbers) {
    return {{"object", "embedding"}, {"index", index}, {"embedding", std::move(numbers)}};
}

json::object embedding_list_body(json::array data, std::string_view model, std::int64_t prompt_tokens) {
    return {{"object", "list"},
            {"data", std::move(data)},
            {"model", model},
            {"usage", {{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}};
}

result<chat_completion> parse_openai_chat_response(std::string text) {
    auto facts = scan_openai_answer(text);
    if (!facts.problem.empty()) return upstream_bad_response(facts.problem);
    if (facts.model && !facts.model->empty() && facts.has_usage) {
        chat_completion c;
        c.model = std::move(*facts.model);
        c.usage = {facts.prompt_tokens, facts.completion_tokens, facts.cached_tokens};
        c.relayed = std::move(text);
        return c;
    }
    // The scan has vouched for the shape and read the facts; the tree is built only to complete
    // the answer (the dispatcher names the model, the usage is estimated when missing).
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return upstream_bad_response("not a JSON object");
    chat_completion c{std::move(parsed->as_object())}; // constructed, not assigned: keeps the arena
    if (facts.model) c.model = std::move(*facts.model);
    if (facts.has_usage) {
        c.usage = {facts.prompt_tokens, facts.completion_tokens, facts.cached_tokens};
    } else {
        // Some OpenAI-compatible servers omit usage; every completion we return carries one.
        std::string generated;
        for (auto const& choice : c.body.at("choices").as_array())
            if (auto const* content = choice.as_object().at("message").as_object().if_contains("content"))
                generated += content_text(*content);
        c.usage.completion_tokens = estimate_tokens(generated);
        c.body["usage"] = usage_json(c.usage);
    }
    return c;
}

result<embedding_result> parse_openai_embedding_response(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return upstream_bad_response("not a JSON object");
    embedding_result e{std::move(parsed->as_object())}; // constructed, not assigned: keeps the arena
    auto const* data = e.body.if_contains("data");
    if (!data || !data->is_array()) return upstream_bad_response("no data");
    for (auto const& item : data->as_array()) {
        if (!item.is_object()) return upstream_bad_response("embedding is not an object");
        auto const* vec = item.as_object().if_contains("embedding");
        if (!vec || !(vec->is_array() || vec->is_string())) return upstream_bad_response("embedding missing");
    }
    if (auto const* model = e.body.if_contains("model"); model && model->is_string())
        e.model = std::string(model->as_string());
    if (auto const* usage = e.body.if_contains("usage"); usage && usage->is_object())
        e.usage.prompt_tokens = count_field(usage->as_object(), "prompt_tokens");
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
    e.provider_message = string_field(o, "message");
    e.provider_param = string_field(o, "param");
    e.provider_code = string_field(o, "code");
    return e;
}

} // namespace switchboard::domain
