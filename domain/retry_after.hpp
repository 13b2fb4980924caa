#pragma once
// When a provider asks us to come back: Retry-After (delta-seconds or HTTP-date),
// retry-after-ms, and OpenAI-style x-ratelimit-reset-requests / -tokens ("1s", "6m0s",
// "250ms"). An explicit retry-after-ms / Retry-After wins; the reset hints count only without
// one (the longer of the two). nullopt when nothing is present or parsable.
#include "domain/time.hpp"

#include <optional>
#include <string_view>

namespace switchboard::domain {

struct rate_limit_headers {
    std::string_view retry_after;    // "2" or "Wed, 21 Oct 2015 07:28:00 GMT"
    std::string_view retry_after_ms; // "1500"
    std::string_view reset_requests; // "1s", "6m0s", "120ms"
    std::string_view reset_tokens;
};

// How long to wait from `wall_now` (the wall clock, needed for HTTP-dates). Capped at one day.
std::optional<duration> retry_delay(rate_limit_headers const& h, wall_time wall_now);

// "6m0s" / "1.5s" / "250ms" / "2h" (Go duration syntax) → duration.
std::optional<duration> parse_go_duration(std::string_view text);
// IMF-fixdate (RFC 9110), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<wall_time> parse_http_date(std::string_view text);

} // namespace switchboard::domain
