#pragma once
// How to reach one configured provider. Plain data, filled by the config loader.
#include "adapters/providers/provider_kinds.hpp"
#include "domain/attempt_outcome.hpp"
#include "domain/backoff.hpp"
#include "domain/breaker.hpp"
#include "domain/rest/service.hpp"
#include "domain/throttle.hpp"

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::adapters {

// How a REST provider is told who calls it (kind: rest). The secret is never logged or echoed.
struct rest_credentials {
    enum class kind { none, header, query, bearer, basic } type = kind::none;
    std::string name;     // header: its name; query: the parameter's
    std::string secret;   // the key, token or password
    std::string username; // basic
};

struct provider_settings {
    std::string name;     // config key, e.g. "openai_main"
    std::string kind;     // openai | anthropic | gemini | mock | rest
    std::string base_url; // empty for mock
    std::string api_key;  // secret: never logged or echoed
    std::string ca_file;  // extra trusted CA certificates (PEM), besides the system store
    bool allow_insecure_http = false; // plain http:// to a non-loopback host (refused unless set)
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds attempt_timeout{30000};
    std::chrono::milliseconds response_headers_timeout{0};    // 0: only the attempt timeout
    std::vector<std::pair<std::string, std::string>> headers; // extra static headers
    // A response body larger than this is an unusable answer (502 upstream_bad_response): the
    // gateway never holds an answer of unbounded size.
    std::size_t max_response_bytes = 16u << 20;
    // Spare connections per core kept connected ahead of demand (http_client_options::preconnect).
    std::size_t preconnect = 0;
    domain::retry_config retry;                               // defaults: the global `resilience.retry`
    domain::breaker_config breaker;                           // defaults: the global `resilience.breaker`
    domain::throttle_config limits; // outbound limits of the provider account (none by default)
    // Upstream statuses that mean this deployment is broken (fall back, count against its health).
    domain::broken_deployment_statuses fallback_on = domain::broken_deployment_statuses::defaults();
    std::chrono::milliseconds probe_interval{0};  // background health probe period; 0: no probes
    std::chrono::milliseconds probe_timeout{5000}; // bound of one probe

    // kind: rest
    rest_credentials credentials;
    double usd_per_call = 0;                // a passthrough call's price, and an implementation's default
    std::vector<std::string> passthrough;   // path prefixes /api/v1/proxy/{name}/… may reach (none: no proxy)
    std::vector<std::string> content_types{"application/json"}; // media types a passthrough answer may have
    bool allow_private_network = false;     // a host name may resolve to a private address
    // The service endpoints it serves ("weather/current" → how), filled from `services`.
    std::map<std::string, domain::rest::implementation, std::less<>> implementations;
};


} // namespace switchboard::adapters
