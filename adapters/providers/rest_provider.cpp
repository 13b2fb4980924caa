// REST providers: service calls filled from templates, passthrough calls relayed.
#include "adapters/providers/rest_provider.hpp"

#include "adapters/providers/json_exchange.hpp"
#include "domain/ascii.hpp"
#include "domain/base64.hpp"
#include "domain/rest/passthrough.hpp"
#include "domain/rest/rest_template.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::attempt_failure;

// The port's default: only REST providers make REST calls.
net::awaitable<attempt_result<rest_answer>> provider::rest(rest_call const&, std::string_view, attempt_context const&) {
    co_return domain::attempt_error{attempt_failure::unsupported};
}

namespace {
domain::attempt_error unusable(std::string why) {
    domain::attempt_error e{attempt_failure::bad_response};
    e.provider_message = std::move(why);
    return e;
}

std::vector<std::pair<std::string, std::string>> relayed(upstream_response const& r) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto const& [name, value] : r.headers)
        if (domain::rest::relayed_response_header(name)) out.emplace_back(name, value);
    return out;
}
} // namespace

upstream_request rest_provider::prepared(std::string method, std::string target, std::string body) const {
    upstream_request req;
    req.method = std::move(method);
    req.headers = settings_.headers;
    auto const& c = settings_.credentials;
    using kind = rest_credentials::kind;
    switch (c.type) {
    case kind::header:
        req.headers.emplace_back(c.name, c.secret);
        break;
    case kind::query:
        target += target.find('?') == std::string::npos ? '?' : '&';
        target += domain::rest::percent_encode(c.name) + "=" + domain::rest::percent_encode(c.secret);
        break;
    case kind::bearer:
        req.headers.emplace_back("authorization", "Bearer " + c.secret);
        break;
    case kind::basic:
        req.headers.emplace_back("authorization", "Basic " + domain::base64_encode(c.username + ":" + c.secret));
        break;
    case kind::none:
        break;
    }
    req.target = std::move(target);
    req.body = std::move(body);
    return req;
}

domain::attempt_error rest_provider::failed(upstream_response const& r) const {
    domain::attempt_error e{attempt_failure::upstream_status, r.status};
    if (r.status >= 300 && r.status < 400) return unusable("a redirect (not followed)");
    // The provider's text is not relayed: it is not the service's shape, and may quote a credential.
    return with_retry_after(std::move(e), r);
}

attempt_result<rest_answer> rest_provider::service_answer(domain::rest::implementation const& impl,
                                                          upstream_response const& r, bool conditional) const {
    if (r.status == 304 && conditional) { // the cached answer still holds: no body travelled
        rest_answer out;
        out.status = 304;
        out.validator = std::string(r.header("etag"));
        out.cache_control = std::string(r.header("cache-control"));
        out.cost_usd = domain::rest::cost_of(impl.cost, nullptr);
        return out;
    }
    if (r.status < 200 || r.status >= 300) return failed(r);
    if (!domain::is_json_media_type(r.header("content-type"))) return unusable("the answer is not JSON");
    boost::system::error_code ec;
    auto const answer = json::parse(r.body, ec);
    if (ec) return unusable("the answer is not valid JSON");
    auto output = domain::rest::map_output(impl, answer);
    if (!output) return unusable(output.error());
    rest_answer out;
    out.payload = json::serialize(*output);
    out.headers.emplace_back("content-type", "application/json");
    out.cost_usd = domain::rest::cost_of(impl.cost, answer);
    out.validator = std::string(r.header("etag"));
    out.cache_control = std::string(r.header("cache-control"));
    return out;
}

// Relayed as it came: an answer the client's own request caused (404, 422…) included; what says
// the provider failed or refused the gateway (401, 403, 408, 429, 5xx, fallback_on) is an error.
attempt_result<rest_answer> rest_provider::passthrough_answer(upstream_response r) const {
    domain::attempt_error probe{attempt_failure::upstream_status, r.status};
    bool const provider_fault = r.status == 401 || r.status == 403 || r.status == 408 || r.status == 429 ||
                                r.status >= 500 || settings_.fallback_on.covers(probe);
    if (provider_fault || (r.status >= 300 && r.status < 400 && r.status != 304)) return failed(r);
    if (r.status != 304 && !r.body.empty()) {
        auto const type = domain::media_type(r.header("content-type"));
        auto const& allowed = settings_.content_types;
        if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
            return unusable("the answer's media type is not one the provider relays");
    }
    rest_answer out;
    out.status = r.status;
    out.headers = relayed(r);
    out.payload = std::move(r.body);
    out.cost_usd = settings_.usd_per_call;
    return out;
}

net::awaitable<attempt_result<rest_answer>> rest_provider::rest(rest_call const& call, std::string_view operation,
                                                                attempt_context const& ctx) {
    upstream_request req; // targets are relative to the base URL's path (the client prefixes it)
    domain::rest::implementation const* impl = nullptr;
    bool conditional = false;
    if (operation == passthrough_operation) {
        req = prepared(std::string(call.method), std::string(call.path_and_query), std::string(call.body));
        if (call.headers)
            for (auto const& [name, value] : *call.headers) req.headers.emplace_back(name, value);
    } else {
        auto it = settings_.implementations.find(operation);
        if (it == settings_.implementations.end() || !call.params)
            co_return domain::attempt_error{attempt_failure::unsupported};
        impl = &it->second;
        auto rendered = domain::rest::render(*impl, *call.params);
        if (!rendered) { // the endpoint's parameters passed; this provider's path cannot take them
            domain::attempt_error e{attempt_failure::upstream_status, 400};
            e.provider_message = rendered.error().message;
            e.provider_param = rendered.error().param;
            co_return e;
        }
        req = prepared(std::move(rendered->method), std::move(rendered->target), std::move(rendered->body));
        if (!req.body.empty()) req.headers.emplace_back("content-type", "application/json");
        req.headers.emplace_back("accept", "application/json");
        conditional = !call.etag.empty() && call.revalidate_provider == settings_.name;
        if (conditional) req.headers.emplace_back("if-none-match", std::string(call.etag));
    }
    add_request_context(req, ctx);
    auto sent = co_await client_->send(req, ctx.deadline, ctx.cancel);
    if (!sent) co_return transport_error(sent.error());
    if (impl) co_return service_answer(*impl, *sent, conditional);
    co_return passthrough_answer(std::move(*sent));
}

net::awaitable<attempt_result<void>> rest_provider::probe(attempt_context const& ctx) {
    auto req = prepared("GET", client_->where().base_path.empty() ? "/" : "", {});
    add_request_context(req, ctx);
    auto sent = co_await client_->send(req, ctx.deadline, ctx.cancel);
    if (!sent) co_return transport_error(sent.error());
    if (sent->status >= 500) co_return failed(*sent);
    co_return attempt_result<void>{};
}

net::awaitable<attempt_result<domain::chat_completion>> rest_provider::chat(domain::chat_request const&,
                                                                            std::string_view, attempt_context const&) {
    co_return domain::attempt_error{attempt_failure::unsupported};
}

net::awaitable<attempt_result<stream_result>> rest_provider::chat_stream(domain::chat_request const&, std::string_view,
                                                                         attempt_context const&, chat_stream_sink&) {
    co_return domain::attempt_error{attempt_failure::unsupported};
}

net::awaitable<attempt_result<domain::embedding_result>>
rest_provider::embed(domain::embedding_request const&, std::string_view, attempt_context const&) {
    co_return domain::attempt_error{attempt_failure::unsupported};
}

} // namespace switchboard::adapters
