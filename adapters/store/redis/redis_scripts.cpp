// Lua sources. The quota checks mirror domain/quota.cpp (check_quota, crossed_thresholds).
// Numbers are Lua doubles: exact for integers below 2^53, which microsecond timestamps and token
// counts are.
//
// Windows: the gateway names a quota's day and month windows from its own clock
// (domain/calendar.hpp) and passes their keys with the day's bounds; the script checks the
// server's TIME against those bounds and, when the day is not the server's, answers {2, now}
// without touching anything, so the gateway names the windows again from the server's clock.
// Every key a quota script reads or writes for the current windows is thus one of its KEYS, as
// Redis Cluster asks (a slot being migrated is served right: -ASK or -TRYAGAIN, never a window
// counted from zero on the wrong shard); only a lease from an earlier window, given back by
// reap, names its window's keys itself (same hash tag, so same slot).
//
// Commands count: Redis runs one command at a time for every instance, so each command a script
// spares is capacity for the whole fleet. The quota scripts read each window hash once (HGETALL)
// into a table their reads go to, write what changed once per hash (one HSET, `flush`), and ask
// the server's clock once.
#include "adapters/store/redis/redis_scripts.hpp"

namespace switchboard::adapters::scripts {
namespace {

constexpr char const* quota_common = R"lua(
-- The server's clock, read once per script (TIME is {seconds, microseconds}).
local clock = nil
local function server_time()
  if clock == nil then clock = redis.call('TIME') end
  return clock
end
-- Each hash read once: its fields as numbers. Writes go to this copy and are marked, then written
-- by flush() with one HSET per hash (a script runs alone: nothing else moves the hash meanwhile).
local loaded, dirty = {}, {}
local function fields(key)
  local t = loaded[key]
  if t == nil then
    t = {}
    local flat = redis.call('HGETALL', key)
    for i = 1, #flat, 2 do t[flat[i]] = tonumber(flat[i + 1]) or 0 end
    loaded[key] = t
  end
  return t
end
local function field(key, name)
  return fields(key)[name] or 0
end
-- Whether the hash exists (a hash has at least one field), as EXISTS says.
local function live_key(key)
  return next(fields(key)) ~= nil
end
local function put(key, name, value)
  fields(key)[name] = value
  dirty[key] = dirty[key] or {}
  dirty[key][name] = true
end
local function flush()
  for key, names in pairs(dirty) do
    local args = {}
    for name in pairs(names) do
      table.insert(args, name)
      table.insert(args, string.format('%.0f', loaded[key][name]))
    end
    redis.call('HSET', key, unpack(args))
  end
  dirty = {}
end
-- The alert levels (percent, ascending, at most 5; domain::max_alert_levels), from the script's
-- last argument ("75,90,100"); level i of metric m is bit m * 5 + i of the window's 'al' mask.
local levels = {75, 90, 100}
local function read_levels(text)
  if text == nil or text == '' then return end
  levels = {}
  for p in string.gmatch(text, '%d+') do
    if #levels < 5 then table.insert(levels, tonumber(p)) end
  end
end
local function alerts(key, out, metric, counted, limit)
  if limit <= 0 then return end
  local mask = field(key, 'al')
  local before = mask
  for i = 1, #levels do
    local b = 2 ^ (metric * 5 + i - 1)
    if math.floor(mask / b) % 2 == 0 and counted * 100 >= limit * levels[i] then
      mask = mask + b
      table.insert(out, metric); table.insert(out, levels[i]); table.insert(out, counted); table.insert(out, limit)
    end
  end
  if mask ~= before then put(key, 'al', mask) end
end
-- Reservation leases: each reservation is a member of <base>:leases scored by its expiry (ms of
-- the server clock), its windows and amounts written in the member. A reservation whose settlement
-- never ran (the gateway gave up on a stalled store, or the reserve itself ran after the gateway
-- had stopped waiting for it) is given back by the subject's next reservation or snapshot.
local function now_ms()
  local t = server_time()
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The quota metrics in domain order (domain/quota.hpp): number, window ('d' day, 'm' month), the
-- used and reserved fields, and which part of a charge {req, tok, usd} it counts.
local metrics = {{0, 'd', 'ur', 'rr', 1}, {1, 'd', 'ut', 'rt', 2}, {2, 'm', 'ut', 'rt', 2},
                 {3, 'd', 'uu', 'ru', 3}, {4, 'm', 'uu', 'ru', 3}, {5, 'm', 'ur', 'rr', 1}}
local function give_back(base, day, month, charge)
  local keys = {d = base .. ':' .. day, m = base .. ':' .. month}
  local live = {d = live_key(keys.d), m = live_key(keys.m)}
  -- A window that has ended (its key expired) is left alone: never recreated without a TTL.
  -- (Each window's field appears once in the table: nothing is given back twice.)
  for _, m in ipairs(metrics) do
    local key = keys[m[2]]
    if live[m[2]] and charge[m[5]] ~= 0 then
      local v = field(key, m[4]) - charge[m[5]]
      if v < 0 then v = 0 end
      put(key, m[4], v)
    end
  end
end
-- A lease is one member of <base>:leases, "<id>|<day>|<month>|<requests>|<tokens>|<micro-dollars>":
-- what to give back travels in the member, so taking a lease is one ZADD and ending it one ZREM.
-- A member of the earlier layout (the id alone, its details in <base>:leases:d) is read the old
-- way until none is left.
local function lease_member(id, day, month, req, tok, usd)
  return id .. '|' .. day .. '|' .. month .. '|' .. req .. '|' .. tok .. '|' .. usd
end
-- "quota:{x}:leases" → "quota:{x}": the subject's base, which its window keys extend.
local function base_of(leases) return string.sub(leases, 1, -8) end
local function reap(leases)
  local base = base_of(leases)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now_ms(), 'LIMIT', 0, 256)
  if #expired == 0 then return end
  for _, member in ipairs(expired) do
    local d
    if string.find(member, '|', 1, true) then
      d = string.match(member, '^[^|]*|(.*)$')
    else
      d = redis.call('HGET', leases .. ':d', member)
      redis.call('HDEL', leases .. ':d', member)
    end
    if d then
      local day, month, req, tok, usd = string.match(d, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|?([^|]*)$')
      if day then give_back(base, day, month, {tonumber(req), tonumber(tok), tonumber(usd) or 0}) end
    end
  end
  redis.call('ZREM', leases, unpack(expired))
end
local function counted(key, m) return field(key, m[3]) + field(key, m[4]) end
local function all_alerts(keys, limits, live)
  local out = {}
  for _, m in ipairs(metrics) do
    if live == nil or live[m[2]] then alerts(keys[m[2]], out, m[1], counted(keys[m[2]], m), limits[m[1] + 1]) end
  end
  return out
end
)lua";

std::string with_quota_common(char const* body) {
    return std::string(quota_common) + body;
}

} // namespace

redis_script const& sliding_window() {
    static redis_script const s{"sliding_window", R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local first = now
if oldest[2] then first = tonumber(oldest[2]) end
if count >= limit then
  return {0, 0, math.ceil((first + window - now) / 1000)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, limit - count - 1, math.ceil((first + window - now) / 1000)}
)lua"};
    return s;
}

// KEYS: the day window, the month window, the leases. ARGV: charge (requests, tokens,
// micro-dollars), the six limits in metric order, the windows' retention, the lease id and its
// length in ms, the alert levels, the day's first second and the next day's, the month's end,
// the day and month names.
redis_script const& quota_reserve() {
    static redis_script const s{"quota_reserve", with_quota_common(R"lua(
local now = tonumber(server_time()[1])
local day_start, day_reset, month_reset = tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
if now < day_start or now >= day_reset then return {2, now} end
read_levels(ARGV[13])
reap(KEYS[3])
local day, month = ARGV[17], ARGV[18]
local keys = {d = KEYS[1], m = KEYS[2]}
local charge = {tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])}
local limits = {tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]),
                tonumber(ARGV[9])}
