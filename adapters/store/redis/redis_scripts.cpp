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
-- The quota metrics in domain order (domain/quota.hpp), 1-based: each one's window ('d' day,
-- 'm' month) and field: a window is {used requests, tokens, micro-dollars, reserved requests,
-- tokens, micro-dollars, alert mask}, so metric i counts fields F[i] and F[i] + 3, and F[i] is
-- also the part of a charge {requests, tokens, micro-dollars} it counts.
local W = {'d', 'd', 'm', 'd', 'm', 'm'}
local F = {1, 2, 2, 3, 3, 1}
local NAMES = {'ur', 'ut', 'uu', 'rr', 'rt', 'ru', 'al'}
local function num(v) return string.format('%.0f', v) end
-- A window's seven fields as numbers (absent: 0); `live` when the hash exists.
local function read_window(key)
  local v = redis.call('HMGET', key, 'ur', 'ut', 'uu', 'rr', 'rt', 'ru', 'al')
  local live = false
  for i = 1, 7 do
    if v[i] then live = true; v[i] = tonumber(v[i]) or 0 else v[i] = 0 end
  end
  v.live, v.mask = live, v[7]
  return v
end
-- Writes fields `from`..6 of a window, and its alert mask when an alert was marked.
local function write_window(key, v, from)
  local args = {}
  for i = from, 6 do args[#args + 1] = NAMES[i]; args[#args + 1] = num(v[i]) end
  if v[7] ~= v.mask then args[#args + 1] = 'al'; args[#args + 1] = num(v[7]) end
  redis.call('HSET', key, unpack(args))
end
-- The alert levels (percent, ascending, at most 5; domain::max_alert_levels) from "75,90,100";
-- level j of metric i (0-based) is bit i * 5 + j - 1 of the window's alert mask.
local function read_levels(text)
  if text == nil or text == '' then return {75, 90, 100} end
  local levels = {}
  for p in string.gmatch(text, '%d+') do
    if #levels < 5 then levels[#levels + 1] = tonumber(p) end
  end
  return levels
end
-- Appends to `out` (metric, percent, counted, limit) each level of metric i that `counted` of
-- `limit` reaches for the first time in window v, and marks it there.
local function alert(levels, v, out, i, counted, limit)
  for j = 1, #levels do
    local b = 2 ^ (i * 5 + j - 1)
    if math.floor(v[7] / b) % 2 == 0 and counted * 100 >= limit * levels[j] then
      v[7] = v[7] + b
      out[#out + 1] = i; out[#out + 1] = levels[j]; out[#out + 1] = counted; out[#out + 1] = limit
    end
  end
end
-- Every limited metric's alerts over the live windows (limits: ARGV from `first`, metric order).
local function all_alerts(levels, win, out, first)
  for i = 1, 6 do
    local limit, v = tonumber(ARGV[first + i - 1]), win[W[i]]
    if limit > 0 and v.live then alert(levels, v, out, i - 1, v[F[i]] + v[F[i] + 3], limit) end
  end
end
-- A lease is one member of the subject's lease set, "<id>|<day>|<month>|<requests>|<tokens>|
-- <micro-dollars>", scored by its expiry (ms of the server clock): what to give back travels in
-- the member, so taking a lease is one ZADD and ending it one ZREM. A member of the earlier
-- layout (the id alone, its details in <leases>:d) is read the old way until none is left.
-- Reaping gives back the reservations whose settlement never ran (the gateway gave up on a
-- stalled store, or the reserve ran after it had stopped waiting); an ended window (its hash
-- gone) is left alone, never recreated without a TTL.
local function reap(leases, now_ms)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now_ms, 'LIMIT', 0, 256)
  if #expired == 0 then return end
  local base, back = string.sub(leases, 1, -8), {}
  local function add(key, req, tok, usd)
    local b = back[key] or {0, 0, 0}
    back[key] = {b[1] + req, b[2] + tok, b[3] + usd}
  end
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
      if day then
        req, tok, usd = tonumber(req) or 0, tonumber(tok) or 0, tonumber(usd) or 0
        add(base .. ':' .. day, req, tok, usd)
        add(base .. ':' .. month, req, tok, usd)
      end
    end
  end
  for key, b in pairs(back) do
    local v = redis.call('HMGET', key, 'rr', 'rt', 'ru')
    if v[1] or v[2] or v[3] then
      redis.call('HSET', key, 'rr', num(math.max(0, (tonumber(v[1]) or 0) - b[1])),
                 'rt', num(math.max(0, (tonumber(v[2]) or 0) - b[2])), 'ru', num(math.max(0, (tonumber(v[3]) or 0) - b[3])))
    end
  end
  redis.call('ZREM', leases, unpack(expired))
end
-- The server's clock: {seconds, ms}.
local function server_now()
  local t = redis.call('TIME')
  local s = tonumber(t[1])
  return s, s * 1000 + math.floor(tonumber(t[2]) / 1000)
end
)lua";

std::string with_quota_common(char const* body) {
    return std::string(quota_common) + body;
}

} // namespace

