// Named AI routes: path matching, the chat request a body makes, the answer's checks and shape.
#include "domain/ai/ai_route.hpp"

#include "domain/auth/key_record.hpp"
#include "domain/json_checks.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::domain::ai {
namespace json = boost::json;

namespace {
constexpr std::string_view tenant_segment = "{tenant}";

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        auto const slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool plain_segment(std::string_view s) {
    return !s.empty() && s != "." && s != ".." && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == '~';
    });
}

// A model's text that should be JSON: as it is, or inside a ```json fence some models add.
std::string_view unfenced(std::string_view text) {
    auto const open = text.find("```");
    if (open == std::string_view::npos) return text;
    auto start = text.find('\n', open);
    auto const close = text.rfind("```");
    if (start == std::string_view::npos || close <= start) return text;
    return text.substr(start + 1, close - start - 1);
}
} // namespace

bool valid_route_path(std::string_view path) {
    auto const parts = segments(path);
    if (parts.empty()) return false;
    int tenants = 0;
    for (auto s : parts) {
        if (s == tenant_segment) ++tenants;
        else if (!plain_segment(s)) return false;
    }
    return tenants <= 1;
}

std::optional<std::string> match_path(ai_route const& route, std::string_view path) {
    auto const want = segments(route.path), got = segments(path);
    if (want.size() != got.size()) return std::nullopt;
    std::string tenant;
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (want[i] == tenant_segment) {
            if (!valid_tenant_name(got[i])) return std::nullopt;
            tenant = std::string(got[i]);
        } else if (want[i] != got[i]) {
            return std::nullopt;
        }
    }
    return tenant;
}

result<json::object> chat_body_of(ai_route const& route, json::value const& body) {
    if (!body.is_object()) return make_error(errc::invalid_request, "The body must be a JSON object");
    if (route.request_schema) {
        auto const problems = route.request_schema->violations(body, 3);
        if (!problems.empty()) {
            std::string message = "The body does not match the route's schema: " + problems.front();
            for (std::size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
            auto const& first = problems.front();
            return make_error(errc::invalid_request, truncate_for_message(message, 512),
                              std::string(first.substr(0, first.find(':'))));
        }
    }
    auto const& fields = body.as_object();
    json::array messages;
    if (!route.system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", route.system.render(body)}});
    if (!route.messages_field.empty()) {
        auto const* given = fields.if_contains(route.messages_field);
        if (!given || !given->is_array())
            return make_error(errc::invalid_request, "'" + route.messages_field + "' must be a list of messages",
                              route.messages_field);
        for (auto const& m : given->as_array()) messages.push_back(m);
    } else {
        messages.push_back(json::object{{"role", "user"}, {"content", route.prompt.render(body)}});
    }
    json::object chat = route.defaults;
    chat["model"] = route.model;
    chat["messages"] = std::move(messages);
    for (auto const& [parameter, field] : route.pass)
        if (auto const* v = fields.if_contains(field); v && !v->is_null()) chat[parameter] = *v;
    if (route.response_schema)
        chat["response_format"] = json::object{
            {"type", "json_schema"},
            {"json_schema", json::object{{"name", route.name}, {"strict", true}, {"schema", route.response_schema->source()}}}};
    return chat;
}

read_answer read_model_answer(ai_route const& route, std::string_view text) {
    if (!route.response_schema) return {json::value(std::string(text)), {}};
    boost::system::error_code ec;
    auto value = json::parse(unfenced(text), ec);
    if (ec) return {nullptr, {"$: the answer is not JSON"}};
    auto problems = route.response_schema->violations(value);
    if (!problems.empty()) return {nullptr, std::move(problems)};
    return {std::move(value), {}};
}

json::object repair_body(json::object chat_body, std::string_view answer, std::vector<std::string> const& violations) {
    std::string why;
    for (auto const& v : violations) why += "\n- " + v;
    auto& messages = chat_body["messages"].as_array();
    messages.push_back(json::object{{"role", "assistant"}, {"content", answer}});
    messages.push_back(json::object{
        {"role", "user"},
        {"content", "Your answer does not match the required JSON Schema:" + why +
                        "\nAnswer again with only the JSON document, matching the schema."}});
    return chat_body;
}

json::object route_answer(ai_route const& route, json::value answer, served_facts const& facts) {
    json::object out;
    out[route.answer_field] = std::move(answer);
    out["llm_used"] = facts.llm_used;
    out["model"] = facts.model;
    out["cached"] = facts.cached;
    out["cost_usd"] = facts.cost_usd;
    out["tokens"] = json::object{{"input", facts.usage.prompt_tokens},
                                 {"output", facts.usage.completion_tokens},
                                 {"total", facts.usage.total()}};
    return out;
}

} // namespace switchboard::domain::ai
