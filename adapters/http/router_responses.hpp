#pragma once
// Small response helpers shared by the router's translation units (api_router.cpp and
// ops_endpoints.cpp): a JSON answer, an error answer in the caller's language, the bearer token.
#include "adapters/http/request_handler.hpp"
#include "domain/errors.hpp"

#include <string>
#include <string_view>

namespace switchboard::adapters {

http_response json_response(http::status status, std::string body, http_request const& req,
                            std::string const& request_id);
// The error in the language the request asks for (Accept-Language).
http_response answer_error(domain::gateway_error const& e, http_request const& req, std::string const& request_id);
// The token of `Authorization: Bearer <token>`; empty without one.
std::string_view bearer_token(http_request const& req);

} // namespace switchboard::adapters
