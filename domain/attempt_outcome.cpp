// Fallback policy and the mapping of upstream failures to the client's error.
#include "domain/attempt_outcome.hpp"

#include <algorithm>

namespace switchboard::domain {

namespace {
bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}
} // namespace

bool is_context_length_exceeded(attempt_error const& e) {
    if (e.kind != attempt_failure::upstream_status || (e.status != 400 && e.status != 413)) return false;
    return e.provider_code == "context_length_exceeded" ||
           contains(e.provider_message, "prompt is too long") ||
           contains(e.provider_message, "exceeds the maximum number of tokens") ||
           contains(e.provider_message, "maximum context length");
}

bool is_content_policy_violation(attempt_error const& e) {
    if (e.kind != attempt_failure::upstream_status || e.status != 400) return false;
    return e.provider_code == "content_policy_violation" || e.provider_code == "content_filter";
}

bool broken_deployment_statuses::covers(attempt_error const& e) const {
    return e.kind == attempt_failure::upstream_status &&
           std::find(statuses.begin(), statuses.end(), e.status) != statuses.end();
}

next_step after_failure(attempt_error const& e, broken_deployment_statuses const& broken) {
    if (e.kind != attempt_failure::upstream_status || broken.covers(e)) return next_step::fall_back;
    if (e.status == 408 || e.status == 429 || e.status >= 500) return next_step::fall_back;
    if (is_context_length_exceeded(e)) return next_step::larger_context;
    return next_step::stop;
}

gateway_error client_error(attempt_error const& last, bool deadline_passed,
                           broken_deployment_statuses const& broken) {
    if (deadline_passed) return make_error(errc::timeout, "The request did not complete within its deadline");
    switch (last.kind) {
    case attempt_failure::connect_failed:
    case attempt_failure::reset:
    case attempt_failure::timeout:
        return make_error(errc::provider_unavailable, "No provider could serve the request");
    case attempt_failure::bad_response:
        return make_error(errc::upstream_bad_response, "The provider returned an invalid response");
    case attempt_failure::unsupported:
        return make_error(errc::invalid_request, "The model does not support this operation", "model");
    case attempt_failure::upstream_status:
        break;
    }
    int const s = last.status;
    if (s == 401 || s == 403) {
        // The provider rejected the gateway's own credentials: not the client's fault, and the
        // provider's text may quote the key, so it is not relayed.
        auto e = make_error(errc::upstream_error, "The provider rejected the gateway's credentials");
        e.upstream_status = s;
        return e;
    }
    if (s == 404 && broken.covers(last)) {
        auto e = make_error(errc::model_not_found, "No provider serves the requested model any longer", "model");
        e.upstream_status = s;
        return e;
    }
    if (s == 429 || s >= 500 || s == 408) {
        auto e = make_error(errc::provider_unavailable, "No provider could serve the request");
        e.upstream_status = s;
        e.retry_after = last.retry_after;
        return e;
    }
    if (broken.covers(last)) {
        auto e = make_error(errc::upstream_error, "The provider refused the gateway's call");
        e.upstream_status = s;
        return e;
    }
    if (is_context_length_exceeded(last)) {
        auto e = make_error(errc::context_length_exceeded,
                            "The prompt is longer than the context window of every model that could serve it",
                            "messages");
        e.upstream_status = s;
        return e;
    }
    // The client's own request was refused (400, 404, 413, 422…): relay the provider's reason.
    errc code = s == 404 ? errc::not_found : errc::invalid_request;
    if (is_content_policy_violation(last)) code = errc::content_policy_violation;
    if (s == 413) code = errc::payload_too_large;
    std::string message =
        last.provider_message.empty() ? "The provider rejected the request" : last.provider_message;
    if (message.size() > 1024) message.resize(1024);
    auto e = make_error(code, std::move(message), last.provider_param);
    e.upstream_status = s;
    return e;
}

std::string_view failure_type(attempt_error const& e) {
    switch (e.kind) {
    case attempt_failure::connect_failed:
        return "connect_failed";
    case attempt_failure::reset:
        return "reset";
    case attempt_failure::timeout:
        return "timeout";
    case attempt_failure::bad_response:
        return "bad_response";
    case attempt_failure::unsupported:
        return "unsupported";
    case attempt_failure::upstream_status:
        break;
    }
    if (e.status == 429) return "rate_limited";
    if (e.status == 401 || e.status == 403) return "auth";
    if (e.status >= 500) return "server_error";
    return "client_error";
}

} // namespace switchboard::domain
