// OpenAI-compatible, Anthropic and Gemini adapters: translate, POST, classify the answer.
#include "adapters/providers/http_provider.hpp"

#include "adapters/providers/json_exchange.hpp"
#include "domain/anthropic_wire.hpp"
#include "domain/gemini_wire.hpp"
#include "domain/openai_wire.hpp"
#include "domain/redact.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace switchboard::adapters {
namespace json = boost::json;

namespace {
http_provider::headers_t with_extra(http_provider::headers_t base, provider_settings const& s) {
    for (auto const& h : s.headers) base.push_back(h);
    return base;
}

domain::attempt_error unsupported() {
    return domain::attempt_error{domain::attempt_failure::unsupported, 0, {}, {}, {}};
}

domain::attempt_error bad_body(domain::gateway_error const& e) {
    return domain::attempt_error{domain::attempt_failure::bad_response, 0, e.message, {}, {}};
}
} // namespace

net::awaitable<attempt_result<void>> http_provider::probe(attempt_context const& ctx) {
    auto res = co_await get_json(*client_, "/models", headers(), ctx);
    if (!res) co_return res.error();
    if (!is_success(res->status)) {
        domain::attempt_error e{domain::attempt_failure::upstream_status, res->status, {}, {}, {}, {}};
        co_return failed(std::move(e), *res);
    }
    co_return attempt_result<void>{};
}

domain::attempt_error http_provider::failed(domain::attempt_error e, upstream_response const& response) const {
    if (response.status < 400) {
        // A redirect (not followed: the gateway's credentials must not travel to another origin)
        // or a stray interim/101 answer is the provider's fault, never the client's request.
        return domain::attempt_error{domain::attempt_failure::bad_response, response.status,
                                     "unexpected HTTP status " + std::to_string(response.status), {}, {}, {}};
    }
    e = with_retry_after(std::move(e), response);
    if (e.retry_after) e.retry_after = std::min<domain::duration>(*e.retry_after, settings_.retry.max_retry_after);
    e.provider_message = domain::redact_secret(e.provider_message, settings_.api_key);
    e.provider_param = domain::redact_secret(e.provider_param, settings_.api_key);
    return e;
}

// --- OpenAI-compatible -------------------------------------------------------------------

http_provider::headers_t openai_provider::headers() const {
    headers_t h;
    if (!settings_.api_key.empty()) h.emplace_back("authorization", "Bearer " + settings_.api_key);
    return with_extra(std::move(h), settings_);
}

net::awaitable<attempt_result<domain::chat_completion>>
openai_provider::chat(domain::chat_request const& r, std::string_view model, attempt_context const& ctx) {
    std::string body = domain::openai_chat_body_text(r, model, {"stream", "stream_options"});
    std::string target = "/chat/completions";
    auto res = co_await post_json(*client_, std::move(target), headers(), std::move(body), ctx);
    if (!res) co_return res.error();
    if (!is_success(res->status))
        co_return failed(domain::parse_openai_error(res->status, res->body), *res);
    auto parsed = domain::parse_openai_chat_response(std::move(res->body));
    if (!parsed) co_return bad_body(parsed.error());
    co_return std::move(*parsed);
}

net::awaitable<attempt_result<domain::embedding_result>>
openai_provider::embed(domain::embedding_request const& r, std::string_view model,
                       attempt_context const& ctx) {
    auto res =
        co_await post_json(*client_, "/embeddings", headers(), domain::openai_embedding_body(r, model), ctx);
    if (!res) co_return res.error();
    if (!is_success(res->status))
        co_return failed(domain::parse_openai_error(res->status, res->body), *res);
    auto parsed = domain::parse_openai_embedding_response(res->body);
    if (!parsed) co_return bad_body(parsed.error());
    co_return std::move(*parsed);
}

http_provider::stream_request openai_provider::streaming(domain::chat_request const& r, std::string_view model) const {
    // include_usage: the provider's usage, for accounting.
    return {"/chat/completions",
            domain::openai_chat_body_text(r, model, {"stream", "stream_options"},
                                          R"("stream":true,"stream_options":{"include_usage":true})"),
            domain::stream_format::openai};
}

