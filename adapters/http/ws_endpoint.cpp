// WebSocket streaming at /api/v1/ai/stream. One JSON message per frame:
//
//   client → {"type":"chat.stream.start","id"?:…,"request":{…chat completion body…}}
//   server → {"type":"chat.chunk","id","chunk":{chat.completion.chunk}}   (each chunk, at once)
//   server → {"type":"chat.complete","id","response":{chat.completion},"usage":{…}}
//         or {"type":"chat.error","id","error":{message,type,code,param},"request_id"}
//
// The same caller identity and inbound limits as REST (the upgrade is limited as its own route,
// each start as /v1/chat/completions), and the same dispatch: failover before the first content,
// resume or a chat.error after it — never a chat.complete for a cut answer. Streams on one
// connection run one after another; a bad message gets a chat.error and the session goes on.
#include "adapters/http/api_router.hpp"
#include "adapters/http/call_stages.hpp"

#include "adapters/http/error_response.hpp"
#include "adapters/http/request_id.hpp"
#include "adapters/http/router_responses.hpp"
#include "adapters/http/write_whole.hpp"
#include "adapters/observability/log.hpp"
#include "adapters/wall_clock.hpp"
#include "domain/auth/jwt.hpp"
#include "domain/chat_request.hpp"
#include "domain/completion_chunks.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/openai_wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <boost/url/parse.hpp>

#include <algorithm>
#include <map>
#include <ranges>
#include <variant>

namespace switchboard::adapters {
namespace json = boost::json;
namespace websocket = beast::websocket;
using domain::errc;

namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using ws_stream = websocket::stream<beast::tcp_stream>;

// RFC 6455 §4.2.1, as Beast's websocket::is_upgrade (which takes only its own field container):
// a GET of HTTP/1.1 or later whose Connection lists "upgrade" and whose Upgrade lists "websocket".
bool is_websocket_upgrade(http_request const& req) {
    return req.version() >= 11 && req.method() == http::verb::get &&
           http::token_list{req[http::field::connection]}.exists("upgrade") &&
           http::token_list{req[http::field::upgrade]}.exists("websocket");
}

// Beast's handshake reads the upgrade request in its own field container (ADR 0010): the request
// line and fields are copied into one, once per session.
http::request<http::empty_body> for_handshake(http_request const& req) {
    http::request<http::empty_body> out{req.method(), req.target(), req.version()};
    for (auto const& field : req) out.insert(field.name_string(), field.value());
    return out;
}

// The client end of a stream over a WebSocket: each chunk becomes a chat.chunk message.
class ws_client final : public stream_client {
  public:
    ws_client(ws_stream& ws, json::value const& id) : ws_(ws), id_(id) {}
    net::awaitable<bool> begin(domain::deployment const&, std::optional<json::object> opening) override {
        if (!opening) co_return true;
        co_return co_await on_chunk(std::move(*opening));
    }
    net::awaitable<bool> on_chunk(json::object chunk) override {
        builder_.add(chunk);
        json::object message{{"type", "chat.chunk"}, {"id", id_}, {"chunk", std::move(chunk)}};
        std::string const text = json::serialize(message);
        auto [ec, n] = co_await ws_.async_write(net::buffer(text), use_tuple);
        co_return !ec;
    }
    domain::completion_builder const& built() const { return builder_; }

  private:
    ws_stream& ws_;
    json::value const& id_;
    domain::completion_builder builder_;
};

net::awaitable<bool> send_json(ws_stream& ws, json::object const& message) {
    std::string const text = json::serialize(message);
    auto [ec, n] = co_await ws.async_write(net::buffer(text), use_tuple);
    co_return !ec;
}

json::object error_message(json::value const& id, domain::gateway_error const& e, std::string const& request_id,
                           language lang) {
    auto body = json::parse(error_body(e, request_id, lang)).as_object();
    return json::object{{"type", "chat.error"}, {"id", id}, {"error", body.at("error")}, {"request_id", request_id}};
}
} // namespace

