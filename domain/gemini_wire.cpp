// Gemini generateContent ⇄ OpenAI translation.
#include "domain/gemini_wire.hpp"

#include "domain/openai_wire.hpp"
#include "domain/turns.hpp"

#include <boost/json/serialize.hpp>

#include <map>

namespace switchboard::domain {
namespace json = boost::json;

namespace {

json::array text_parts(json::value const& content) {
    json::array parts;
    if (content.is_string()) {
        if (!content.as_string().empty()) parts.push_back(json::object{{"text", content.as_string()}});
        return parts;
    }
    if (!content.is_array()) return parts;
    for (auto const& part : content.as_array()) {
        auto const& p = part.as_object();
        std::string_view type = p.at("type").as_string();
        if (type == "text") {
            parts.push_back(json::object{{"text", p.at("text")}});
        } else if (type == "image_url") {
            std::string_view url = p.at("image_url").as_object().at("url").as_string();
            if (auto inline_image = split_data_url(url))
                parts.push_back(
                    json::object{{"inlineData",
                                  {{"mimeType", inline_image->media_type}, {"data", inline_image->base64}}}});
            else
                parts.push_back(json::object{{"fileData", {{"fileUri", url}}}});
        }
    }
    return parts;
}

} // namespace

json::object gemini_request(chat_request const& r) {
    json::object out;
    std::string system;
    json::array contents;
    std::map<std::string, std::string> tool_names; // tool_call_id → function name

    for (auto const& m : r.messages) {
        if (m.role == "system" || m.role == "developer") {
            if (!system.empty()) system += "\n\n";
            system += content_text(m.content);
        } else if (m.role == "assistant") {
            json::array parts = text_parts(m.content);
            if (m.tool_calls.is_array()) {
                for (auto const& call : m.tool_calls.as_array()) {
                    if (!call.is_object()) continue;
                    auto const* fn = call.as_object().if_contains("function");
                    if (!fn || !fn->is_object()) continue;
                    auto const* name = fn->as_object().if_contains("name");
                    if (!name || !name->is_string()) continue;
                    if (auto const* id = call.as_object().if_contains("id"); id && id->is_string())
                        tool_names[std::string(id->as_string())] = std::string(name->as_string());
                    json::value args = json::object{};
                    if (auto const* a = fn->as_object().if_contains("arguments"); a && a->is_string())
                        if (auto parsed = parse_json(a->as_string()); parsed && parsed->is_object())
                            args = std::move(*parsed);
                    parts.push_back(
                        json::object{{"functionCall", {{"name", *name}, {"args", std::move(args)}}}});
                }
            }
            append_turn(contents, "model", "parts", std::move(parts));
        } else if (m.role == "tool") {
            auto it = tool_names.find(m.tool_call_id);
            std::string name = it != tool_names.end() ? it->second : m.tool_call_id;
            append_turn(contents, "user", "parts",
                        json::array{json::object{
                            {"functionResponse",
                             {{"name", name}, {"response", {{"content", content_text(m.content)}}}}}}});
        } else {
            append_turn(contents, "user", "parts", text_parts(m.content));
        }
    }
    out["contents"] = std::move(contents);
    if (!system.empty())
        out["systemInstruction"] = json::object{{"parts", json::array{json::object{{"text", system}}}}};

    json::object config;
    if (r.temperature) config["temperature"] = *r.temperature;
    if (r.top_p) config["topP"] = *r.top_p;
    if (r.max_tokens) config["maxOutputTokens"] = *r.max_tokens;
    if (!r.stop.empty()) {
        json::array stops;
        for (auto const& s : r.stop) stops.push_back(json::string(s));
        config["stopSequences"] = std::move(stops);
    }
    if (!config.empty()) out["generationConfig"] = std::move(config);

    if (r.tools.is_array() && !r.tools.as_array().empty()) {
        json::array decls;
        for (auto const& t : r.tools.as_array()) {
            auto const& fn = t.as_object().at("function").as_object();
            json::object decl{{"name", fn.at("name")}};
            if (auto const* d = fn.if_contains("description")) decl["description"] = *d;
            if (auto const* p = fn.if_contains("parameters"); p && p->is_object()) decl["parameters"] = *p;
            decls.push_back(std::move(decl));
        }
        out["tools"] = json::array{json::object{{"functionDeclarations", std::move(decls)}}};
    }
    return out;
}

std::string_view gemini_finish_reason(std::string_view f) {
    if (f == "MAX_TOKENS") return "length";
    if (f == "SAFETY" || f == "RECITATION" || f == "BLOCKLIST" || f == "PROHIBITED_CONTENT" || f == "SPII" ||
        f == "IMAGE_SAFETY")
        return "content_filter";
    return "stop";
}

result<chat_completion> parse_gemini_response(std::string_view body, std::string_view model,
                                              std::string_view id, std::int64_t created) {
    auto parsed = parse_json(body);
    if (!parsed || !parsed->is_object()) return upstream_bad_response("not a JSON object");
    auto const& o = parsed->as_object();

    std::string text;
    json::array tool_calls;
    std::string_view finish = "stop";
    auto const* candidates = o.if_contains("candidates");
    if (candidates && !candidates->is_array()) return upstream_bad_response("candidates is not an array");
    bool const blocked = !candidates || candidates->as_array().empty();
    if (blocked) {
        // No candidate: the prompt was blocked (promptFeedback.blockReason) — a content filter.
        if (!o.contains("promptFeedback")) return upstream_bad_response("no candidates");
        finish = "content_filter";
    } else {
        auto const& cand = candidates->as_array().front();
        if (!cand.is_object()) return upstream_bad_response("candidate is not an object");
        auto const& c = cand.as_object();
        if (auto const* fr = c.if_contains("finishReason"); fr && fr->is_string())
            finish = gemini_finish_reason(fr->as_string());
        auto const* content = c.if_contains("content");
        auto const* parts =
            content && content->is_object() ? content->as_object().if_contains("parts") : nullptr;
        if (parts && parts->is_array()) {
            for (auto const& part : parts->as_array()) {
                if (!part.is_object()) return upstream_bad_response("part is not an object");
                auto const& p = part.as_object();
                if (auto const* t = p.if_contains("text"); t && t->is_string()) {
                    if (auto const* th = p.if_contains("thought"); th && th->is_bool() && th->as_bool())
                        continue;
                    text += t->as_string();
                } else if (auto const* fc = p.if_contains("functionCall"); fc && fc->is_object()) {
                    auto const& f = fc->as_object();
                    json::object fn{
                        {"name", f.contains("name") ? f.at("name") : json::value("")},
                        {"arguments",
                         json::serialize(f.contains("args") ? f.at("args") : json::value(json::object{}))}};
                    tool_calls.push_back(json::object{{"id", "call_" + std::to_string(tool_calls.size())},
                                                      {"type", "function"},
                                                      {"function", std::move(fn)}});
                }
            }
        } else if (finish == "stop") {
            return upstream_bad_response("candidate has no content");
        }
    }
    if (!tool_calls.empty() && finish == "stop") finish = "tool_calls";

    chat_completion c;
    c.model = std::string(model);
    if (auto const* mv = o.if_contains("modelVersion"); mv && mv->is_string())
        c.model = std::string(mv->as_string());
    if (auto const* um = o.if_contains("usageMetadata"); um && um->is_object()) {
        auto const& u = um->as_object();
        c.usage.prompt_tokens = count_field(u, "promptTokenCount");
        c.usage.completion_tokens =
            count_field(u, "candidatesTokenCount") + count_field(u, "thoughtsTokenCount");
    } else {
        c.usage.completion_tokens = estimate_tokens(text);
    }
    std::string response_id = "chatcmpl-";
    if (auto const* rid = o.if_contains("responseId"); rid && rid->is_string())
        response_id += rid->as_string();
    else
        response_id += id;
    json::object message{
        {"role", "assistant"},
        {"content", text.empty() && !tool_calls.empty() ? json::value(nullptr) : json::value(text)},
        {"refusal", nullptr}};
    if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
    c.body = make_chat_completion_body(response_id, created, c.model, std::move(message), finish, c.usage);
    return c;
}

attempt_error parse_gemini_error(int status, std::string_view body) {
    attempt_error e{attempt_failure::upstream_status, status, {}, {}, {}};
    auto parsed = parse_json(body);
    if (!parsed) return e;
    json::value const* root = &*parsed;
    if (root->is_array() && !root->as_array().empty()) root = &root->as_array().front();
    if (!root->is_object()) return e;
    auto const* err = root->as_object().if_contains("error");
    if (!err || !err->is_object()) return e;
    e.provider_message = string_field(err->as_object(), "message");
    e.provider_code = string_field(err->as_object(), "status");
    return e;
}

} // namespace switchboard::domain