local retention = tonumber(ARGV[10])
local lease_id, lease_ms = ARGV[11], tonumber(ARGV[12])
local resets = {d = day_reset, m = month_reset}
-- A refusal reports what the refusing metric had counted before this call (used + reserved);
-- every threshold of that metric not yet reported is reported with it.
for _, m in ipairs(metrics) do
  local key, limit = keys[m[2]], limits[m[1] + 1]
  local c = counted(key, m)
  if limit > 0 and c + charge[m[5]] > limit then
    local out = {0, m[1], resets[m[2]], day, month, c}
    if live_key(key) then alerts(key, out, m[1], limit, limit) end
    flush()
    return out
  end
end
-- A window's hash gets its expiry when this call creates it (every writer of a window hash
-- creates it only here): one EXPIREAT per window, not one per call.
local fresh = {d = not live_key(keys.d), m = not live_key(keys.m)}
for _, key in ipairs({keys.d, keys.m}) do
  put(key, 'rr', field(key, 'rr') + charge[1])
  put(key, 'rt', field(key, 'rt') + charge[2])
  put(key, 'ru', field(key, 'ru') + charge[3])
end
flush() -- before the expiries: a new window's hash exists from here
if fresh.d then redis.call('EXPIREAT', keys.d, day_reset + retention) end
if fresh.m then redis.call('EXPIREAT', keys.m, month_reset + retention) end
-- The lease set empties and comes back as calls end and start: its expiry is set every time.
redis.call('ZADD', KEYS[3], now_ms() + lease_ms, lease_member(lease_id, day, month, ARGV[1], ARGV[2], ARGV[3]))
redis.call('EXPIREAT', KEYS[3], month_reset + retention)
local use = 0
for _, m in ipairs(metrics) do
  local limit = limits[m[1] + 1]
  if limit > 0 then use = math.max(use, counted(keys[m[2]], m) * 1000 / limit) end
