#pragma once
// How long a REST answer may be served from the cache, from the endpoint's configured TTL and
// the provider's Cache-Control (RFC 9111): `no-store` and `private` keep it out; `max-age` (or
// `s-maxage`, which a shared cache prefers) shortens the TTL, never lengthens it; `no-cache` (or
// max-age=0) keeps it only to revalidate. An answer with a validator (ETag) is kept for a second
// TTL past its freshness: when stale it is revalidated with If-None-Match, and a 304 makes it
// fresh again without the body travelling. Pure.
#include "domain/cache/cache_policy.hpp"
#include "domain/time.hpp"

#include <string_view>

namespace switchboard::domain::rest {

struct freshness {
    bool store = false;
    seconds fresh_for{0};  // served without asking the provider for this long
    seconds keep_for{0};   // kept this long (≥ fresh_for): past freshness, only to revalidate
};

freshness freshness_of(seconds configured_ttl, std::string_view cache_control, bool has_validator);

// What the cache may do with a GET of a service endpoint whose answers are kept `endpoint_ttl`:
// the client's Cache-Control (no-cache, no-store) and x-switchboard-cache-* headers as for model
// calls (a client TTL only shortens), in the tenant's namespace (or the shared one).
cache_plan plan_rest_cache(seconds endpoint_ttl, cache_control const& control, std::string_view tenant,
                           std::string_view shared_namespace);

// Whether an If-None-Match list (or "*") names `etag`, by weak comparison (RFC 9110 §13.1.2).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

} // namespace switchboard::domain::rest