namespace switchboard::domain {

json::object gemini_embedding_request(embedding_request const& r, std::string_view model) {
    json::array requests;
    std::string const name = "models/" + std::string(model);
    for (auto const& text : r.texts) {
        json::object one{{"model", name},
                         {"content", {{"parts", json::array{json::object{{"text", text}}}}}}};
        if (r.dimensions) one["outputDimensionality"] = *r.dimensions;
        requests.push_back(std::move(one));
    }
    return {{"requests", std::move(requests)}};
}

result<embedding_result> parse_gemini_embedding_response(std::string_view body, std::string_view model,
                                                         embedding_request const& r) {
    auto parsed = parse_json(body);
    if (!parsed || !parsed->is_object()) return upstream_bad_response("not a JSON object");
    auto const* embeddings = parsed->as_object().if_contains("embeddings");
    if (!embeddings || !embeddings->is_array() || embeddings->as_array().size() != r.texts.size())
        return upstream_bad_response("wrong number of embeddings");
    json::array data;
    embedding_result out;
    std::size_t index = 0;
    for (auto const& e : embeddings->as_array()) {
        auto const* values = e.is_object() ? e.as_object().if_contains("values") : nullptr;
        if (!values || !values->is_array()) return upstream_bad_response("embedding without values");
        if (!r.base64) {
            data.push_back(embedding_item(index, values->as_array())); // numbers pass through exactly
        } else {
            std::vector<float> vector;
            vector.reserve(values->as_array().size());
            for (auto const& x : values->as_array()) {
                if (!x.is_number()) return upstream_bad_response("non-numeric embedding value");
                vector.push_back(static_cast<float>(x.to_number<double>()));
            }
            data.push_back(embedding_item(index, vector, true));
        }
        out.usage.prompt_tokens += estimate_tokens(r.texts[index]);
        ++index;
    }
    out.model = std::string(model);
    out.body = embedding_list_body(std::move(data), model, out.usage.prompt_tokens);
    return out;
}

} // namespace switchboard::domain
