// Public API routes.
#include "adapters/http/api_route.hpp"
#include "adapters/http/call_stages.hpp"
#include "adapters/http/call_responses.hpp"

#include "adapters/http/path_pattern.hpp"
#include "adapters/http/request_id.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/http/sse_client.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/wall_clock.hpp"

#include "domain/ascii.hpp"
#include "domain/chat_request.hpp"
#include "domain/chat_stream.hpp"
#include "domain/embedding_request.hpp"
#include "domain/json_checks.hpp"
#include "domain/openai_wire.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

namespace {

// RFC 9745 Deprecation (since this release), RFC 8594 Sunset, and where to go instead.
void mark_deprecated(http_response& res, std::string_view successor, std::string const& docs_url) {
    res.set("deprecation", "@1795219200"); // 2026-11-21T00:00:00Z
    res.set("sunset", "Mon, 31 May 2027 00:00:00 GMT");
    std::string link = "<" + std::string(successor) + ">; rel=\"successor-version\"";
    if (!docs_url.empty()) link += ", <" + docs_url + ">; rel=\"deprecation\"";
    res.set(http::field::link, link);
}

std::string seconds_text(std::chrono::milliseconds ms) {
    return std::to_string(std::max<long long>(0, std::chrono::ceil<std::chrono::seconds>(ms).count()));
}

// X-RateLimit-* for the most restrictive window; RateLimit-Policy lists every policy and
// RateLimit reports the most restrictive (draft-ietf-httpapi-ratelimit-headers structured fields).
// Inserted, not set: only this function writes them, once per response (set searches first).
void set_rate_limit_headers(http_response& res, std::vector<limit_report> const& windows) {
    if (windows.empty()) return;
    auto const* tightest = &windows.front();
    for (auto const& w : windows)
        if (w.remaining < tightest->remaining || (w.remaining == tightest->remaining && w.reset > tightest->reset))
            tightest = &w;
    res.insert("x-ratelimit-limit", std::to_string(tightest->limit));
    res.insert("x-ratelimit-remaining", std::to_string(tightest->remaining));
    res.insert("x-ratelimit-reset", seconds_text(tightest->reset));
    std::string policy;
    for (auto const& w : windows) {
        if (!policy.empty()) policy += ", ";
        policy += "\"" + w.policy + "\";q=" + std::to_string(w.limit) + ";w=" + seconds_text(w.window);
    }
    res.insert("ratelimit-policy", policy);
    res.insert("ratelimit", "\"" + tightest->policy + "\";r=" + std::to_string(tightest->remaining) +
                             ";t=" + seconds_text(tightest->reset));
}

// The policy of the window that refused ("ip", "key", "tenant", "global").
std::string_view refusing_scope(std::vector<limit_report> const& windows) {
    for (auto const& w : windows)
        if (w.remaining == 0) return w.policy;
    return "unknown";
}




template <class T>
http_response dispatched_response(dispatch_result<T>& outcome, http_request const& req,
                                  std::string const& request_id) {
    if (!outcome) return failure_response(outcome.error(), req, request_id);
    auto& ok = *outcome;
    std::string body;
    if constexpr (requires { ok.value.relayed; }) body = std::move(ok.value.relayed);
    if (body.empty()) body = json::serialize(ok.value.body);
    auto res = json_response(http::status::ok, std::move(body), req, request_id); // a new response:
    res.insert("x-switchboard-provider", ok.served.provider);                    // insert, not set
    res.insert("x-switchboard-model", ok.served.model);
    res.insert("x-switchboard-attempts", std::to_string(ok.attempts));
    if (ok.tier) res.insert("x-switchboard-tier", domain::tier_name(*ok.tier));
    res.insert("x-switchboard-cost-usd", format_cost(ok.cost_usd));
    return res;
}

// The `code` of an error body ({"error":{"code":…}}), for the request log line.
std::string error_code_of(http_response const& res) {
    boost::system::error_code ec;
    auto const body = json::parse(res.body(), ec);
    if (ec || !body.is_object()) return {};
    auto const* error = body.as_object().if_contains("error");
    if (!error || !error->is_object()) return {};
    auto const* code = error->as_object().if_contains("code");
    return code && code->is_string() ? std::string(code->as_string()) : std::string();
}

// Headers as a DEBUG log shows them: credentials as loggable_credential() shows them, cookies withheld.
json::object loggable_headers(http_request const& req) {
    json::object out;
    for (auto const& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view const value = field.value();
        if (name == "authorization" || name == "proxy-authorization") {
            auto const space = value.find(' ');
            out[name] = space == std::string_view::npos
                            ? loggable_credential(value)
                            : std::string(value.substr(0, space + 1)) + loggable_credential(value.substr(space + 1));
        } else if (name == "x-api-key" || name == "api-key" || name == "x-goog-api-key") {
            out[name] = loggable_credential(value);
        } else if (name == "cookie" || name == "set-cookie") {
            out[name] = "[withheld]";
        } else {
            out[name] = utf8_prefix(value, 256);
        }
    }
    return out;
}

} // namespace

