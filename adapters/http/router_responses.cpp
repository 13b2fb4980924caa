// Response helpers of the router.
#include "adapters/http/router_responses.hpp"

#include "adapters/http/language.hpp"
#include "adapters/http/request_id.hpp"
#include "adapters/observability/log.hpp"
#include "domain/auth/api_key.hpp"
#include "domain/json_checks.hpp"
#include "domain/json_duplicates.hpp"
#include "domain/openai_wire.hpp"

#include <boost/beast/core/string.hpp>

namespace switchboard::adapters {

http_response json_response(http::status status, std::string body, http_request const& req,
                            std::string const& request_id) {
    http_response res{status, req.version()};
    res.insert(http::field::content_type, "application/json"); // insert: a new response has neither
    res.insert("x-request-id", request_id);
    res.body() = std::move(body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

http_response answer_error(domain::gateway_error const& e, http_request const& req, std::string const& request_id) {
    return error_response(e, request_id, req.version(), req.keep_alive(),
                          preferred_language(req[http::field::accept_language]));
}

std::string_view bearer_token(http_request const& req) {
    std::string_view auth = req[http::field::authorization];
    constexpr std::string_view scheme = "Bearer ";
    if (auth.size() <= scheme.size() || !beast::iequals(auth.substr(0, scheme.size()), scheme)) return {};
    return auth.substr(scheme.size());
}

std::optional<domain::gateway_error> invalid_identifier(std::string_view value, std::size_t max_length,
                                                       std::string_view header) {
    if (plain_identifier(value, max_length)) return std::nullopt;
    return domain::make_error(domain::errc::invalid_request,
                              std::string(header) + " must be at most " + std::to_string(max_length) +
                                  " letters, digits, '-', '_', '.' or ':'",
                              std::string(header));
}

std::string loggable_credential(std::string_view credential) {
    if (auto key = domain::parse_api_key(credential))
        return std::string(domain::api_key_prefix) + std::string(key->id) + "_****";
    return mask_secret(credential);
}

void challenge(http_response& res, bool token_presented) {
    res.set(http::field::www_authenticate, token_presented ? R"(Bearer realm="switchboard", error="invalid_token")"
                                                           : R"(Bearer realm="switchboard")");
}

http_response identification_refused(domain::gateway_error const& refusal, http_request const& req,
                                     std::string const& request_id) {
    auto res = answer_error(refusal, req, request_id);
    if (refusal.code == domain::errc::unauthorized) challenge(res, !bearer_token(req).empty());
    return res;
}

// The JSON body of an admin request (an empty body is an empty object).
domain::result<boost::json::value> admin_body(http_request const& req) {
    if (req.body().empty()) return boost::json::value(boost::json::object());
    auto body = domain::parse_json_checked(req.body());
    if (body.problem == domain::checked_json::flaw::duplicate_key)
        return domain::make_error(domain::errc::invalid_request,
                                  "The key '" + domain::truncate_for_message(body.duplicate_key) + "' appears twice",
                                  domain::truncate_for_message(body.duplicate_key));
    if (!body) return domain::make_error(domain::errc::invalid_request, "The body must be valid JSON");
    return std::move(body.value);
}

} // namespace switchboard::adapters
