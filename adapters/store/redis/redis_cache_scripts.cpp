// The Lua scripts of the shared response cache (redis_cache_store.hpp has the key layout).
// An entry's index member is "<namespace>\t<tag,tag>\t<key>"; namespaces and tags are names of
// letters, digits, '-', '_', '.', ':' (domain/cache/cache_policy), so neither tab nor comma
// can appear inside one. The entry keys a script derives from its index share the index's hash
// tag: every key a script touches lives in one slot.
#include "adapters/store/redis/redis_scripts.hpp"

namespace switchboard::adapters::scripts {

redis_script const& cache_look() {
    static redis_script const s{"cache_look", R"lua(
local v = redis.call('GET', KEYS[1])
if v then return {1, v, redis.call('PTTL', KEYS[1])} end
local lease = tonumber(ARGV[1])
if lease > 0 and redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', lease) then return {2} end
return {0}
)lua"};
    return s;
}

redis_script const& cache_keep() {
    static redis_script const s{"cache_keep", R"lua(
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
redis.call('SADD', KEYS[3], ARGV[4])
if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end
-- A few members whose entries ended leave the index with each write: it tracks the live ones.
for _, m in ipairs(redis.call('SRANDMEMBER', KEYS[3], 3)) do
  local k = string.match(m, '[^\t]*$')
  if redis.call('EXISTS', ARGV[5] .. k) == 0 then redis.call('SREM', KEYS[3], m) end
end
return 1
)lua"};
    return s;
}

redis_script const& cache_release() {
    static redis_script const s{"cache_release", R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
)lua"};
    return s;
}

redis_script const& cache_clear() {
    static redis_script const s{"cache_clear", R"lua(
local ns, tag, prefix = ARGV[1], ARGV[2], ARGV[3]
local dropped = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local mns, mtags, k = string.match(m, '^([^\t]*)\t([^\t]*)\t(.*)$')
  if k then
    local in_ns = ns == '' or mns == ns or string.sub(mns, 1, #ns + 1) == ns .. '/'
    local tagged = tag == '' or string.find(',' .. mtags .. ',', ',' .. tag .. ',', 1, true)
    if in_ns and tagged then
      dropped = dropped + redis.call('DEL', prefix .. k)
      redis.call('SREM', KEYS[1], m)
    end
  end
end
return dropped
)lua"};
    return s;
}

redis_script const& cache_note_root() {
    static redis_script const s{"cache_note_root", R"lua(
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
)lua"};
    return s;
}

redis_script const& cache_note_clear() {
    static redis_script const s{"cache_note_clear", R"lua(
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return redis.call('INCR', KEYS[2])
)lua"};
    return s;
}

redis_script const& cache_changes() {
    static redis_script const s{"cache_changes", R"lua(
local n = tonumber(redis.call('GET', KEYS[2]) or '0')
local seen = tonumber(ARGV[1])
if n == seen then return {n, 1} end
if n < seen or n - seen > tonumber(ARGV[2]) then return {n, 0} end
local out = {n, 1}
for _, c in ipairs(redis.call('LRANGE', KEYS[1], 0, n - seen - 1)) do out[#out + 1] = c end
return out
)lua"};
    return s;
}

redis_script const& semantic_keep() {
    static redis_script const s{"semantic_keep", R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local t = redis.call('TIME')
local left = tonumber(ARGV[3]) - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
if left > 0 and redis.call('PTTL', KEYS[1]) < left then redis.call('PEXPIRE', KEYS[1], left) end
return 1
)lua"};
    return s;
}

} // namespace switchboard::adapters::scripts