std::string format_cost(double usd) {
    char buf[64];
    auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, usd, std::chars_format::fixed, 8);
    return ec == std::errc{} ? std::string(buf, end) : std::string("0.00000000");
}

// A call's collaborators: the inbound check still running, and the client's departure.
call_context call_context_of(request_scope const& scope) {
    return {scope.admission, scope.stream ? scope.stream->client_gone() : net::cancellation_slot{}};
}

http_response failure_response(dispatch_failure const& failed, http_request const& req,
                               std::string const& request_id) {
    auto res = answer_error(failed.error, req, request_id);
    if (failed.attempts > 0) {
        res.set("x-switchboard-attempts", std::to_string(failed.attempts));
        res.set("x-switchboard-provider", failed.last_provider);
    }
    return res;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

// Hints from headers. X-Request-Timeout (seconds, decimals allowed) may only lower the deadline.
domain::result<request_hints> hints_of(http_request const& req, std::string const& request_id,
                                       request_scope& scope) {
    request_hints hints{std::string(req["x-preferred-provider"]), request_id, std::nullopt};
    hints.tenant = scope.caller.tenant;
    if (scope.grant && scope.grant->limits.held_per_call()) hints.held_key = scope.grant.get();
    hints.trace = continue_or_start_trace(req["traceparent"], req["tracestate"]);
    auto priority = domain::parse_priority(req["x-priority"]);
    if (!priority) return priority.error();
    hints.priority = *priority;
    auto tier = domain::parse_tier(req["x-tier"]);
    if (!tier) return tier.error();
    hints.tier = *tier;
    if (auto budget = req["x-budget-id"]; !budget.empty()) {
        if (auto invalid = invalid_identifier(budget, 128, "X-Budget-Id")) return *invalid;
        hints.budget_id = std::string(budget);
        scope.budget_id = hints.budget_id;
    }
    if (auto raw = req["x-request-timeout"]; !raw.empty()) {
        double seconds = 0;
        auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), seconds);
        if (ec != std::errc{} || end != raw.data() + raw.size() || !(seconds > 0) || seconds > 3600)
            return domain::make_error(errc::invalid_request,
                                      "X-Request-Timeout must be a number of seconds between 0 and 3600",
                                      "X-Request-Timeout");
        hints.timeout =
            std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(seconds * 1000)));
    }
    return hints;
}

net::awaitable<void> api_router::handle(http_request& req, request_context const& context, http_response& res) {
    auto const started = std::chrono::steady_clock::now();
    if (log_enabled(log_level::debug))
        log_event(log_level::debug, "request_received",
                  {{"request_id", context.request_id},
                   {"method", req.method_string()},
                   {"path", utf8_prefix(path_of(req.target()), 256)}, // never the query: it may carry keys
                   {"headers", loggable_headers(req)}});
    request_scope scope;
    // Preflights are answered here: they never reach a route or count against a limit.
    if (is_preflight(req)) {
        scope.route = "preflight";
        res = preflight_response(req, services_.cors, context.request_id);
    } else {
        co_await answer(req, context, scope, res);
        add_cors_headers(res, req, services_.cors);
    }
    observe(req, res, context, scope, started);
}

