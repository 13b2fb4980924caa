#pragma once
// What the response cache may do with one call: read an answer, store one, for how long, in which
// namespace, under which tags. Policy per model group (config) meets the client's control per
// request (headers). Pure.
//
// Deterministic requests (temperature 0) are cached where the group's cache is on; others only
// where the group or the client opts in (`nondeterministic: true`, or a client TTL): a sampled
// answer served again is a choice, never a default.
// Headers: `Cache-Control: no-cache` (do not read), `no-store` (do not write);
// `x-switchboard-cache-ttl` (seconds, at most the group's TTL), `x-switchboard-cache-namespace`,
// `x-switchboard-cache-tags` (comma-separated). Errors name the header (invalid_request).
#include "domain/chat_request.hpp"
#include "domain/errors.hpp"
#include "domain/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::domain {

struct cache_settings {
    bool enabled = true;
    seconds ttl = std::chrono::hours(24 * 7);
    bool nondeterministic = false; // cache sampled answers (temperature > 0) too
    bool fallback_answers = false; // an answer of a fallback deployment may stand for the group
    bool semantic = false;         // a paraphrase's answer may stand for a prompt (cache.similarity)
};

struct cache_control {
    bool no_read = false;  // Cache-Control: no-cache
    bool no_store = false; // Cache-Control: no-store
    std::optional<seconds> ttl;
    std::string cache_namespace; // empty: the tenant's
    std::vector<std::string> tags;
    std::optional<bool> semantic; // x-switchboard-cache-semantic: on | off (absent: the group's)
};

// Headers as received (empty when absent).
result<cache_control> parse_cache_control(std::string_view cache_control_header, std::string_view ttl,
                                          std::string_view cache_namespace, std::string_view tags,
                                          std::string_view semantic = {});

// temperature 0 (or top_p 0): the model is asked for its single most likely answer.
bool deterministic(chat_request const& r);

struct cache_plan {
    bool read = false;
    bool write = false;
    seconds ttl{};
    std::string cache_namespace;
    std::vector<std::string> tags;
    bool semantic = false; // also look for (and keep) the answer of a paraphrase
    bool any() const { return read || write; }
};

// `shared_namespace`: configured to share entries across tenants (empty: each tenant its own).
// `pressed`: the gateway is under pressure (degraded or critical) and the call is P1 or P2 — seed
// 003's "cache, then the model" (P1) and "cache, then skip" (P2): the cache is read even for a
// sampled request it would not read otherwise, and the semantic cache is asked too where it is
// configured: exact, then semantic (an answer kept for a like request beats a refusal). The
// client's no-cache and semantic: off still win; nothing more is written.
cache_plan plan_cache(cache_settings const& settings, cache_control const& control, chat_request const& request,
                      std::string_view tenant, std::string_view shared_namespace = {}, bool pressed = false);

} // namespace switchboard::domain
