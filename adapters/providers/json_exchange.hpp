#pragma once
// One JSON POST to a provider, with transport failures turned into attempt_error values.
// Any HTTP status is returned as a response; the provider adapter decides what it means.

#include "adapters/provider.hpp"
#include "adapters/upstream/http_client.hpp"
#include "adapters/wall_clock.hpp"

#include <boost/json/object.hpp>

namespace switchboard::adapters {

net::awaitable<attempt_result<upstream_response>>
post_json(http_client& client, std::string target, std::vector<std::pair<std::string, std::string>> headers,
          boost::json::object const& body, attempt_context const& ctx);
// The same with the body already serialised.
net::awaitable<attempt_result<upstream_response>>
post_json(http_client& client, std::string target, std::vector<std::pair<std::string, std::string>> headers,
          std::string body, attempt_context const& ctx);

// One GET (a provider's model list, used as a health probe).
net::awaitable<attempt_result<upstream_response>>
get_json(http_client& client, std::string target, std::vector<std::pair<std::string, std::string>> headers,
         attempt_context const& ctx);

bool is_success(int status);

// X-Request-Id, traceparent and tracestate of the attempt, on a request to a provider.
void add_request_context(upstream_request& req, attempt_context const& ctx);

// A transport failure as the attempt error the dispatcher classifies.
domain::attempt_error transport_error(transport_failure failure);

// Adds the provider's requested wait (Retry-After, retry-after-ms, x-ratelimit-reset-*) to an
// error from a 429 or 503 response.
domain::attempt_error with_retry_after(domain::attempt_error e, upstream_response const& response);


} // namespace switchboard::adapters