void api_router::observe(http_request const& req, http_response const& res, request_context const& context,
                         request_scope const& scope, std::chrono::steady_clock::time_point started) const {
    if (!services_.observer) return;
    int const status = static_cast<int>(res.result_int());
    std::string const code = status >= 400 ? error_code_of(res) : std::string();
    finished_request done;
    done.request_id = context.request_id;
    done.method = req.method_string();
    done.route = scope.route;
    done.client_ip = scope.caller.ip.empty() ? std::string_view(context.peer) : std::string_view(scope.caller.ip);
    done.tenant = scope.caller.tenant;
    done.key_hint = scope.key_hint;
    done.status = status;
    done.error_code = code;
    done.total = std::chrono::steady_clock::now() - started;
    done.record = &scope.record;
    done.model_group = scope.model_group;
    done.end_user = scope.end_user;
    done.budget_id = scope.budget_id;
    // A call refused before its body was read (a limit, a bad body) is a row too; one whose caller
    // could not be told (401) is not: its tenant is nobody's.
    done.call = scope.call && status != 401;
    done.request_body = req.body();
    done.response_body = res.body();
    services_.observer->finished(done);
}

// The request's route, or the response that refuses it (unknown path, method, bad escape, not
// JSON): false and `refusal` set.
bool api_router::route_of(http_request const& req, request_context const& context, request_scope& scope,
                          route const*& match, std::string& param, http_response& refusal) const {
    std::string const& request_id = context.request_id;
    std::string_view const path = path_of(req.target());
    // HEAD is GET without the body (the server writes the head only).
    auto const method = req.method() == http::verb::head ? http::verb::get : req.method();
    auto [found, raw_param] = find_route(path, method);
    match = found;
    std::string named_tenant;
    if (!match) // a named AI route of the config, by its path
        if (auto const* named = named_route(path, named_tenant)) {
            match = &named_route_entry();
            scope.route = named->path; // bounded: the config's paths
        }
    if (match && scope.route == "unmatched") scope.route = match->pattern;
    scope.call = match && match->method == method && match->calls_provider;
    scope.stream = context.stream;
    if (!match) {
        refusal = answer_error(
            domain::make_error(errc::not_found, "Unknown request URL: " + domain::truncate_for_message(path, 128)), req,
            request_id);
        return false;
    }
    if (match->method != method) {
        refusal = answer_error(domain::make_error(errc::method_not_allowed,
                                                  "Method " + std::string(req.method_string().substr(0, 16)) +
                                                      " is not allowed on " + std::string(path)),
                               req, request_id);
        refusal.set(http::field::allow, match == &named_route_entry() ? std::string("POST") : allowed_methods(path));
        return false;
    }
    auto decoded = percent_decoded(raw_param);
    if (!decoded) {
        refusal = answer_error(domain::make_error(errc::invalid_request, "The URL's path has an invalid %-escape"), req,
                               request_id);
        return false;
    }
    param = std::move(*decoded);
    // Every POST and PATCH route reads JSON. Anything else is refused before it runs or is
    // billed: a browser sends text/plain or form data cross-site without a preflight.
    bool const has_body = (method == http::verb::post || method == http::verb::patch) && !req.body().empty();
    if (has_body && !domain::is_json_media_type(req[http::field::content_type])) {
        refusal = answer_error(domain::make_error(errc::unsupported_media_type,
                                                  "The request body must be sent as Content-Type: application/json"),
                               req, request_id);
        return false;
    }
    return true;
}

// (A streamed call keeps this frame for as long as it streams: what waits for nothing is done by
// plain functions, whose locals stay off it.)
net::awaitable<void> api_router::answer(http_request& req, request_context const& context, request_scope& scope,
                                        http_response& res) {
    std::string const& request_id = context.request_id;
    route const* match = nullptr;
    std::string param;
    if (!route_of(req, context, scope, match, param, res)) co_return;
    if (auto refusal = co_await identify(req, context, scope, *match)) {
        res = identification_refused(*refusal, req, request_id);
        co_return;
    }
    // A legacy path is the current one in every respect (limits included) but its headers.
    route_call call{req, request_id, scope, std::move(param)};
    auto admitted = co_await admit(match->current(), scope, match->calls_provider, match->rate_limited);
    if (!admitted.refused_before_serving()) {
        scope.admission = admitted.running();
        co_await serve(*match, call, res);
        scope.admission = nullptr;
    }
    if (auto const* limits = co_await admitted.verdict()) {
        if (limits->refusal) { // wins over whatever else the request would have been answered
            res = answer_error(*limits->refusal, req, request_id);
            if (services_.metrics && limits->refusal->code == errc::rate_limit_exceeded)
                services_.metrics->add(metric::rate_limit_rejections,
                                       {{"route", scope.route}, {"scope", refusing_scope(limits->windows)}});
        }
        set_rate_limit_headers(res, limits->windows);
    }
    if (!match->serves_as.empty()) mark_deprecated(res, match->serves_as, services_.docs_url);
}

