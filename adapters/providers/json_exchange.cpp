// JSON POST helper shared by the HTTP provider adapters.
#include "adapters/providers/json_exchange.hpp"

#include "domain/retry_after.hpp"

#include <boost/json/serialize.hpp>

namespace switchboard::adapters {

void add_request_context(upstream_request& req, attempt_context const& ctx) {
    if (!ctx.request_id.empty()) req.headers.emplace_back("x-request-id", std::string(ctx.request_id));
    if (!ctx.traceparent.empty()) req.headers.emplace_back("traceparent", std::string(ctx.traceparent));
    if (!ctx.tracestate.empty()) req.headers.emplace_back("tracestate", std::string(ctx.tracestate));
}

domain::attempt_error transport_error(transport_failure failure) {
    domain::attempt_error e;
    switch (failure) {
    case transport_failure::connect_failed:
        e.kind = domain::attempt_failure::connect_failed;
        break;
    case transport_failure::reset:
    case transport_failure::cancelled: // the caller's own cut: its runner knows it cancelled
        e.kind = domain::attempt_failure::reset;
        break;
    case transport_failure::timeout:
        e.kind = domain::attempt_failure::timeout;
        break;
    case transport_failure::bad_response:
        e.kind = domain::attempt_failure::bad_response;
        e.provider_message = "The response could not be read (malformed or over the size limit)";
        break;
    }
    return e;
}

namespace {
net::awaitable<attempt_result<upstream_response>> exchange(http_client& client, upstream_request req,
                                                           attempt_context const& ctx) {
    req.headers.emplace_back("accept", "application/json");
    add_request_context(req, ctx);

    auto res = co_await client.send(req, ctx.deadline, ctx.cancel);
    if (res) co_return std::move(*res);
    co_return transport_error(res.error());
}
} // namespace

net::awaitable<attempt_result<upstream_response>>
post_json(http_client& client, std::string target, std::vector<std::pair<std::string, std::string>> headers,
          boost::json::object const& body, attempt_context const& ctx) {
    return post_json(client, std::move(target), std::move(headers), boost::json::serialize(body), ctx);
}

net::awaitable<attempt_result<upstream_response>>
post_json(http_client& client, std::string target, std::vector<std::pair<std::string, std::string>> headers,
          std::string body, attempt_context const& ctx) {
    upstream_request req;
    req.method = "POST";
    req.target = std::move(target);
    req.headers = std::move(headers);
    req.headers.emplace_back("content-type", "application/json");
    req.body = std::move(body);
    return exchange(client, std::move(req), ctx); // awaited by the caller: no frame of our own
}

net::awaitable<attempt_result<upstream_response>>
get_json(http_client& client, std::string target, std::vector<std::pair<std::string, std::string>> headers,
         attempt_context const& ctx) {
    upstream_request req;
    req.method = "GET";
    req.target = std::move(target);
    req.headers = std::move(headers);
    co_return co_await exchange(client, std::move(req), ctx);
}

bool is_success(int status) {
    return status >= 200 && status < 300;
}

domain::attempt_error with_retry_after(domain::attempt_error e, upstream_response const& r) {
    if (r.status != 429 && r.status != 503) return e;
    e.retry_after =
        domain::retry_delay({r.header("retry-after"), r.header("retry-after-ms"),
                             r.header("x-ratelimit-reset-requests"), r.header("x-ratelimit-reset-tokens")},
                            std::chrono::system_clock::now());
    return e;
}

} // namespace switchboard::adapters
