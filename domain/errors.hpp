#pragma once
// The gateway's expected failures as values. Every failure a client can see has exactly one
// stable `errc`, whose wire name (`code_name`) is part of the public contract: clients and
// dashboards match on it, so names never change once shipped. HTTP status mapping lives in
// the adapters (adapters/http/error_response.cpp); the domain only names the failure.

#include "domain/time.hpp"

#include <boost/system/result.hpp>

#include <optional>

#include <string>
#include <string_view>

namespace switchboard::domain {

enum class errc {
    invalid_request,          // the client's request is malformed or violates the API
    unauthorized,             // missing or bad client credentials
    forbidden,                // credentials valid, action not allowed
    not_found,                // unknown route (or resource: an API key id)
    conflict,                 // the resource's state forbids the change (a revoked key, a config-declared key)
    model_not_found,          // no alias, group or provider/model matches
    method_not_allowed,       // route exists, method does not
    payload_too_large,        // body over the configured limit
    unsupported_media_type,   // a JSON endpoint called with another Content-Type
    not_implemented,          // a transfer coding the server does not implement
    headers_too_large,        // header block over the configured limit
    unsupported,              // the deployment cannot perform this operation (e.g. embeddings)
    context_length_exceeded,  // the prompt does not fit any deployment's context window
    content_policy_violation, // a provider refused the content (its reason is relayed)
    provider_unavailable,     // every deployment failed with a transient error
    circuit_open,             // every deployment is shut off (breaker open or provider cooldown)
    budget_exhausted,         // the call's X-Budget-Id has no room left for its priority
    priority_shed,            // capacity is short and the call's priority does not wait for it
    rate_limit_exceeded,      // an inbound rate limit refused the request
    quota_exceeded,           // the tenant's (or every provider's) quota window is used up
    store_unavailable,        // the shared store is down and the policy is fail_closed
    upstream_error,           // a provider answered with an error the client cannot fix
    upstream_bad_response,    // a provider answered with something we cannot parse
    timeout,                  // the request deadline passed
    client_closed,            // the client left before the answer (logged as 499; nobody reads it)
    internal_error,           // a bug; details are logged, never sent
};

// Stable wire code, e.g. "invalid_request".
std::string_view code_name(errc e) noexcept;

// A failure with the message the client may read and, for validation errors, the offending
// parameter path (e.g. "messages[1].role"). Never carries secrets or internal details.
struct gateway_error {
    errc code = errc::internal_error;
    std::string message;
    std::string param;
    // For failures relayed from a provider: the provider's HTTP status (0 otherwise).
    int upstream_status = 0;
    // When the client may usefully try again (sent as Retry-After).
    std::optional<duration> retry_after;
};

template <class T> using result = boost::system::result<T, gateway_error>;

gateway_error make_error(errc code, std::string message, std::string param = {});

// Lets result<T>::value() throw when misused; callers check has_value() first.
[[noreturn]] void throw_exception_from_error(gateway_error const& e, boost::source_location const& loc);

} // namespace switchboard::domain