net::awaitable<admission> api_router::admit(std::string_view route, request_scope const& scope, bool calls_provider,
                                            bool rate_limited) {
    return admission::begin(rate_limited ? services_.limiter : nullptr, route, scope.caller, calls_provider);
}

// Coroutine frames hold every local of every branch for the call's whole life (GCC lays them
// out side by side): a streamed call keeps this frame open for as long as it streams, so the
// answer's two shapes are coroutines of their own, each filling the door's response (a returned
// one would be held twice more), and this one holds only the exchange.
net::awaitable<void> api_router::chat_completions(http_request& req, std::string const& request_id,
                                                  request_scope& scope, http_response& res) {
    call_exchange x{req, request_id, scope, {}};
    if (auto ended = co_await run_stages(http_chat_stages, x))
        res = answer_error(*ended, req, request_id);
    else if (x.chat->stream)
        co_await stream_chat(x, res);
    else
        co_await whole_chat(req, x, res);
}

net::awaitable<void> api_router::whole_chat(http_request& req, call_exchange& x, http_response& res) {
    auto const& request_id = x.request_id;
    auto& scope = x.scope;
    if (x.cache && x.cache->hit) { // answered by the cache: nothing attempted, reserved or billed
        auto hit = whole_from_cache(*x.cache->hit);
        scope.record = record_of(hit);
        scope.record.cache = cache_status_name(x.cache->status); // hit, or coalesced
        res = dispatched_response(hit, req, request_id);
        mark_cache(res, *x.cache, services_.cache->now_ms());
        co_return;
    }
    auto outcome = co_await dispatch_.chat(*x.chat, x.hints, call_context_of(scope));
    scope.record = record_of(outcome);
    res = dispatched_response(outcome, req, request_id);
    if (x.cache) {
        if (outcome) keep_whole(*services_.cache, *x.cache, *outcome, res.body());
        mark_cache(res, *x.cache, services_.cache->now_ms());
        scope.record.cache = cache_status_name(x.cache->status);
    }
}

net::awaitable<http_response> api_router::embeddings(http_request& req, std::string const& request_id,
                                                     request_scope& scope) {
    call_exchange x{req, request_id, scope, {}};
    if (auto ended = co_await run_stages(http_embedding_stages, x)) co_return answer_error(*ended, req, request_id);
    auto outcome = co_await dispatch_.embed(*x.embedding, x.hints, call_context_of(scope));
    scope.record = record_of(outcome);
    co_return dispatched_response(outcome, req, request_id);
}

namespace {
// A model in the OpenAI shape; a provider/model pair is owned by its provider.
json::object model_object(std::string_view name) {
    auto const slash = name.find('/');
    std::string_view const owner = slash == std::string_view::npos ? "switchboard" : name.substr(0, slash);
    return json::object{{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", owner}};
}
} // namespace

http_response api_router::models(http_request const& req, std::string const& request_id) const {
    json::array data;
    for (auto const& name : domain::listed_models(dispatch_.catalog().routes)) data.push_back(model_object(name));
    return json_response(http::status::ok,
                         json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}}), req,
                         request_id);
}

// A model exists here when a call naming it would be routed (a group, a configured provider's
// "provider/model", a name its prefix rules or catch-all take): the same answer as a chat call.
http_response api_router::model(http_request const& req, std::string const& request_id, std::string_view id) const {
    auto const route = domain::resolve_route(dispatch_.catalog().routes, id);
    if (!route) return answer_error(route.error(), req, request_id);
    return json_response(http::status::ok, json::serialize(model_object(id)), req, request_id);
}

namespace {
// The cache's marks (mark_cache) on a stream's head.
void mark_cache(sse_client& client, cache_use const& use, std::int64_t now_ms) {
    http_response marks;
    mark_cache(marks, use, now_ms);
    for (auto const& field : marks) client.add_header(std::string(field.name_string()), std::string(field.value()));
}
} // namespace

