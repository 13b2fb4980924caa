// Strict validation of chat-completion requests. Rules follow the OpenAI API reference; unknown
// fields pass through untouched so newer SDK fields keep working.
#include "domain/chat_request.hpp"

#include "domain/completion.hpp"
#include "domain/json_checks.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace switchboard::domain {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 5> known_roles = {"system", "developer", "user", "assistant", "tool"};

bool is_known_role(std::string_view r) {
    for (auto k : known_roles)
        if (k == r) return true;
    return false;
}

std::optional<gateway_error> check_content_part(json::value const& part, std::string const& at) {
    if (!part.is_object()) return invalid(at, "must be an object");
    auto const& o = part.as_object();
    auto const* type = o.if_contains("type");
    if (!type || !type->is_string()) return invalid(at + ".type", "must be a string");
    std::string_view t = type->as_string();
    if (t == "text") {
        auto const* text = o.if_contains("text");
        if (!text || !text->is_string()) return invalid(at + ".text", "must be a string");
    } else if (t == "image_url") {
        auto const* img = o.if_contains("image_url");
        if (!img || !img->is_object()) return invalid(at + ".image_url", "must be an object");
        auto const* url = img->as_object().if_contains("url");
        if (!url || !url->is_string()) return invalid(at + ".image_url.url", "must be a string");
    }
    // input_audio, file and future part types pass through to providers that know them.
    return std::nullopt;
}

std::optional<gateway_error> check_message(json::value const& v, std::size_t i, chat_message& out) {
    std::string const at = "messages[" + std::to_string(i) + "]";
    if (!v.is_object()) return invalid(at, "must be an object");
    auto const& o = v.as_object();

    auto const* role = o.if_contains("role");
    if (!role) return invalid(at + ".role", "is required");
    if (!role->is_string()) return invalid(at + ".role", "must be a string");
    out.role = std::string(role->as_string());
    if (!is_known_role(out.role))
        return invalid(at + ".role", "must be one of system, developer, user, assistant, tool; got '" +
                                         truncate_for_message(out.role) + "'");

    auto const* content = o.if_contains("content");
    bool const is_assistant = out.role == "assistant";
    if (!content || content->is_null()) {
        if (!is_assistant) return invalid(at + ".content", "is required");
    } else if (content->is_array()) {
        auto const& parts = content->as_array();
        for (std::size_t p = 0; p < parts.size(); ++p)
            if (auto e = check_content_part(parts[p], at + ".content[" + std::to_string(p) + "]")) return e;
        out.content = *content;
    } else if (content->is_string()) {
        out.content = *content;
    } else {
        return invalid(at + ".content", "must be a string or an array of content parts");
    }

    if (auto e = optional_string(o, "name", at, out.name)) return e;
    if (auto const* calls = o.if_contains("tool_calls"); calls && !calls->is_null()) {
        if (!is_assistant) return invalid(at + ".tool_calls", "is only allowed on assistant messages");
        if (!calls->is_array()) return invalid(at + ".tool_calls", "must be an array");
        out.tool_calls = *calls;
    }
    if (is_assistant && out.content.is_null() && !out.tool_calls.is_array())
        return invalid(at + ".content", "is required unless tool_calls is given");
    if (out.role == "tool") {
        auto const* id = o.if_contains("tool_call_id");
        if (!id || !id->is_string()) return invalid(at + ".tool_call_id", "must be a string");
        out.tool_call_id = std::string(id->as_string());
    }
    return std::nullopt;
}

std::optional<gateway_error> check_stop(json::object const& o, std::vector<std::string>& out) {
    auto const* stop = o.if_contains("stop");
    if (!stop || stop->is_null()) return std::nullopt;
    if (stop->is_string()) {
        out.emplace_back(stop->as_string());
        return std::nullopt;
    }
    if (!stop->is_array()) return invalid("stop", "must be a string or an array of strings");
    auto const& a = stop->as_array();
    if (a.size() > 4) return invalid("stop", "may hold at most 4 sequences");
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_string()) return invalid("stop[" + std::to_string(i) + "]", "must be a string");
        out.emplace_back(a[i].as_string());
    }
    return std::nullopt;
}

std::optional<gateway_error> check_tools(json::object const& o, chat_request& r) {
    if (auto const* tools = o.if_contains("tools"); tools && !tools->is_null()) {
        if (!tools->is_array()) return invalid("tools", "must be an array");
        auto const& a = tools->as_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            std::string const at = "tools[" + std::to_string(i) + "]";
            if (!a[i].is_object()) return invalid(at, "must be an object");
            auto const* fn = a[i].as_object().if_contains("function");
            if (!fn || !fn->is_object()) return invalid(at + ".function", "must be an object");
            auto const* name = fn->as_object().if_contains("name");
            if (!name || !name->is_string() || name->as_string().empty())
                return invalid(at + ".function.name", "must be a non-empty string");
        }
        r.tools = *tools;
    }
    if (auto const* choice = o.if_contains("tool_choice"); choice && !choice->is_null()) {
        if (!choice->is_string() && !choice->is_object())
            return invalid("tool_choice", "must be a string or an object");
        r.tool_choice = *choice;
    }
    return std::nullopt;
}

} // namespace