// All or nothing over the windows of one hash tag: nothing is written unless every window admits.
// KEYS: the windows. ARGV: each window's limit and length (ms), then the admissions to record, the
// ms from now they are counted at (a lease's hold; 0 for a call), the member (a lease's n members
// are member#1 to member#n).
// A window's log holds one member per admission ("<id>") or per lease ("<id>*<n>": n admissions
// made at once), scored by when they count as made; its counter key holds the admissions the log
// holds. A log without its counter (first use, or written before counters) is counted once.
constexpr char const* window_common = R"lua(
local function weight(m)
  local n = string.match(m, '%*(%d+)$')
  return n and tonumber(n) or 1
end
-- The admissions the log holds once those made at `cutoff` or before are out, and its oldest
-- member's score (nil when empty).
local function logged(key, total_key, cutoff)
  local total = tonumber(redis.call('GET', total_key) or '-1')
  if total < 0 then
    total = 0
    for _, m in ipairs(redis.call('ZRANGE', key, 0, -1)) do total = total + weight(m) end
    local ttl = redis.call('PTTL', key)
    if total > 0 and ttl > 0 then redis.call('SET', total_key, total, 'PX', ttl) elseif total > 0 then redis.call('SET', total_key, total) end
  end
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if oldest[2] and tonumber(oldest[2]) <= cutoff then
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', cutoff)) do total = total - weight(m) end
    redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
    if total > 0 then redis.call('SET', total_key, total, 'KEEPTTL') else redis.call('DEL', total_key) end
    oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  end
  return total, oldest[2] and tonumber(oldest[2])
end
)lua";

