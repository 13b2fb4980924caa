#pragma once
// What the routes that dispatch a call share (api_router.cpp, rest_endpoints.cpp): the call's
// collaborators from the request's scope, its record for the log line, and the failure answer.
#include "adapters/http/api_router.hpp"

namespace switchboard::adapters {

// A call's collaborators: the inbound check still running, and the client's departure.
call_context call_context_of(request_scope const& scope);

// What the call did, for the request's log line and metrics.
template <class T> request_record record_of(dispatch_result<T> const& outcome) {
    return outcome ? outcome->record : outcome.error().record;
}

// The error of a call no deployment served, with the attempts and the last provider tried.
http_response failure_response(dispatch_failure const& failed, http_request const& req, std::string const& request_id);

// Dollars as x-switchboard-cost-usd shows them (8 decimals).
std::string format_cost(double usd);

} // namespace switchboard::adapters