end
local out = {1, -1, 0, day, month, math.floor(use)}
for _, v in ipairs(all_alerts(keys, limits)) do table.insert(out, v) end
flush()
return out
)lua")};
    return s;
}

// KEYS: the reservation's day window, month window, the leases. ARGV: the reservation's day and
// month, its charge (requests, tokens, micro-dollars), '1' with the actual usage (requests,
// tokens, micro-dollars) of a success, the six limits, the lease id, the alert levels.
redis_script const& quota_settle() {
    static redis_script const s{"quota_settle", with_quota_common(R"lua(
local keys = {d = KEYS[1], m = KEYS[2]}
local charge = {tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])}
local ok, used = ARGV[6] == '1', {tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])}
local limits = {tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]),
                tonumber(ARGV[15])}
local lease_id = ARGV[16]
read_levels(ARGV[17])
-- The reservation is given back only while its lease holds it: a lease already reaped (this
-- settlement ran late) or never taken (the reserve never ran) has nothing left to give back. An
-- expired lease not yet reaped is still this reservation's: removing it gives it back once.
-- (Other expired leases wait for the subject's next reservation, which reaps before it counts.)
local leases = KEYS[3]
if redis.call('ZREM', leases, lease_member(lease_id, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])) == 1 then
  give_back(base_of(leases), ARGV[1], ARGV[2], charge)
elseif redis.call('ZREM', leases, lease_id) == 1 then -- taken in the earlier layout
  redis.call('HDEL', leases .. ':d', lease_id)
  give_back(base_of(leases), ARGV[1], ARGV[2], charge)
end
-- A window that has ended (its key expired) is left alone: never recreated without a TTL.
local live = {d = live_key(keys.d), m = live_key(keys.m)}
if ok then
  for _, m in ipairs(metrics) do
    if live[m[2]] then
      local v = field(keys[m[2]], m[3]) + used[m[5]]
      if v < 0 then v = 0 end
      put(keys[m[2]], m[3], v)
    end
  end
end
local out = all_alerts(keys, limits, live)
flush()
return out
)lua")};
    return s;
}

// KEYS: the day window, the month window, the leases. ARGV: the day's first second and the next
// day's, the month's end, the day and month names.
redis_script const& quota_peek() {
    static redis_script const s{"quota_peek", with_quota_common(R"lua(
local now = tonumber(server_time()[1])
if now < tonumber(ARGV[1]) or now >= tonumber(ARGV[2]) then return {2, now} end
reap(KEYS[3])
local d, m = KEYS[1], KEYS[2]
local out = {ARGV[4], ARGV[5], field(d, 'ur'), field(d, 'ut'), field(d, 'uu'), field(d, 'rr'), field(d, 'rt'), field(d, 'ru'),
             field(d, 'al'), field(m, 'ut'), field(m, 'uu'), field(m, 'rt'), field(m, 'ru'), field(m, 'al'),
             tonumber(ARGV[2]), tonumber(ARGV[3]), field(m, 'ur'), field(m, 'rr')}
flush() -- what reap gave back
return out
)lua")};
    return s;
}

redis_script const& budget_reserve() {
    static redis_script const s{"budget_reserve", R"lua(
local tokens, share = tonumber(ARGV[1]), tonumber(ARGV[2])
local max_calls, max_tokens, max_usd = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local f = redis.call('HMGET', KEYS[1], 'calls', 'tokens', 'usd')
local calls, used, usd = tonumber(f[1] or '0'), tonumber(f[2] or '0'), tonumber(f[3] or '0')
if ARGV[7] ~= '1' then
  local function fits(v, limit) return limit <= 0 or v <= limit * share + 1e-9 end
  local ok = fits(calls + 1, max_calls) and fits(used + tokens, max_tokens) and (max_usd <= 0 or usd < max_usd * share)
  if not ok then return 0 end
end
-- Every write sets calls: the budget exists exactly when it has a count.
local fresh = not f[1]
redis.call('HSET', KEYS[1], 'calls', string.format('%.0f', calls + 1), 'tokens', string.format('%.0f', used + tokens))
if fresh then redis.call('EXPIRE', KEYS[1], ARGV[6]) end
return 1
)lua"};
    return s;
}

redis_script const& budget_adjust() {
    static redis_script const s{"budget_adjust", R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'calls', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'tokens', ARGV[2])
redis.call('HINCRBYFLOAT', KEYS[1], 'usd', ARGV[3])
return 1
)lua"};
    return s;
}

