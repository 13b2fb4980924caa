// Error → HTTP mapping.
#include "adapters/http/error_response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace switchboard::adapters {
using domain::errc;

http::status status_for(errc code) {
    switch (code) {
    case errc::invalid_request:
        return http::status::bad_request;
    case errc::unauthorized:
        return http::status::unauthorized;
    case errc::forbidden:
        return http::status::forbidden;
    case errc::conflict:
        return http::status::conflict;
    case errc::not_found:
    case errc::model_not_found:
        return http::status::not_found;
    case errc::method_not_allowed:
        return http::status::method_not_allowed;
    case errc::payload_too_large:
        return http::status::payload_too_large;
    case errc::headers_too_large:
        return http::status::request_header_fields_too_large;
    case errc::unsupported_media_type:
        return http::status::unsupported_media_type;
    case errc::not_implemented:
        return http::status::not_implemented;
    case errc::unsupported:
    case errc::context_length_exceeded:
    case errc::content_policy_violation:
        return http::status::bad_request;
    case errc::provider_unavailable:
    case errc::circuit_open:
    case errc::store_unavailable:
        return http::status::service_unavailable;
    case errc::budget_exhausted:
    case errc::priority_shed:
    case errc::rate_limit_exceeded:
    case errc::quota_exceeded:
        return http::status::too_many_requests;
    case errc::upstream_error:
    case errc::upstream_bad_response:
        return http::status::bad_gateway;
    case errc::timeout:
        return http::status::gateway_timeout;
    case errc::client_closed:
        return static_cast<http::status>(499); // nginx's "client closed request"
    case errc::internal_error:
        return http::status::internal_server_error;
    }
    return http::status::internal_server_error;
}

std::string_view error_type(errc code) {
    switch (code) {
    case errc::invalid_request:
    case errc::payload_too_large:
    case errc::headers_too_large:
    case errc::unsupported_media_type:
    case errc::not_implemented:
    case errc::method_not_allowed:
    case errc::unsupported:
    case errc::context_length_exceeded:
    case errc::content_policy_violation:
        return "invalid_request_error";
    case errc::unauthorized:
        return "authentication_error";
    case errc::forbidden:
        return "permission_error";
    case errc::not_found:
    case errc::model_not_found:
        return "not_found_error";
    case errc::conflict:
        return "conflict_error";
    case errc::timeout:
    case errc::client_closed:
        return "timeout_error";
    case errc::budget_exhausted:
    case errc::priority_shed:
    case errc::rate_limit_exceeded:
    case errc::quota_exceeded:
        return "rate_limit_error";
    default:
        return "api_error";
    }
}

std::string error_body(domain::gateway_error const& e, std::string_view request_id, language lang) {
    boost::json::object err{
        {"message", localized_message(e, lang)},
        {"type", error_type(e.code)},
        {"code", domain::code_name(e.code)},
        {"param", e.param.empty() ? boost::json::value(nullptr) : boost::json::value(e.param)}};
    return boost::json::serialize(boost::json::object{{"error", std::move(err)}, {"request_id", request_id}});
}

http_response error_response(domain::gateway_error const& e, std::string_view request_id, unsigned version,
                             bool keep_alive, language lang) {
    http_response res{status_for(e.code), version};
    res.set(http::field::content_type, "application/json");
    res.set("x-request-id", request_id);
    if (e.retry_after) {
        // Whole seconds, rounded up, at least 1: a client retrying sooner would be refused again.
        auto const secs = std::chrono::ceil<std::chrono::seconds>(*e.retry_after).count();
        res.set(http::field::retry_after, std::to_string(std::max<long long>(1, secs)));
    }
    // The official SDKs would otherwise retry these 429s at once: a budget, a shed or a quota
    // window does not recover in seconds.
    if (e.code == errc::budget_exhausted || e.code == errc::priority_shed || e.code == errc::quota_exceeded)
        res.set("x-should-retry", "false");
    res.body() = error_body(e, request_id, lang);
    if (lang == language::fr) res.set(http::field::content_language, "fr");
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

} // namespace switchboard::adapters
