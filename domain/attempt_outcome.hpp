#pragma once
// What one upstream attempt ended with, whether the gateway should try the next deployment, and
// which single error the client gets when no attempt succeeded. Pure policy: the adapters report
// outcomes, this decides.

#include "domain/errors.hpp"
#include "domain/time.hpp"

#include <optional>

#include <string>
#include <vector>

namespace switchboard::domain {

enum class attempt_failure {
    connect_failed,  // DNS, TCP connect or TLS handshake failed
    reset,           // connection closed or reset before a complete response
    timeout,         // no complete response within the attempt timeout
    upstream_status, // the provider answered with an HTTP error status
    bad_response,    // the provider answered 2xx with a body we cannot use
    unsupported,     // this deployment cannot perform the operation
};

struct attempt_error {
    attempt_failure kind = attempt_failure::connect_failed;
    int status = 0;               // for upstream_status
    std::string provider_message; // the provider's own error text, when it gave one
    std::string provider_param;
    std::string provider_code;           // e.g. "context_length_exceeded"
    std::optional<duration> retry_after; // the provider's requested wait, when it sent one
};

// Upstream statuses that say the deployment itself is broken rather than the request wrong: the
// provider refuses the gateway's credentials (401, 403) or no longer has the model (404). Such a
// failure falls back to the next deployment and counts against this one's health (a revoked key
// opens its breaker). Configurable per provider; an empty set treats them as the client's errors.
struct broken_deployment_statuses {
    std::vector<int> statuses;
    bool covers(attempt_error const& e) const;
    static broken_deployment_statuses defaults() { return {{401, 403, 404}}; }
};

enum class next_step {
    fall_back,      // try the next deployment
    larger_context, // the prompt is too long here: only a deployment with a larger context window may help
    stop            // the client's own error: no other deployment would answer differently
};

// Recognises each provider's way of saying the prompt is too long (OpenAI-compatible
// `context_length_exceeded`, Anthropic "prompt is too long", Gemini "exceeds the maximum number
// of tokens") and of refusing content (`content_policy_violation`, `content_filter`).
bool is_context_length_exceeded(attempt_error const& e);
bool is_content_policy_violation(attempt_error const& e);

// Transient failures (connection, timeout, 408, 429, 5xx, unusable body) and a broken deployment
// (`broken` statuses) move to the next deployment; a prompt too long for this deployment moves to
// a larger-context one; any other error caused by the client's own request (other 4xx) stops.
next_step after_failure(attempt_error const& e, broken_deployment_statuses const& broken = {});

// The error the client sees for a stopped attempt or for an exhausted fallback list.
// `deadline_passed` turns the verdict into `timeout`. A broken deployment's text is never
// relayed: 401/403 are the gateway's credentials (502), a 404 the model gone (404
// model_not_found).
gateway_error client_error(attempt_error const& last, bool deadline_passed,
                           broken_deployment_statuses const& broken = {});

// A bounded name for a failed attempt, for metrics labels and logs: connect_failed, reset,
// timeout, bad_response, unsupported, rate_limited (429), auth (401/403), server_error (5xx),
// client_error (other 4xx).
std::string_view failure_type(attempt_error const& e);

} // namespace switchboard::domain