redis_script const& sliding_windows() {
    static redis_script const s{"sliding_windows", std::string(window_common) + R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n, hold, member = tonumber(ARGV[#ARGV - 2]), tonumber(ARGV[#ARGV - 1]), ARGV[#ARGV]
local at = now + hold * 1000
if n > 1 then member = member .. '*' .. n end
local counts, resets, all = {}, {}, true
local windows = #KEYS / 2
for i = 1, windows do
  local key, limit, window = KEYS[2 * i - 1], tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i]) * 1000
  local count, oldest = logged(key, KEYS[2 * i], now - window)
  counts[i] = count
  resets[i] = math.ceil(((oldest or now) + window - now) / 1000)
  if counts[i] + n > limit then all = false end
end
local out = {all and 1 or 0}
for i = 1, windows do
  local limit = tonumber(ARGV[2 * i - 1])
  if all then
    local ttl = tonumber(ARGV[2 * i]) + hold
    redis.call('ZADD', KEYS[2 * i - 1], at, member)
    redis.call('PEXPIRE', KEYS[2 * i - 1], ttl)
    redis.call('INCRBY', KEYS[2 * i], n)
    redis.call('PEXPIRE', KEYS[2 * i], ttl)
  end
  out[#out + 1] = counts[i] + n <= limit and 1 or 0
  out[#out + 1] = math.max(0, limit - counts[i] - (all and n or 0))
  out[#out + 1] = resets[i]
end
return out
)lua"};
    return s;
}

// A lease's unused admissions out of every window: its member of n becomes one of `used` (none
// when 0) at the same time, and the counters drop. A member already gone (its window passed)
// was counted out with it.
redis_script const& window_give_back() {
    static redis_script const s{"window_give_back", std::string(window_common) + R"lua(
local member, n, used = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local name = n > 1 and (member .. '*' .. n) or member
for i = 1, #KEYS / 2 do
  local key, total_key = KEYS[2 * i - 1], KEYS[2 * i]
  local score = redis.call('ZSCORE', key, name)
  if score then
    redis.call('ZREM', key, name)
    if used > 0 then redis.call('ZADD', key, score, member .. '*' .. used) end
    if tonumber(redis.call('DECRBY', total_key, n - used)) <= 0 then redis.call('DEL', total_key) end
  end
end
return 1
)lua"};
    return s;
}

// KEYS: the day window, the month window, the leases. ARGV: charge (requests, tokens,
// micro-dollars), the six limits in metric order, the windows' retention, the lease id and its
// length in ms, the alert levels, the day's first second and the next day's, the month's end,
// the day and month names, '0' when a refusal reports no threshold (a quota lease's).
redis_script const& quota_reserve() {
    static redis_script const s{"quota_reserve", with_quota_common(R"lua(
local now, now_ms = server_now()
local day_reset, month_reset = tonumber(ARGV[15]), tonumber(ARGV[16])
if now < tonumber(ARGV[14]) or now >= day_reset then return {2, now} end
local levels = read_levels(ARGV[13])
reap(KEYS[3], now_ms)
local day, month = ARGV[17], ARGV[18]
local win = {d = read_window(KEYS[1]), m = read_window(KEYS[2])}
local charge = {tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])}
-- A refusal reports what the refusing metric had counted before this call (used + reserved);
-- every threshold of that metric not yet reported is reported with it.
for i = 1, 6 do
  local limit, v, f = tonumber(ARGV[3 + i]), win[W[i]], F[i]
  local counted = v[f] + v[f + 3]
  if limit > 0 and counted + charge[f] > limit then
    local out = {0, i - 1, W[i] == 'd' and day_reset or month_reset, day, month, counted}
    if v.live and ARGV[19] ~= '0' then
      alert(levels, v, out, i - 1, limit, limit)
      if v[7] ~= v.mask then redis.call('HSET', W[i] == 'd' and KEYS[1] or KEYS[2], 'al', num(v[7])) end
    end
    return out
  end
end
local fresh_d, fresh_m = not win.d.live, not win.m.live
for _, v in pairs(win) do
  for f = 1, 3 do v[f + 3] = v[f + 3] + charge[f] end
  v.live = true
end
local out, use = {1, -1, 0, day, month, 0}, 0
for i = 1, 6 do
  local limit = tonumber(ARGV[3 + i])
  if limit > 0 then
    local v = win[W[i]]
    use = math.max(use, (v[F[i]] + v[F[i] + 3]) * 1000 / limit)
  end
end
out[6] = math.floor(use)
all_alerts(levels, win, out, 4)
write_window(KEYS[1], win.d, 4)
write_window(KEYS[2], win.m, 4)
-- A window's hash gets its expiry when this call creates it (every writer of a window hash
-- creates it only here): one EXPIREAT per window, not one per call.
local retention = tonumber(ARGV[10])
if fresh_d then redis.call('EXPIREAT', KEYS[1], day_reset + retention) end
if fresh_m then redis.call('EXPIREAT', KEYS[2], month_reset + retention) end
-- The lease set empties and comes back as calls end and start: its expiry is set every time.
redis.call('ZADD', KEYS[3], now_ms + tonumber(ARGV[12]),
           ARGV[11] .. '|' .. day .. '|' .. month .. '|' .. ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3])
redis.call('EXPIREAT', KEYS[3], month_reset + retention)
return out
)lua")};
    return s;
}

// KEYS: the reservation's day window, month window, the leases. ARGV: the reservation's day and
// month, its charge (requests, tokens, micro-dollars), '1' with the actual usage (requests,
// tokens, micro-dollars) of a success, the six limits, the lease id, the alert levels.
redis_script const& quota_settle() {
    static redis_script const s{"quota_settle", with_quota_common(R"lua(
local levels = read_levels(ARGV[17])
-- The reservation is given back only while its lease holds it: a lease already reaped (this
-- settlement ran late) or never taken (the reserve never ran) has nothing left to give back. An
-- expired lease not yet reaped is still this reservation's: removing it gives it back once.
-- (Other expired leases wait for the subject's next reservation, which reaps before it counts.)
local lease_id = ARGV[16]
local member = lease_id .. '|' .. ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5]
local held = redis.call('ZREM', KEYS[3], member) == 1
if not held and redis.call('ZREM', KEYS[3], lease_id) == 1 then -- taken in the earlier layout
  redis.call('HDEL', KEYS[3] .. ':d', lease_id)
  held = true
end
local ok = ARGV[6] == '1'
local charge = {tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])}
local used = {tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])}
local win = {d = read_window(KEYS[1]), m = read_window(KEYS[2])}
-- A window that has ended (its key expired) is left alone: never recreated without a TTL.
for _, v in pairs(win) do
  if v.live then
    for f = 1, 3 do
      if held then v[f + 3] = math.max(0, v[f + 3] - charge[f]) end
      if ok then v[f] = math.max(0, v[f] + used[f]) end
    end
  end
