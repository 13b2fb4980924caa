// Anthropic Messages ⇄ OpenAI translation.
#include "domain/anthropic_wire.hpp"

#include "domain/openai_wire.hpp"
#include "domain/turns.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace switchboard::domain {
namespace json = boost::json;

namespace {

// Anthropic's prompt caching marks (`cache_control: {"type":"ephemeral"}`) ride on OpenAI-shape
// content parts and tools, as LiteLLM and Portkey let clients write them; they are carried to
// the block they mark.
void keep_cache_mark(json::object const& from, json::object& block) {
    if (auto const* mark = from.if_contains("cache_control"); mark && mark->is_object()) block["cache_control"] = *mark;
}

bool has_cache_mark(json::value const& content) {
    if (!content.is_array()) return false;
    for (auto const& part : content.as_array())
        if (part.is_object() && part.as_object().contains("cache_control")) return true;
    return false;
}

json::array content_blocks(json::value const& content) {
    json::array blocks;
    if (content.is_string()) {
        if (!content.as_string().empty())
            blocks.push_back(json::object{{"type", "text"}, {"text", content.as_string()}});
        return blocks;
    }
    if (!content.is_array()) return blocks;
    for (auto const& part : content.as_array()) {
        auto const& p = part.as_object();
        std::string_view type = p.at("type").as_string();
        if (type == "text") {
            json::object block{{"type", "text"}, {"text", p.at("text")}};
            keep_cache_mark(p, block);
            blocks.push_back(std::move(block));
        } else if (type == "image_url") {
            std::string_view url = p.at("image_url").as_object().at("url").as_string();
            json::object block{{"type", "image"}};
            if (auto inline_image = split_data_url(url))
                block["source"] = {{"type", "base64"}, {"media_type", inline_image->media_type}, {"data", inline_image->base64}};
            else
                block["source"] = {{"type", "url"}, {"url", url}};
            keep_cache_mark(p, block);
            blocks.push_back(std::move(block));
        }
    }
    return blocks;
}

json::array tool_use_blocks(json::value const& tool_calls) {
    json::array blocks;
    if (!tool_calls.is_array()) return blocks;
    for (auto const& call : tool_calls.as_array()) {
        if (!call.is_object()) continue;
        auto const& c = call.as_object();
        auto const* fn = c.if_contains("function");
        if (!fn || !fn->is_object()) continue;
        json::value input = json::object{};
        if (auto const* args = fn->as_object().if_contains("arguments"); args && args->is_string())
            if (auto parsed = parse_json(args->as_string()); parsed && parsed->is_object())
                input = std::move(*parsed);
        json::object block{{"type", "tool_use"}, {"input", std::move(input)}};
        if (auto const* id = c.if_contains("id")) block["id"] = *id;
        if (auto const* name = fn->as_object().if_contains("name")) block["name"] = *name;
        blocks.push_back(std::move(block));
    }
    return blocks;
}

json::value tool_choice(json::value const& choice) {
    if (choice.is_string()) {
        std::string_view c = choice.as_string();
        if (c == "required") return json::object{{"type", "any"}};
        if (c == "none") return json::object{{"type", "none"}};
        return json::object{{"type", "auto"}};
    }
    auto const* fn = choice.as_object().if_contains("function");
    if (fn && fn->is_object())
        if (auto const* name = fn->as_object().if_contains("name"))
            return json::object{{"type", "tool"}, {"name", *name}};
    return json::object{{"type", "auto"}};
}

} // namespace

json::object anthropic_request(chat_request const& r, std::string_view upstream_model,
                               std::int64_t default_max_tokens) {
    json::object out;
    out["model"] = upstream_model;
    out["max_tokens"] = r.max_tokens.value_or(default_max_tokens);

    std::string system;
    json::array system_blocks; // when a system part is marked for the prompt cache: blocks, not one text
    bool system_marked = false;
    for (auto const& m : r.messages)
        if ((m.role == "system" || m.role == "developer") && has_cache_mark(m.content)) system_marked = true;
    json::array messages;
    for (auto const& m : r.messages) {
        if (m.role == "system" || m.role == "developer") {
            if (system_marked) {
                for (auto& b : content_blocks(m.content)) system_blocks.push_back(std::move(b));
                continue;
            }
            if (!system.empty()) system += "\n\n";
            system += content_text(m.content);
        } else if (m.role == "tool") {
            json::object result{{"type", "tool_result"},
                                {"tool_use_id", m.tool_call_id},
                                {"content", content_text(m.content)}};
            append_turn(messages, "user", "content", json::array{std::move(result)});
        } else if (m.role == "assistant") {
            json::array blocks = content_blocks(m.content);
            for (auto& b : tool_use_blocks(m.tool_calls)) blocks.push_back(std::move(b));
            append_turn(messages, "assistant", "content", std::move(blocks));
        } else {
            append_turn(messages, "user", "content", content_blocks(m.content));
        }
    }
    if (system_marked)
        out["system"] = std::move(system_blocks);
    else if (!system.empty())
        out["system"] = system;
    out["messages"] = std::move(messages);

    if (r.temperature) out["temperature"] = std::min(*r.temperature, 1.0);
    if (r.top_p) out["top_p"] = *r.top_p;
    if (!r.stop.empty()) {
        json::array stops;
        for (auto const& s : r.stop) stops.push_back(json::string(s));
        out["stop_sequences"] = std::move(stops);
    }
    if (r.tools.is_array() && !r.tools.as_array().empty()) {
        json::array tools;
        for (auto const& t : r.tools.as_array()) {
            auto const& fn = t.as_object().at("function").as_object();
            json::object tool{{"name", fn.at("name")}};
            if (auto const* d = fn.if_contains("description")) tool["description"] = *d;
            auto const* params = fn.if_contains("parameters");
            tool["input_schema"] =
                params && params->is_object() ? *params : json::value(json::object{{"type", "object"}});
            keep_cache_mark(t.as_object(), tool);
            tools.push_back(std::move(tool));
        }
        out["tools"] = std::move(tools);
        if (!r.tool_choice.is_null()) out["tool_choice"] = tool_choice(r.tool_choice);
    }
    if (auto const* user = r.body.if_contains("user"); user && user->is_string())
        out["metadata"] = json::object{{"user_id", *user}};
    return out;
}