namespace {
bool message_id_ok(json::value const& id) {
    if (id.is_int64() || id.is_uint64() || id.is_null()) return true;
    return id.is_string() && id.as_string().size() <= 128;
}

// The chat body of a chat.stream.start message, or the error to answer it with. `id` receives
// the message's id once it is known to be safe to echo (a short string or an integer).
domain::result<json::value> start_request(std::string const& text, json::value& id) {
    auto parsed = domain::parse_json_checked(text);
    if (parsed.problem == domain::checked_json::flaw::duplicate_key)
        return domain::make_error(errc::invalid_request, "A key appears twice in one object");
    if (!parsed || !parsed.value.is_object())
        return domain::make_error(errc::invalid_request, "Messages must be JSON objects");
    auto& message = parsed.value.as_object();
    if (auto const* given = message.if_contains("id")) {
        if (!message_id_ok(*given))
            return domain::make_error(errc::invalid_request,
                                      "'id' must be an integer or a string of at most 128 characters", "id");
        id = *given;
    }
    auto const* type = message.if_contains("type");
    auto* body = message.if_contains("request");
    if (!type || !type->is_string() || type->as_string() != "chat.stream.start" || !body || !body->is_object())
        return domain::make_error(errc::invalid_request,
                                  "Send {\"type\":\"chat.stream.start\",\"request\":{…a chat completion body…}}", "type");
    return std::move(*body);
}
} // namespace

namespace {
// Browsers cannot set headers on a WebSocket: they may send an access token as the
// `access_token` query parameter or as a subprotocol "bearer.<token>" (offered beside
// "switchboard"). Only short-lived tokens (JWTs) are taken there — a URL or a subprotocol ends up
// in logs and histories, where a long-lived key must never be.
// The subprotocols a client offers (Sec-WebSocket-Protocol, comma-separated).
std::vector<std::string_view> offered_subprotocols(http_request const& req) {
    std::vector<std::string_view> out;
    for (auto part : std::string_view(req[http::field::sec_websocket_protocol]) | std::views::split(',')) {
        std::string_view p(part.begin(), part.end());
        while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
        while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
        if (!p.empty()) out.push_back(p);
    }
    return out;
}

std::optional<std::string> browser_token(http_request const& req) {
    for (auto p : offered_subprotocols(req))
        if (p.starts_with("bearer.")) return std::string(p.substr(7));
    auto url = boost::urls::parse_origin_form(std::string_view(req.target()));
    if (!url) return std::nullopt;
    for (auto const& q : url->params())
        if (q.key == "access_token") return std::string(q.value);
    return std::nullopt;
}

// The subprotocol the server selects: "switchboard" when offered (a client must offer one the
// server can name back), else none.
bool offers_switchboard_protocol(http_request const& req) {
    auto const offered = offered_subprotocols(req);
    return std::find(offered.begin(), offered.end(), "switchboard") != offered.end();
}
} // namespace

// A browser's token as the request's Authorization (when it sent none); a long-lived key there
// is refused.
std::optional<domain::gateway_error> api_router::adopt_browser_token(http_request& req) const {
    if (!bearer_token(req).empty()) return std::nullopt;
    auto token = browser_token(req);
    if (!token) return std::nullopt;
    if (!domain::looks_like_jws(*token))
        return domain::make_error(errc::unauthorized, "Only an access token (POST /api/auth/login) may be sent in the URL "
                                                      "or as a subprotocol, never an API key");
    req.set(http::field::authorization, "Bearer " + *token);
    return std::nullopt;
}