redis_script const& key_save() {
    static redis_script const s{"key_save", R"lua(
if ARGV[3] == '0' and redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('SADD', KEYS[3], ARGV[1]) end
redis.call('INCR', KEYS[2])
return 1
)lua"};
    return s;
}

redis_script const& refresh_start() {
    static redis_script const s{"refresh_start", R"lua(
redis.call('HSET', KEYS[1], 'key_id', ARGV[1], 'scopes', ARGV[2], 'current', ARGV[3], 'revoked', '0')
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
)lua"};
    return s;
}

redis_script const& refresh_rotate() {
    static redis_script const s{"refresh_rotate", R"lua(
local f = redis.call('HMGET', KEYS[1], 'key_id', 'scopes', 'current', 'revoked')
if not f[1] or f[4] == '1' then return {0, '', ''} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'revoked', '1')
  return {2, '', ''}
end
if f[3] ~= ARGV[1] then return {3, '', ''} end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
redis.call('HSET', KEYS[1], 'current', ARGV[2])
return {1, f[1], f[2]}
)lua"};
    return s;
}

// Mirrors domain/key_meter.cpp (token_cost_us, pace_tokens, repay_tokens). Microseconds of the
// server clock stay below 2^53: exact in Lua doubles.
constexpr char const* meter_common = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = 60000000
local function cost(tokens, per_minute)
  if per_minute <= 0 or tokens <= 0 then return 0 end
  return math.ceil(tokens * window / per_minute)
end
local function keep_tat(tat)
  if tat > now then
    redis.call('HSET', KEYS[1], 'tat', tat)
    redis.call('PEXPIRE', KEYS[1], math.ceil((tat - now) / 1000) + 1000)
  else
    redis.call('DEL', KEYS[1])
  end
end
)lua";

redis_script const& meter_acquire() {
    static redis_script const s{"meter_acquire", std::string(meter_common) + R"lua(
local tokens, per_minute, max_calls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lease, lease_ms = ARGV[4], tonumber(ARGV[5])
if max_calls > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= max_calls then return {1, 1000} end
end
if per_minute > 0 then
  if tokens > per_minute then return {3, 0} end
  local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
  local next = math.max(tat, now) + cost(tokens, per_minute)
  if next - now > window then return {2, math.ceil((next - now - window) / 1000)} end
  keep_tat(next)
end
if max_calls > 0 then
  redis.call('ZADD', KEYS[2], now + lease_ms * 1000, lease)
  redis.call('PEXPIRE', KEYS[2], lease_ms)
end
return {0, 0}
)lua"};
    return s;
}

redis_script const& meter_release() {
    static redis_script const s{"meter_release", std::string(meter_common) + R"lua(
local lease, estimate, used, per_minute = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREM', KEYS[2], lease)
if per_minute > 0 and estimate ~= used then
  local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
  if used < estimate then tat = tat - cost(estimate - used, per_minute) else tat = tat + cost(used - estimate, per_minute) end
  keep_tat(tat)
end
return 1
)lua"};
    return s;
}

redis_script const& webhook_save() {
    static redis_script const s{"webhook_save", R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
local extra = redis.call('ZCARD', KEYS[2]) - #gone - tonumber(ARGV[5])
if extra > 0 then
  for _, m in ipairs(redis.call('ZRANGE', KEYS[2], #gone, #gone + extra - 1)) do table.insert(gone, m) end
end
for _, m in ipairs(gone) do
  redis.call('HDEL', KEYS[1], m)
  redis.call('ZREM', KEYS[2], m)
end
return #gone
)lua"};
    return s;
}

std::vector<redis_script const*> all() {
    return {&sliding_window(), &quota_reserve(), &quota_settle(), &quota_peek(), &budget_reserve(),
            &budget_adjust(), &key_save(), &refresh_start(), &refresh_rotate(), &meter_acquire(), &meter_release(),
            &cache_look(), &cache_keep(), &cache_release(), &cache_clear(), &cache_note_root(), &cache_note_clear(),
            &cache_changes(), &semantic_keep(), &webhook_save()};
}

} // namespace switchboard::adapters::scripts