// A streamed chat: SSE from the first content chunk on. A failure before it is an ordinary
// error response (nothing was sent); after it, an error event ends the stream without [DONE].
// `res` is what the request log and metrics see.
net::awaitable<void> api_router::stream_chat(call_exchange& x, http_response& res) {
    if (!x.scope.stream) {
        res = answer_error(
            domain::make_error(errc::invalid_request, "Streaming is not available on this endpoint", "stream"), x.head,
            x.request_id);
        co_return;
    }
    sse_client client(*x.scope.stream, x.head, x.request_id, services_.cors);
    // (This frame lasts as long as the stream: the work that waits for nothing is done by plain
    // functions, whose locals stay off it.)
    if (x.cache) mark_cache(client, *x.cache, services_.cache->now_ms());
    dispatch_slot<stream_result> done;
    co_await dispatch_stream(x, client, done);
    co_await end_stream(x, client, *done, res);
}

// The stream's end, once the call is over: its error event, or its closing events (a coroutine of
// its own: stream_chat's frame lasts as long as the stream, this one only at its end).
net::awaitable<void> api_router::end_stream(call_exchange& x, sse_client& client,
                                            dispatch_result<stream_result>& outcome, http_response& res) {
    auto const& req = x.head;
    auto const& request_id = x.request_id;
    auto const& chat = *x.chat;
    streamed(x, outcome);
    x.scope.record = record_of(outcome);
    if (!outcome) {
        if (!client.started()) {
            res = failure_response(outcome.error(), req, request_id);
            co_return;
        }
        co_await client.fail(outcome.error().error);
        res = answer_error(outcome.error().error, req, request_id); // for the log line
        co_return;
    }
    if (!client.started()) { // an answer without any content: still a well-formed stream
        domain::deployment const& served = outcome->served;
        co_await client.begin(served, std::nullopt);
    }
    co_await client.complete([&]() -> std::optional<json::object> {
        if (!chat.include_usage) return std::nullopt;
        return domain::stream_usage_chunk("chatcmpl-" + request_id, outcome->value.model, unix_now(),
                                          outcome->value.usage);
    }());
    res = http_response{http::status::ok, req.version()};
    res.set("x-switchboard-provider", outcome->served.provider);
    if (x.cache) mark_cache(res, *x.cache, services_.cache->now_ms());
}

// A streamed call through the cache: a hit replayed into `client`; a miss dispatched, its chunks
// recorded on their way and the whole answer kept when the stream completed (streamed()). Not a
// coroutine: it picks the coroutine that serves the call, whose frame is the only one the stream
// keeps (a miss's: the call runner's).
net::awaitable<void> api_router::dispatch_stream(call_exchange& x, stream_client& client,
                                                 dispatch_slot<stream_result>& out) {
    if (!x.cache) return dispatch_.chat_stream(*x.chat, x.hints, client, out, call_context_of(x.scope));
    if (x.cache->hit) return replay_stream(x, client, out);
    if (x.cache->following) return follow_stream_or_call(x, client, out);
    x.recorder = std::make_unique<recording_client>(client, x.cache->lead ? x.cache->lead->in_the_air() : nullptr);
    return dispatch_.chat_stream(*x.chat, x.hints, *x.recorder, out, call_context_of(x.scope));
}

// A recorded miss's answer kept, once complete (keep_stream decides), and the cache's part named.
void api_router::streamed(call_exchange& x, dispatch_result<stream_result>& outcome) {
    if (!x.recorder || !outcome) return;
    keep_stream(*services_.cache, *x.cache, *outcome, x.recorder->built());
    outcome->record.cache = cache_status_name(x.cache->status);
}

net::awaitable<void> api_router::replay_stream(call_exchange& x, stream_client& client,
                                               dispatch_slot<stream_result>& out) {
    auto replayed = co_await stream_from_cache(*x.cache->hit, client, x.request_id);
    replayed->record.cache = cache_status_name(x.cache->status); // hit, or coalesced
    out.emplace(std::move(replayed));
}

net::awaitable<void> api_router::follow_stream_or_call(call_exchange& x, stream_client& client,
                                                       dispatch_slot<stream_result>& out) {
    auto followed = co_await follow_stream(*services_.cache, *x.cache, client, x.request_id, deadline_of(x.hints));
    if (followed) {
        out.emplace(std::move(*followed));
        co_return;
    }
    // The leader landed nothing before any chunk reached this client: its own call (uncached
    // leadership is not taken over here; the next identical call leads), recorded as a miss's.
    x.recorder = std::make_unique<recording_client>(client, x.cache->lead ? x.cache->lead->in_the_air() : nullptr);
    co_await dispatch_.chat_stream(*x.chat, x.hints, *x.recorder, out, call_context_of(x.scope));
}

} // namespace switchboard::adapters