domain::attempt_error openai_provider::parse_error(int status, std::string_view body) const {
    return domain::parse_openai_error(status, body);
}

// --- Anthropic Messages --------------------------------------------------------------------

http_provider::headers_t anthropic_provider::headers() const {
    return with_extra({{"x-api-key", settings_.api_key}, {"anthropic-version", "2023-06-01"}}, settings_);
}

net::awaitable<attempt_result<domain::chat_completion>>
anthropic_provider::chat(domain::chat_request const& r, std::string_view model, attempt_context const& ctx) {
    auto res = co_await post_json(*client_, "/messages", headers(), domain::anthropic_request(r, model), ctx);
    if (!res) co_return res.error();
    if (!is_success(res->status))
        co_return failed(domain::parse_anthropic_error(res->status, res->body), *res);
    auto parsed = domain::parse_anthropic_response(res->body, unix_now());
    if (!parsed) co_return bad_body(parsed.error());
    co_return std::move(*parsed);
}

net::awaitable<attempt_result<domain::embedding_result>>
anthropic_provider::embed(domain::embedding_request const&, std::string_view, attempt_context const&) {
    co_return unsupported(); // Anthropic has no embeddings API
}

http_provider::stream_request anthropic_provider::streaming(domain::chat_request const& r,
                                                             std::string_view model) const {
    json::object body = domain::anthropic_request(r, model);
    body["stream"] = true;
    return {"/messages", json::serialize(body), domain::stream_format::anthropic};
}

domain::attempt_error anthropic_provider::parse_error(int status, std::string_view body) const {
    return domain::parse_anthropic_error(status, body);
}

// --- Gemini --------------------------------------------------------------------------------

http_provider::headers_t gemini_provider::headers() const {
    return with_extra({{"x-goog-api-key", settings_.api_key}}, settings_);
}

namespace {
std::string model_path(std::string_view model, std::string_view method) {
    // The model name comes from the client: percent-encode it so it stays one path segment.
    return "/models/" + boost::urls::encode(model, boost::urls::unreserved_chars) + ":" + std::string(method);
}
} // namespace

net::awaitable<attempt_result<domain::chat_completion>>
gemini_provider::chat(domain::chat_request const& r, std::string_view model, attempt_context const& ctx) {
    auto res = co_await post_json(*client_, model_path(model, "generateContent"), headers(),
                                  domain::gemini_request(r), ctx);
    if (!res) co_return res.error();
    if (!is_success(res->status))
        co_return failed(domain::parse_gemini_error(res->status, res->body), *res);
    auto parsed = domain::parse_gemini_response(res->body, model, ctx.request_id, unix_now());
    if (!parsed) co_return bad_body(parsed.error());
    co_return std::move(*parsed);
}

net::awaitable<attempt_result<domain::embedding_result>>
gemini_provider::embed(domain::embedding_request const& r, std::string_view model,
                       attempt_context const& ctx) {
    if (r.texts.size() != r.input_count) co_return unsupported(); // token-id inputs
    auto res = co_await post_json(*client_, model_path(model, "batchEmbedContents"), headers(),
                                  domain::gemini_embedding_request(r, model), ctx);
    if (!res) co_return res.error();
    if (!is_success(res->status))
        co_return failed(domain::parse_gemini_error(res->status, res->body), *res);
    auto parsed = domain::parse_gemini_embedding_response(res->body, model, r);
    if (!parsed) co_return bad_body(parsed.error());
    co_return std::move(*parsed);
}

http_provider::stream_request gemini_provider::streaming(domain::chat_request const& r, std::string_view model) const {
    return {model_path(model, "streamGenerateContent") + "?alt=sse", json::serialize(domain::gemini_request(r)),
            domain::stream_format::gemini};
}

domain::attempt_error gemini_provider::parse_error(int status, std::string_view body) const {
    return domain::parse_gemini_error(status, body);
}

} // namespace switchboard::adapters
