// Names of the stable error codes, and the exception thrown by result<T>::value() on misuse.
#include "domain/errors.hpp"

#include <stdexcept>

namespace switchboard::domain {

std::string_view code_name(errc e) noexcept {
    switch (e) {
    case errc::invalid_request:
        return "invalid_request";
    case errc::unauthorized:
        return "unauthorized";
    case errc::forbidden:
        return "forbidden";
    case errc::not_found:
        return "not_found";
    case errc::conflict:
        return "conflict";
    case errc::model_not_found:
        return "model_not_found";
    case errc::method_not_allowed:
        return "method_not_allowed";
    case errc::payload_too_large:
        return "payload_too_large";
    case errc::headers_too_large:
        return "headers_too_large";
    case errc::unsupported_media_type:
        return "unsupported_media_type";
    case errc::not_implemented:
        return "not_implemented";
    case errc::unsupported:
        return "unsupported";
    case errc::provider_unavailable:
        return "provider_unavailable";
    case errc::circuit_open:
        return "circuit_open";
    case errc::budget_exhausted:
        return "budget_exhausted";
    case errc::priority_shed:
        return "priority_shed";
    case errc::rate_limit_exceeded:
        return "rate_limit_exceeded";
    case errc::quota_exceeded:
        return "quota_exceeded";
    case errc::store_unavailable:
        return "store_unavailable";
    case errc::context_length_exceeded:
        return "context_length_exceeded";
    case errc::content_policy_violation:
        return "content_policy_violation";
    case errc::upstream_error:
        return "upstream_error";
    case errc::upstream_bad_response:
        return "upstream_bad_response";
    case errc::timeout:
        return "timeout";
    case errc::client_closed:
        return "client_closed";
    case errc::internal_error:
        return "internal_error";
    }
    return "internal_error";
}

gateway_error make_error(errc code, std::string message, std::string param) {
    return gateway_error{code, std::move(message), std::move(param), 0, std::nullopt};
}

void throw_exception_from_error(gateway_error const& e, boost::source_location const&) {
    throw std::runtime_error(std::string(code_name(e.code)) + ": " + e.message);
}

} // namespace switchboard::domain
