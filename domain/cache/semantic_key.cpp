// The semantic cache's prompt and exact remainder.
#include "domain/cache/semantic_key.hpp"

#include "domain/cache/cache_key.hpp"

#include <boost/json/array.hpp>

#include <cmath>

namespace switchboard::domain {
namespace json = boost::json;

namespace {
// The text of a message's content: a string, or an array of text parts only.
std::optional<std::string> text_of(json::value const& content) {
    if (content.is_string()) return std::string(content.as_string());
    if (!content.is_array()) return std::nullopt;
    std::string out;
    for (auto const& part : content.as_array()) {
        auto const* o = part.if_object();
        if (!o) return std::nullopt;
        auto const* type = o->if_contains("type");
        auto const* text = o->if_contains("text");
        if (!type || !type->is_string() || type->as_string() != "text" || !text || !text->is_string())
            return std::nullopt;
        if (!out.empty()) out += '\n';
        out += text->as_string();
    }
    return out;
}
} // namespace

std::optional<semantic_parts> semantic_identity(std::string_view cache_namespace, json::object const& body) {
    auto const* messages = body.if_contains("messages");
    if (!messages || !messages->is_array()) return std::nullopt;
    auto const& list = messages->as_array();
    for (std::size_t i = list.size(); i-- > 0;) {
        auto const* m = list[i].if_object();
        if (!m) return std::nullopt;
        auto const* role = m->if_contains("role");
        if (!role || !role->is_string() || role->as_string() != "user") continue;
        auto const* content = m->if_contains("content");
        if (!content) return std::nullopt;
        auto prompt = text_of(*content);
        if (!prompt || prompt->empty()) return std::nullopt;
        json::object rest = body;
        rest["messages"].as_array()[i].as_object()["content"] = "";
        return semantic_parts{std::move(*prompt), cache_identity("chat-semantic", cache_namespace, rest)};
    }
    return std::nullopt;
}

double cosine_similarity(float const* a, float const* b, std::size_t n) {
    if (!a || !b || n == 0) return 0;
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        dot += static_cast<double>(a[i]) * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += static_cast<double>(b[i]) * b[i];
    }
    if (na <= 0 || nb <= 0) return 0;
    return dot / (std::sqrt(na) * std::sqrt(nb));
}

} // namespace switchboard::domain
