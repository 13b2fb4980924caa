#pragma once
// Small response helpers shared by the router's translation units (api_router.cpp and
// ops_endpoints.cpp): a JSON answer, an error answer in the caller's language, the bearer token.
#include "adapters/http/request_handler.hpp"
#include "domain/errors.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace switchboard::adapters {

http_response json_response(http::status status, std::string body, http_request const& req,
                            std::string const& request_id);
// The error in the language the request asks for (Accept-Language).
http_response answer_error(domain::gateway_error const& e, http_request const& req, std::string const& request_id);
// The token of `Authorization: Bearer <token>`; empty without one.
std::string_view bearer_token(http_request const& req);
// An identifier header (X-Tenant-Id, X-Budget-Id): letters, digits, '-', '_', '.' or ':', at most
// `max_length`; else the error naming the header.
std::optional<domain::gateway_error> invalid_identifier(std::string_view value, std::size_t max_length,
                                                       std::string_view header);
// A credential as a log line may show it: a switchboard key by its public id alone (no character
// of its secret), anything else masked (mask_secret).
std::string loggable_credential(std::string_view credential);
// The JSON body of an admin request (an empty body is an empty object); invalid JSON or a key
// given twice is invalid_request.
domain::result<boost::json::value> admin_body(http_request const& req);
// WWW-Authenticate on a 401 (RFC 6750 §3): error="invalid_token" only when a token was presented.
void challenge(http_response& res, bool token_presented);
// The answer to a refused identification: answer_error, with the challenge on a 401.
http_response identification_refused(domain::gateway_error const& refusal, http_request const& req,
                                     std::string const& request_id);

} // namespace switchboard::adapters
