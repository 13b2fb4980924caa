#pragma once
// The one place where a domain error becomes HTTP: status code, OpenAI error body
// {"error":{"message","type","code","param"},"request_id"} and headers. Every error the gateway
// sends — validation, routing, upstream, parser limits — goes through here.

#include "adapters/http/language.hpp"
#include "adapters/http/header_fields.hpp"
#include "domain/errors.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string_view>

namespace switchboard::adapters {

namespace http = boost::beast::http;
// A response the gateway writes: its fields a list in the order they were set (header_fields.hpp).
using http_response = http::response<http::string_body, header_fields>;

http::status status_for(domain::errc code);
// OpenAI `type` for the code, e.g. "invalid_request_error", "api_error".
std::string_view error_type(domain::errc code);

// `lang` picks the message's language (see language.hpp); everything else is the same.
std::string error_body(domain::gateway_error const& e, std::string_view request_id, language lang = language::en);

http_response error_response(domain::gateway_error const& e, std::string_view request_id, unsigned version,
                             bool keep_alive, language lang = language::en);

} // namespace switchboard::adapters