// Like socket.io's `auth: {token}`: {"type":"auth","token":"<access token>"} first. Only an
// access token (a JWT) is taken, as in the URL: a page must not hold a long-lived key.
net::awaitable<std::optional<domain::gateway_error>>
api_router::adopt_credential_message(std::string const& text, http_request& upgrade, request_context const& context,
                                     request_scope& scope) {
    auto parsed = domain::parse_json(text);
    auto const* message = parsed && parsed->is_object() ? &parsed->as_object() : nullptr;
    auto const* type = message ? message->if_contains("type") : nullptr;
    auto const* token = message ? message->if_contains("token") : nullptr;
    if (!type || !type->is_string() || type->as_string() != "auth" || !token || !token->is_string())
        co_return co_await count_failure(
            domain::make_error(errc::unauthorized, "This gateway needs an access token: send "
                                                   "{\"type\":\"auth\",\"token\":\"<access token>\"} first"),
            scope);
    if (!domain::looks_like_jws(token->as_string()))
        co_return co_await count_failure(
            domain::make_error(errc::unauthorized, "Only an access token (POST /api/auth/login) is taken here, "
                                                   "never an API key"),
            scope);
    upgrade.set(http::field::authorization, "Bearer " + std::string(token->as_string()));
    co_return co_await identify(upgrade, context, scope, *find_route("/api/v1/ai/stream", http::verb::get).first);
}

// Why the upgrade itself is refused, if it is: the caller's identity, its Origin, the limits.
net::awaitable<std::optional<domain::gateway_error>>
api_router::upgrade_refusal(http_request const& req, request_context const& context, request_scope& scope,
                            bool identified) {
    if (!identified)
        note_address(req, context, scope);
    else if (auto refusal =
                 co_await identify(req, context, scope, *find_route("/api/v1/ai/stream", http::verb::get).first))
        co_return refusal;
    // A browser page of any site may open a WebSocket (no preflight): only the origins allowed
    // for CORS may; a client without Origin (not a browser) is not concerned.
    if (auto origin = req[http::field::origin]; !origin.empty() && !services_.cors.allows(origin))
        co_return domain::make_error(errc::forbidden, "WebSocket connections from this origin are not allowed");
    auto admitted = co_await admit("/api/v1/ai/stream", scope, false);
    if (auto const* refused = admitted.refused_before_serving()) co_return **refused;
    co_return std::nullopt;
}

namespace {
// The first message's credential: {"type":"auth.ok","tenant"} and the session goes on (true), or
// the error and the session closes (1008, policy violation).
net::awaitable<bool> answer_credential(ws_stream& ws, std::optional<domain::gateway_error> const& refused,
                                       std::string const& tenant, std::string const& request_id, language lang) {
    if (!refused) {
        json::object const ok{{"type", "auth.ok"}, {"tenant", tenant}};
        co_return co_await send_json(ws, ok);
    }
    auto const error = error_message(nullptr, *refused, request_id, lang);
    co_await send_json(ws, error);
    co_await ws.async_close(websocket::close_code::policy_error, use_tuple); // its outcome changes nothing
    co_return false;
}

// One stream of the session, as the request log line and metrics see it.
void observe_call(request_observer const* observer, request_scope const& scope, std::string const& request_id,
                  dispatch_result<stream_result> const& outcome, std::chrono::steady_clock::time_point started) {
    if (!observer) return;
    finished_request done;
    done.request_id = request_id;
    done.method = "WS";
    done.route = "/api/v1/ai/stream";
    done.client_ip = scope.caller.ip;
    done.tenant = scope.caller.tenant;
    done.key_hint = scope.key_hint;
    done.status = outcome ? 200 : static_cast<int>(status_for(outcome.error().error.code));
    done.error_code = outcome ? std::string_view{} : domain::code_name(outcome.error().error.code);
    done.total = std::chrono::steady_clock::now() - started;
    done.record = &scope.record;
    done.model_group = scope.model_group;
    done.call = true;
    done.end_user = scope.end_user;
    done.budget_id = scope.budget_id;
    observer->finished(done);
}
} // namespace