end
local out = {}
all_alerts(levels, win, out, 10)
if win.d.live and (held or ok or win.d[7] ~= win.d.mask) then write_window(KEYS[1], win.d, 1) end
if win.m.live and (held or ok or win.m[7] ~= win.m.mask) then write_window(KEYS[2], win.m, 1) end
return out
)lua")};
    return s;
}

// KEYS: the day window, the month window, the leases. ARGV: the day's first second and the next
// day's, the month's end, the day and month names.
redis_script const& quota_peek() {
    static redis_script const s{"quota_peek", with_quota_common(R"lua(
local now, now_ms = server_now()
if now < tonumber(ARGV[1]) or now >= tonumber(ARGV[2]) then return {2, now} end
reap(KEYS[3], now_ms)
local d, m = read_window(KEYS[1]), read_window(KEYS[2])
return {ARGV[4], ARGV[5], d[1], d[2], d[3], d[4], d[5], d[6], d[7], m[2], m[3], m[5], m[6], m[7],
        tonumber(ARGV[2]), tonumber(ARGV[3]), m[1], m[4]}
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
-- Only the counts that change (a success keeps its call: calls 0; an estimate that was right: tokens 0).
if ARGV[1] ~= '0' then redis.call('HINCRBY', KEYS[1], 'calls', ARGV[1]) end
if ARGV[2] ~= '0' then redis.call('HINCRBY', KEYS[1], 'tokens', ARGV[2]) end
if tonumber(ARGV[3]) ~= 0 then redis.call('HINCRBYFLOAT', KEYS[1], 'usd', ARGV[3]) end
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

// A lease of slots and tokens, all or nothing; the use it leaves, in thousandths.
redis_script const& meter_lease() {
    static redis_script const s{"meter_lease", std::string(meter_common) + R"lua(
local slots, tokens, per_minute, max_calls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local member, lease_ms, below, first = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]) / 1000, tonumber(ARGV[8])
local in_use, use = 0, 0
if slots > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  in_use = redis.call('ZCARD', KEYS[2])
  use = (in_use + slots) / max_calls
  if use >= below then return {1, 1000} end
end
if tokens > 0 then
  local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
  local next = math.max(tat, now) + cost(tokens, per_minute)
  if (next - now) / window >= below then return {2, 1000} end
  keep_tat(next)
  use = math.max(use, (next - now) / window)
end
if slots > 0 then
  local args, ends = {}, now + lease_ms * 1000
  for i = 1, slots do
    args[2 * i - 1] = ends
    args[2 * i] = member .. '#' .. (first + i - 1)
  end
  redis.call('ZADD', KEYS[2], unpack(args))
  redis.call('PEXPIRE', KEYS[2], lease_ms)
end
return {0, math.floor(use * 1000)}
)lua"};
    return s;
}

redis_script const& meter_give_back() {
    static redis_script const s{"meter_give_back", std::string(meter_common) + R"lua(
local member, first, last = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens, per_minute = tonumber(ARGV[4]), tonumber(ARGV[5])
if first <= last then
  local members = {}
  for i = first, last do members[#members + 1] = member .. '#' .. i end
  redis.call('ZREM', KEYS[2], unpack(members))
end
if per_minute > 0 and tokens ~= 0 then
  local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
  if tokens > 0 then tat = tat - cost(tokens, per_minute) else tat = tat + cost(-tokens, per_minute) end
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
    return {&sliding_windows(), &window_give_back(), &quota_reserve(), &quota_settle(), &quota_peek(), &budget_reserve(),
            &budget_adjust(), &key_save(), &refresh_start(), &refresh_rotate(), &meter_acquire(), &meter_release(),
            &meter_lease(), &meter_give_back(),
            &cache_look(), &cache_keep(), &cache_release(), &cache_clear(), &cache_note_root(), &cache_note_clear(),
            &cache_changes(), &semantic_keep(), &webhook_save()};
}

} // namespace switchboard::adapters::scripts
