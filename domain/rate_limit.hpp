#pragma once
// Inbound rate limits: rules, which rules apply to a request, and the sliding-window-log
// decision every store applies atomically.
//
// Algorithm: a sliding window log. A limit of N per window W admits a request when fewer than
// N requests were admitted in the last W; only admitted requests are recorded. It is exact (at
// most N in any window of length W, across every instance sharing the store) at the price of
// one timestamp per admitted request (N at most). Burst behaviour: the whole N may be spent at
// once; after that, one request is admitted each time the oldest admitted one leaves the
// window, so Retry-After is "oldest + W - now".
#include "domain/time.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

enum class limit_scope { ip, key, tenant, global };
std::string_view scope_name(limit_scope s);
std::optional<limit_scope> parse_scope(std::string_view name); // the inverse of scope_name

// What a policy does when the shared store cannot answer in time.
enum class fail_mode { open, closed };
std::string_view fail_mode_name(fail_mode m);

// The one decision of every store-backed check (rate limits, quotas, budgets) when the shared
// store cannot answer: fail_closed refuses (503 store_unavailable); fail_open counts on this
// instance's own store when it has one (its share of the limit), else lets the call through
// uncounted.
enum class outage_action { refuse, count_locally, let_through };
outage_action on_store_outage(fail_mode mode, bool has_local_fallback);
// What one instance may count on its own when it counts locally: `fraction` of a limit, at least
// 1 (0 or less: unlimited, unchanged).
std::int64_t local_share(std::int64_t limit, double fraction);

struct rate_limit_rule {
    std::string route; // exact path; empty = every route that has no rule of its own for this scope
    limit_scope per = limit_scope::ip;
    std::int64_t requests = 60;
    milliseconds window{60'000};
    fail_mode on_store_error = fail_mode::open;
};

// /v1/chat/completions 60/min per IP, /v1/embeddings 30/min per IP, anything else 100/min per IP.
std::vector<rate_limit_rule> default_rate_limits();

// The rules that apply to `path`: for each scope, the rules naming this route if there are any,
// otherwise that scope's route-less rules.
std::vector<rate_limit_rule const*> rules_for(std::vector<rate_limit_rule> const& rules, std::string_view path);

struct window_decision {
    bool admitted = false;
    std::int64_t remaining = 0; // after this request
    duration reset{};           // until the oldest recorded request leaves the window (one more slot)
};

// The sliding-window-log decision on `log` (admission instants, oldest first), without
// recording: drops instants older than `window`, then decides.
window_decision peek_window(std::deque<time_point>& log, time_point now, std::int64_t limit, duration window);
// Records an admission decided by peek_window.
void record_admission(std::deque<time_point>& log, time_point now);

} // namespace switchboard::domain
