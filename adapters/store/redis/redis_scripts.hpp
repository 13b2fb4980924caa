#pragma once
// The Lua scripts of the Redis stores. Each runs atomically on the server and reads the
// server's clock (TIME), so windows and calendar days are the same for every instance whatever
// their own clocks say. Keys carry a hash tag ({...}) and a script touches only keys of one tag,
// so every script runs on Redis Cluster. Every key a script writes gets a TTL.
#include "adapters/store/redis/redis_connection.hpp"

#include <vector>

namespace switchboard::adapters::scripts {

// Sliding window logs of one hash tag, all or nothing. KEYS per window: its log (ZSET of
// admissions, one member "<id>" or, for a lease of n, "<id>*<n>") and its counter; ARGV limit and
// window ms of each, then the admissions, the hold ms and the unique member. → {written 0/1, then
// per window: admits 0/1, remaining (after this request if written, else the room it has), reset ms}
redis_script const& sliding_windows();
// A lease's unused admissions given back. KEYS as above; ARGV member, admissions, used. → 1
redis_script const& window_give_back();
// The quota scripts' KEYS: the subject's day window "quota:{subject}:<YYYY-MM-DD>", its month
// window "quota:{subject}:<YYYY-MM>", its leases "quota:{subject}:leases". Reserve and peek are
// given the day's bounds and answer {2, server now} (nothing done) when TIME is outside them.
// Quota reservation. ARGV requests, tokens, micro-dollars, the six limits (metric order),
// retention s, lease id, lease ms, alert levels, day start, day end, month end, day, month.
// → {admitted, refused metric or -1, reset unix s, day, month, use in per mille (refused:
// counted), alerts as metric, percent, counted, limit ...}
redis_script const& quota_reserve();
// Quota settlement. ARGV day, month, reserved requests, tokens, micro-dollars, success 0/1,
// actual requests, tokens, micro-dollars, the six limits, lease id, alert levels. → alerts
redis_script const& quota_settle();
// Quota snapshot. ARGV day start, day end, month end, day, month.
// → {day, month, day fields..., month fields..., day reset, month reset}
redis_script const& quota_peek();
// Budget reservation (domain::decide). KEYS[1] "budget:{id}"; ARGV tokens, share, max calls,
// max tokens, max usd, ttl s, p0 0/1 → {admitted}
redis_script const& budget_reserve();
// Budget reconciliation. KEYS[1]; ARGV calls, tokens, usd deltas (only if the budget exists).
redis_script const& budget_adjust();

// Key meter claim (domain/key_meter.hpp). KEYS[1] "meter:{key:<id>}" (HASH tat), KEYS[2] its
// leases (ZSET scored by end µs); ARGV tokens, tokens/minute, max concurrent, lease id, lease ms.
// → {0 admitted | 1 calls | 2 tokens | 3 never, retry after ms}
redis_script const& meter_acquire();
// Key meter release. KEYS as above; ARGV lease id, estimate, used tokens, tokens/minute. → 1
redis_script const& meter_release();
// Key meter lease (domain/meter_lease.hpp). KEYS as above; ARGV slots, tokens, tokens/minute, max
// concurrent, member prefix, lease ms, the use (thousandths) each limit must stay below, first
// slot (members #first..#first+slots-1).
// → {0 admitted | 1 calls | 2 tokens, use in thousandths}
redis_script const& meter_lease();
// A meter lease's give-back. KEYS as above; ARGV member prefix, first slot, last slot, tokens
// (negative: counted), tokens/minute. → 1
redis_script const& meter_give_back();

// Key record write. KEYS[1] records hash, KEYS[2] revision, KEYS[3] set of revoked ids; ARGV id,
// record, revoked 0/1. A revoked id is never written back as not revoked. → 1 written, 0 refused
redis_script const& key_save();

// Refresh family start. KEYS[1] family; ARGV key id, scopes, token hash, ttl s.
redis_script const& refresh_start();
// Refresh rotation. KEYS[1] family, KEYS[2] its spent set; ARGV presented hash, next hash.
// → {1 rotated | 2 reused (family revoked) | 3 unknown | 0 revoked or gone, key id, scopes}
redis_script const& refresh_rotate();

// The shared response cache (redis_cache_store.hpp).
// Look. KEYS[1] entry, KEYS[2] lease; ARGV lease ms (0: do not take it), lease id.
// → {1, entry, ms left} | {2} (no entry, lease taken) | {0} (no entry)
redis_script const& cache_look();
// Keep. KEYS[1] entry, KEYS[2] lease, KEYS[3] index; ARGV entry, ttl ms, lease id, index member,
// entry key prefix. → 1
redis_script const& cache_keep();
// Lease release. KEYS[1] lease; ARGV lease id. → 1
redis_script const& cache_release();
// Clear. KEYS[1] index; ARGV namespace ('' any), tag ('' any), entry key prefix. → dropped
redis_script const& cache_clear();
// KEYS[1] the set of namespace roots; ARGV root, ttl ms (the set lives as long as its longest entry). → 1
redis_script const& cache_note_root();
// KEYS[1] clear log (LIST, newest first), KEYS[2] its count; ARGV "<ns>\t<tag>", log length. → count
redis_script const& cache_note_clear();
// A log's notes since a count. KEYS as above; ARGV count seen, log length.
// → {count, 1, notes newest first...} | {count, 0} (too many, or the count went back)
redis_script const& cache_changes();

// Semantic entry keep. KEYS[1] "sbs:{<root>}" (HASH key → record); ARGV key, record, expiry unix ms. → 1
// (Its feed is logged with cache_note_clear and read with cache_changes on the feed's keys.)
redis_script const& semantic_keep();

// Webhook deliveries (redis_webhook_store.hpp). KEYS: the records hash, the index. ARGV: the
// record's member, its JSON, its creation (Unix ms), the oldest creation kept, the most records.
redis_script const& webhook_save();

std::vector<redis_script const*> all();

} // namespace switchboard::adapters::scripts
