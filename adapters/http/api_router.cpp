// Public API routes.
#include "adapters/http/api_router.hpp"

#include "domain/chat_request.hpp"
#include "domain/embedding_request.hpp"
#include "domain/json_checks.hpp"
#include "domain/openai_wire.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace switchboard::adapters {
namespace json = boost::json;
using domain::errc;

namespace {

struct route {
    std::string_view path;
    http::verb method;
};
constexpr std::array<route, 4> routes{{
    {"/v1/chat/completions", http::verb::post},
    {"/v1/embeddings", http::verb::post},
    {"/v1/models", http::verb::get},
    {"/api/health", http::verb::get},
}};

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

http_response json_response(http::status status, std::string body, http_request const& req,
                            std::string const& request_id) {
    http_response res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.set("x-request-id", request_id);
    res.body() = std::move(body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

http_response fail(domain::gateway_error const& e, http_request const& req, std::string const& request_id) {
    return error_response(e, request_id, req.version(), req.keep_alive());
}

std::string format_cost(double usd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.8f", usd);
    return buf;
}

// Hints from headers. X-Request-Timeout (seconds, decimals allowed) may only lower the deadline.
domain::result<request_hints> hints_of(http_request const& req, std::string const& request_id) {
    request_hints hints{std::string(req["x-preferred-provider"]), request_id, std::nullopt};
    auto priority = domain::parse_priority(req["x-priority"]);
    if (!priority) return priority.error();
    hints.priority = *priority;
    auto tier = domain::parse_tier(req["x-tier"]);
    if (!tier) return tier.error();
    hints.tier = *tier;
    if (auto budget = req["x-budget-id"]; !budget.empty()) {
        // The id becomes a store key: keep it short and plain.
        bool const safe = budget.size() <= 128 && std::all_of(budget.begin(), budget.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                                     c == '.' || c == ':';
                          });
        if (!safe)
            return domain::make_error(errc::invalid_request,
                                      "X-Budget-Id must be at most 128 letters, digits, '-', '_', '.' or ':'",
                                      "X-Budget-Id");
        hints.budget_id = std::string(budget);
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

template <class T>
http_response dispatched_response(dispatch_result<T>& outcome, http_request const& req,
                                  std::string const& request_id) {
    if (!outcome) {
        auto res = fail(outcome.error().error, req, request_id);
        if (outcome.error().attempts > 0) {
            res.set("x-switchboard-attempts", std::to_string(outcome.error().attempts));
            res.set("x-switchboard-provider", outcome.error().last_provider);
        }
        return res;
    }
    auto& ok = *outcome;
    auto res = json_response(http::status::ok, json::serialize(ok.value.body), req, request_id);
    res.set("x-switchboard-provider", ok.served.provider);
    res.set("x-switchboard-model", ok.served.model);
    res.set("x-switchboard-attempts", std::to_string(ok.attempts));
    if (ok.tier) res.set("x-switchboard-tier", domain::tier_name(*ok.tier));
    res.set("x-switchboard-cost-usd", format_cost(ok.cost_usd));
    return res;
}

std::optional<json::value> parse_body(http_request const& req) {
    return domain::parse_json(req.body());
}

domain::gateway_error not_json() {
    return domain::make_error(
        errc::invalid_request,
        "We could not parse the JSON body of your request. The body must be valid JSON.");
}

} // namespace

net::awaitable<http_response> api_router::handle(http_request& req, std::string const& request_id) {
    std::string_view const path = path_of(req.target());
    route const* match = nullptr;
    for (auto const& r : routes)
        if (r.path == path) {
            match = &r;
            if (r.method == req.method()) break;
        }
    if (!match) {
        co_return fail(domain::make_error(errc::not_found,
                                          "Unknown request URL: " + domain::truncate_for_message(path, 128)),
                       req, request_id);
    }
    if (match->method != req.method()) {
        auto res = fail(domain::make_error(errc::method_not_allowed,
                                           "Method " + std::string(req.method_string().substr(0, 16)) +
                                               " is not allowed on " + std::string(path)),
                        req, request_id);
        res.set(http::field::allow, http::to_string(match->method));
        co_return res;
    }
    if (path == "/v1/chat/completions") co_return co_await chat_completions(req, request_id);
    if (path == "/v1/embeddings") co_return co_await embeddings(req, request_id);
    if (path == "/v1/models") co_return models(req, request_id);
    co_return json_response(http::status::ok, R"({"status":"ok"})", req, request_id);
}

void api_router::decorate(http_response& response) const {
    response.set("x-switchboard-mode", domain::mode_name(dispatch_.mode()));
}

net::awaitable<http_response> api_router::chat_completions(http_request& req, std::string const& request_id) {
    auto body = parse_body(req);
    if (!body) co_return fail(not_json(), req, request_id);
    auto chat = domain::parse_chat_request(*body);
    if (!chat) co_return fail(chat.error(), req, request_id);
    if (chat->stream)
        co_return fail(domain::make_error(errc::invalid_request,
                                          "Streaming responses are not available yet; send stream: false",
                                          "stream"),
                       req, request_id);
    auto hints = hints_of(req, request_id);
    if (!hints) co_return fail(hints.error(), req, request_id);
    auto outcome = co_await dispatch_.chat(*chat, *hints);
    co_return dispatched_response(outcome, req, request_id);
}

net::awaitable<http_response> api_router::embeddings(http_request& req, std::string const& request_id) {
    auto body = parse_body(req);
    if (!body) co_return fail(not_json(), req, request_id);
    auto embedding = domain::parse_embedding_request(*body);
    if (!embedding) co_return fail(embedding.error(), req, request_id);
    auto hints = hints_of(req, request_id);
    if (!hints) co_return fail(hints.error(), req, request_id);
    auto outcome = co_await dispatch_.embed(*embedding, *hints);
    co_return dispatched_response(outcome, req, request_id);
}

http_response api_router::models(http_request const& req, std::string const& request_id) const {
    json::array data;
    for (auto const& name : domain::listed_models(dispatch_.catalog().routes)) {
        auto slash = name.find('/');
        std::string owner = slash == std::string::npos ? "switchboard" : name.substr(0, slash);
        data.push_back(json::object{{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", owner}});
    }
    return json_response(http::status::ok,
                         json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}}), req,
                         request_id);
}

} // namespace switchboard::adapters