std::string_view anthropic_finish_reason(std::string_view stop_reason) {
    if (stop_reason == "max_tokens") return "length";
    if (stop_reason == "tool_use") return "tool_calls";
    if (stop_reason == "refusal") return "content_filter";
    return "stop"; // end_turn, stop_sequence, pause_turn
}

result<chat_completion> parse_anthropic_response(std::string_view body, std::int64_t created) {
    auto parsed = parse_json(body);
    if (!parsed || !parsed->is_object()) return upstream_bad_response("not a JSON object");
    auto const& o = parsed->as_object();
    auto const* content = o.if_contains("content");
    if (!content || !content->is_array()) return upstream_bad_response("no content");

    std::string text;
    json::array tool_calls;
    for (auto const& block : content->as_array()) {
        if (!block.is_object()) return upstream_bad_response("content block is not an object");
        auto const& b = block.as_object();
        auto const* type = b.if_contains("type");
        if (!type || !type->is_string()) return upstream_bad_response("content block without type");
        if (type->as_string() == "text") {
            if (auto const* t = b.if_contains("text"); t && t->is_string()) text += t->as_string();
        } else if (type->as_string() == "tool_use") {
            json::object fn{
                {"name", b.contains("name") ? b.at("name") : json::value("")},
                {"arguments",
                 json::serialize(b.contains("input") ? b.at("input") : json::value(json::object{}))}};
            tool_calls.push_back(json::object{{"id", b.contains("id") ? b.at("id") : json::value("")},
                                              {"type", "function"},
                                              {"function", std::move(fn)}});
        }
    }

    chat_completion c;
    if (auto const* model = o.if_contains("model"); model && model->is_string())
        c.model = std::string(model->as_string());
    if (auto const* usage = o.if_contains("usage"); usage && usage->is_object()) {
        auto const& u = usage->as_object();
        c.usage.prompt_tokens = count_field(u, "input_tokens") +
                                count_field(u, "cache_creation_input_tokens") +
                                count_field(u, "cache_read_input_tokens");
        c.usage.completion_tokens = count_field(u, "output_tokens");
        c.usage.cache_read_tokens = std::max<std::int64_t>(0, count_field(u, "cache_read_input_tokens"));
        c.usage.cache_write_tokens = std::max<std::int64_t>(0, count_field(u, "cache_creation_input_tokens"));
    } else {
        c.usage.completion_tokens = estimate_tokens(text);
    }
    std::string_view stop_reason;
    if (auto const* sr = o.if_contains("stop_reason"); sr && sr->is_string()) stop_reason = sr->as_string();

    json::object message{
        {"role", "assistant"},
        {"content", text.empty() && !tool_calls.empty() ? json::value(nullptr) : json::value(text)},
        {"refusal", nullptr}};
    if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
    std::string id = "chatcmpl-";
    if (auto const* mid = o.if_contains("id"); mid && mid->is_string()) id += mid->as_string();
    c.body = make_chat_completion_body(id, created, c.model, std::move(message),
                                       anthropic_finish_reason(stop_reason), c.usage);
    return c;
}

attempt_error parse_anthropic_error(int status, std::string_view body) {
    attempt_error e{attempt_failure::upstream_status, status, {}, {}, {}};
    auto parsed = parse_json(body);
    if (!parsed || !parsed->is_object()) return e;
    auto const* err = parsed->as_object().if_contains("error");
    if (!err || !err->is_object()) return e;
    e.provider_message = string_field(err->as_object(), "message");
    e.provider_code = string_field(err->as_object(), "type");
    return e;
}

} // namespace switchboard::domain