result<chat_request> parse_chat_request(json::value body) {
    if (!body.is_object()) return *invalid("", "request body must be a JSON object");
    // Constructed from the moved tree, not assigned: the body keeps its nodes and their storage.
    chat_request r{.body = std::move(body.as_object())};
    auto const& o = r.body;

    if (auto e = required_identifier(o, "model", 256, r.model)) return *e;

    auto const* messages = o.if_contains("messages");
    if (!messages) return *invalid("messages", "is required");
    if (!messages->is_array()) return *invalid("messages", "must be an array");
    auto const& ma = messages->as_array();
    if (ma.empty()) return *invalid("messages", "must hold at least one message");
    if (ma.size() > max_messages) return *invalid("messages", "holds too many messages");
    r.messages.resize(ma.size());
    for (std::size_t i = 0; i < ma.size(); ++i)
        if (auto e = check_message(ma[i], i, r.messages[i])) return *e;

    if (auto e = optional_number(o, "temperature", 0.0, 2.0, r.temperature)) return *e;
    if (auto e = optional_number(o, "top_p", 0.0, 1.0, r.top_p)) return *e;
    std::optional<double> penalty;
    if (auto e = optional_number(o, "presence_penalty", -2.0, 2.0, penalty)) return *e;
    if (auto e = optional_number(o, "frequency_penalty", -2.0, 2.0, penalty)) return *e;

    std::optional<std::int64_t> n;
    if (auto e = optional_integer(o, "n", 1, 128, n)) return *e;
    if (auto e = optional_integer(o, "max_tokens", 1, max_tokens_ceiling, r.max_tokens)) return *e;
    std::optional<std::int64_t> mct;
    if (auto e = optional_integer(o, "max_completion_tokens", 1, max_tokens_ceiling, mct)) return *e;
    if (mct) r.max_tokens = mct;
    std::optional<std::int64_t> seed;
    if (auto e = optional_integer(o, "seed", INT64_MIN, INT64_MAX, seed)) return *e;

    if (auto e = check_stop(o, r.stop)) return *e;
    if (auto e = optional_bool(o, "stream", r.stream)) return *e;
    if (auto const* so = o.if_contains("stream_options"); so && !so->is_null()) {
        if (!so->is_object()) return *invalid("stream_options", "must be an object");
        if (auto e = optional_bool(so->as_object(), "include_usage", r.include_usage, "stream_options"))
            return *e;
    }
    if (auto e = check_tools(o, r)) return *e;
    std::string user;
    if (auto e = optional_string(o, "user", "", user)) return *e;
    if (auto e = optional_string(o, "force_provider", "", r.force_provider)) return *e;

    r.body.erase("force_provider");
    return r;
}

std::int64_t estimated_prompt_tokens(chat_request const& r) {
    std::int64_t prompt = 0;
    for (auto const& m : r.messages) prompt += 4 + estimate_tokens(content_text(m.content));
    return prompt;
}

std::int64_t estimated_tokens(chat_request const& r, std::int64_t default_completion) {
    return estimated_prompt_tokens(r) + r.max_tokens.value_or(default_completion);
}

chat_request with_assistant_prefill(chat_request r, std::string_view text) {
    r.messages.push_back(chat_message{"assistant", json::string(text), {}, nullptr, {}});
    auto* messages = r.body.if_contains("messages");
    if (messages && messages->is_array())
        messages->as_array().push_back(json::object{{"role", "assistant"}, {"content", text}});
    return r;
}

chat_request with_max_tokens_scaled(chat_request r, double factor) {
    if (!r.max_tokens) return r;
    r.max_tokens =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(static_cast<double>(*r.max_tokens) * factor));
    for (auto key : {"max_tokens", "max_completion_tokens"})
        if (r.body.contains(key)) r.body[key] = *r.max_tokens;
    return r;
}

std::string content_text(json::value const& content) {
    if (content.is_string()) return std::string(content.as_string());
    std::string out;
    if (!content.is_array()) return out;
    for (auto const& part : content.as_array()) {
        if (!part.is_object()) continue;
        auto const* text = part.as_object().if_contains("text");
        if (text && text->is_string()) {
            if (!out.empty()) out += '\n';
            out += text->as_string();
        }
    }
    return out;
}

} // namespace switchboard::domain