// A start message through the stages of a call: its envelope, then parse, hints and the inbound
// limit of /v1/chat/completions (call_stages.hpp), then the dispatch. A refusal by the limit
// wins over whatever else the call ended with, as on HTTP.
net::awaitable<std::variant<domain::gateway_error, dispatch_result<stream_result>>>
api_router::serve_start(std::string text, json::value& id, http_request const& upgrade,
                        std::string const& request_id, request_scope& scope, stream_client& client) {
    auto body = start_request(std::move(text), id);
    if (!body) co_return body.error();
    call_exchange x{upgrade, request_id, scope, std::move(*body), "/v1/chat/completions"};
    if (auto ended = co_await run_stages(ws_chat_stages, x)) co_return std::move(*ended);
    dispatch_slot<stream_result> done;
    co_await dispatch_stream(x, client, done);
    auto& outcome = *done;
    streamed(x, outcome);
    scope.admission = nullptr;
    scope.record = outcome ? outcome->record : outcome.error().record;
    if (auto const* limits = co_await x.admitted->verdict(); limits && limits->refusal)
        outcome = dispatch_failure{*limits->refusal, 0, {}, scope.record};
    co_return std::move(outcome);
}

bool api_router::serves_upgrade(http_request const& req) const {
    return path_of(req.target()) == "/api/v1/ai/stream" && is_websocket_upgrade(req);
}

net::awaitable<void> api_router::serve_upgrade(http_request req, request_context const& context,
                                               beast::tcp_stream stream) {
    request_scope scope;
    auto const lang = preferred_language(req[http::field::accept_language]);
    // The upgrade itself is a request: refused with an HTTP error before any WebSocket exists.
    auto refusal = adopt_browser_token(req);
    bool const credential_later = !refusal && awaits_credential_message(req);
    if (!refusal) refusal = co_await upgrade_refusal(req, context, scope, !credential_later);
    if (refusal) {
        auto res = identification_refused(*refusal, req, context.request_id);
        decorate(res);
        co_await write_whole(stream, res);
        co_return;
    }

    ws_stream ws(std::move(stream));
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    // As for an idle HTTP connection: a session that sends nothing for server.idle_timeout is
    // closed (no keep-alive pings: a client that only answers pings holds a slot for nothing).
    timeouts.idle_timeout = services_.ws_idle_timeout;
    timeouts.keep_alive_pings = false;
    ws.set_option(timeouts);
    ws.read_message_max(services_.ws_max_message_bytes);
    if (offers_switchboard_protocol(req))
        ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(http::field::sec_websocket_protocol, "switchboard");
        }));
    auto [accept_ec] = co_await ws.async_accept(for_handshake(req), use_tuple);
    if (accept_ec) co_return;

    beast::flat_buffer buffer;
    if (credential_later) {
        auto [read_ec, n] = co_await ws.async_read(buffer, use_tuple);
        if (read_ec) co_return;
        auto refused = co_await adopt_credential_message(beast::buffers_to_string(buffer.data()), req, context, scope);
        if (!co_await answer_credential(ws, refused, scope.caller.tenant, context.request_id, lang)) co_return;
    }
    for (;;) {
        buffer.clear();
        auto [read_ec, n] = co_await ws.async_read(buffer, use_tuple);
        if (read_ec) break; // closed, or the peer went away
        std::string const request_id = accept_or_generate_request_id({});
        json::value id = nullptr;
        ws_client client(ws, id); // the id is the message's, once its envelope is read
        auto const started = std::chrono::steady_clock::now();
        auto served = co_await serve_start(beast::buffers_to_string(buffer.data()), id, req, request_id, scope, client);
        if (auto const* refused = std::get_if<domain::gateway_error>(&served)) { // the session goes on
            if (!co_await send_json(ws, error_message(id, *refused, request_id, lang))) break;
            continue;
        }
        auto const& outcome = std::get<dispatch_result<stream_result>>(served);
        json::object last;
        if (outcome) {
            last = json::object{{"type", "chat.complete"},
                                {"id", id},
                                {"response", client.built().completion(outcome->value.usage, unix_now())},
                                {"usage", domain::usage_json(outcome->value.usage)}};
            if (!outcome->record.cache.empty()) last["cache"] = outcome->record.cache; // hit, miss or bypass
        } else {
            last = error_message(id, outcome.error().error, request_id, lang);
        }
        bool const sent = co_await send_json(ws, last);
        observe_call(services_.observer, scope, request_id, outcome, started);
        scope.record = {};
        if (!sent) break;
    }
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
}

} // namespace switchboard::adapters
