// SSE framing of a streamed chat.
#include "adapters/http/sse_client.hpp"

#include "adapters/http/error_response.hpp"
#include "adapters/http/language.hpp"
#include "domain/sse.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;

net::awaitable<bool> sse_client::begin(domain::deployment const& served, std::optional<json::object> opening) {
    http_response head{http::status::ok, request_.version()};
    head.set(http::field::content_type, "text/event-stream; charset=utf-8");
    head.set(http::field::cache_control, "no-cache");
    head.set("x-accel-buffering", "no"); // nginx and friends: do not buffer this response
    head.set("x-request-id", request_id_);
    head.set("x-switchboard-provider", served.provider);
    head.set("x-switchboard-model", served.model);
    add_cors_headers(head, request_, cors_);
    for (auto const& [name, value] : extra_) head.set(name, value);
    bool const ok = co_await out_.open(std::move(head));
    if (ok && opening) out_.hold(domain::sse_data(json::serialize(*opening)));
    co_return ok;
}

net::awaitable<bool> sse_client::on_chunk(json::object chunk) {
    co_return co_await out_.send(domain::sse_data(json::serialize(chunk)));
}

net::awaitable<void> sse_client::complete(std::optional<json::object> usage) {
    if (usage) co_await out_.send(domain::sse_data(json::serialize(*usage)));
    co_await out_.send(domain::sse_data("[DONE]"));
    co_await out_.finish();
}

net::awaitable<void> sse_client::fail(domain::gateway_error const& error) {
    // The one error model: the same body a non-streamed error would have, as a `data:` event
    // (the OpenAI SDKs raise it as an APIError).
    auto const language = preferred_language(request_[http::field::accept_language]);
    co_await out_.send(domain::sse_data(error_body(error, request_id_, language)));
    co_await out_.finish();
}

} // namespace switchboard::adapters
