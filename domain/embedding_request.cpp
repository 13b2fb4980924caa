// Strict validation of embeddings requests (OpenAI API reference rules).
#include "domain/embedding_request.hpp"

#include "domain/completion.hpp"
#include "domain/json_checks.hpp"

#include <algorithm>

namespace switchboard::domain {
namespace json = boost::json;

namespace {

bool is_token_array(json::value const& v) {
    if (!v.is_array() || v.as_array().empty()) return false;
    for (auto const& t : v.as_array())
        if (!t.is_int64() && !t.is_uint64()) return false;
    return true;
}

std::optional<gateway_error> check_input(json::value const& input, embedding_request& r) {
    if (input.is_string()) {
        if (input.as_string().empty()) return invalid("input", "must not be empty");
        r.texts.emplace_back(input.as_string());
        r.input_count = 1;
        return std::nullopt;
    }
    if (!input.is_array() || input.as_array().empty())
        return invalid("input", "must be a non-empty string or array");
    auto const& a = input.as_array();
    if (a.size() > max_embedding_inputs)
        return invalid("input", "may hold at most " + std::to_string(max_embedding_inputs) + " items");
    if (is_token_array(input)) {
        r.input_count = 1;
        return std::nullopt;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string const at = "input[" + std::to_string(i) + "]";
        if (a[i].is_string()) {
            if (a[i].as_string().empty()) return invalid(at, "must not be empty");
            r.texts.emplace_back(a[i].as_string());
        } else if (!is_token_array(a[i])) {
            return invalid(at, "must be a string or an array of token ids");
        }
    }
    r.input_count = a.size();
    return std::nullopt;
}

} // namespace

result<embedding_request> parse_embedding_request(json::value body) {
    if (!body.is_object()) return *invalid("", "request body must be a JSON object");
    // Constructed from the moved tree, not assigned: the body keeps its nodes and their storage.
    embedding_request r{.body = std::move(body.as_object())};
    auto const& o = r.body;
    if (auto e = required_identifier(o, "model", 256, r.model)) return *e;
    auto const* input = o.if_contains("input");
    if (!input) return *invalid("input", "is required");
    if (auto e = check_input(*input, r)) return *e;

    std::string format;
    if (auto e = optional_string(o, "encoding_format", "", format)) return *e;
    if (!format.empty() && format != "float" && format != "base64")
        return *invalid("encoding_format", "must be 'float' or 'base64'");
    r.base64 = format == "base64";
    if (auto e = optional_integer(o, "dimensions", 1, 65536, r.dimensions)) return *e;
    if (r.dimensions && static_cast<std::int64_t>(r.input_count) * *r.dimensions > max_embedding_values)
        return *invalid("dimensions", "times the number of inputs must be at most " +
                                          std::to_string(max_embedding_values) + " values");
    std::string user;
    if (auto e = optional_string(o, "user", "", user)) return *e;
    if (auto e = optional_string(o, "force_provider", "", r.force_provider)) return *e;
    r.body.erase("force_provider");
    return r;
}

std::int64_t estimated_tokens(embedding_request const& r) {
    std::int64_t tokens = static_cast<std::int64_t>(r.input_count - std::min(r.input_count, r.texts.size()));
    for (auto const& t : r.texts) tokens += std::max<std::int64_t>(1, estimate_tokens(t));
    return tokens;
}

} // namespace switchboard::domain
