#!/usr/bin/env bash
# Redis's capacity for gateway requests: how many a second one Redis core carries, with the whole
# policy stack on the Redis store (the stack of redis_commands.sh: an inbound limit, the tenant's
# quota, an API key with its own limits and budget, a per-request budget).
#
# The commands of one chat call are recorded (MONITOR: the top-level commands; what the scripts
# run inside Redis is counted by Redis with them), then replayed N times, pipelined
# (`redis-cli --pipe`, on the other CPU), against the same Redis: Redis is the bottleneck, so its
# CPU time per replayed call is its cost per gateway request at saturation, and 1 s divided by it
# is how many gateway requests one Redis core carries.
# With leases (LEASES=32: store.leases.calls) one call is not every call: a lease serves many, so
# the commands of all the calls `wrk -c8` makes in 2 s are recorded instead (the leases, their
# settlements and give-backs with them) and replayed until CALLS gateway requests' worth have run.
#
#   load-tests/redis_capacity.sh [CALLS]    (default 50000; SWITCHBOARD_BIN or build/server/switchboard)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-50000}
REDIS_CPU=0 source load-tests/redis_stack.sh
call() { curl -s -o /dev/null -H 'content-type: application/json' -H "authorization: Bearer $key" \
              -H "x-budget-id: capacity-run" -d '{"model":"m","messages":[{"role":"user","content":"hi"}]}' \
              "http://127.0.0.1:$gateway_port/v1/chat/completions"; }
for _ in $(seq 5); do call; done # scripts loaded, windows created
sleep 0.5
redis-cli -p "$redis_port" monitor > "$work/monitor.txt" & monitor=$!
sleep 0.3
recorded=1
if [ "${LEASES:-1}" -gt 1 ]; then
  write_post_lua capacity-run
  recorded=$(wrk -t1 -c8 -d2s -s "$work/post.lua" "http://127.0.0.1:$gateway_port/v1/chat/completions" |
             awk '/requests in/ {print $1}')
  sleep 1.5 # the leases' hold: their settlements and give-backs are part of the calls' cost
else
  call
  sleep 0.5 # the settlement follows the answer
fi
kill "$monitor"; wait "$monitor" 2>/dev/null || true
# One call's scripts (EVALSHA and EVAL only: the gateway's health reads are not per request),
# as RESP, repeated CALLS times.
python3 - "$work/monitor.txt" "$calls" "$recorded" > "$work/replay.resp" <<'PY'
import re, sys
def unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == '\\':
            n = s[i + 1]
            if n == 'x': out.append(int(s[i + 2:i + 4], 16)); i += 4; continue
            out += {'n': b'\n', 'r': b'\r', 't': b'\t', 'a': b'\a', 'b': b'\b'}.get(n, n.encode()); i += 2; continue
        out += c.encode(); i += 1
    return bytes(out)
commands = []
for line in open(sys.argv[1], encoding='latin-1'):
    args = [unescape(a) for a in re.findall(r'"((?:[^"\\]|\\.)*)"', line)]
    # A call's scripts; the cache's feed polls (sbc:{clears}, sbs:{feed}) run on a timer, not per call.
    # (ZREM: a rate-limit lease's give-back before 06eb5c2; now a script.)
    if args and args[0].upper() in (b'EVALSHA', b'EVAL', b'ZREM') and not (len(args) > 3 and args[3].endswith(b'{clears}') or
                                                                            len(args) > 3 and args[3].endswith(b'{feed}')):
        commands.append(args)
resp = b''.join(b'*%d\r\n' % len(a) + b''.join(b'$%d\r\n%s\r\n' % (len(x), x) for x in a) for a in commands)
recorded = int(sys.argv[3])
sys.stderr.write('%.2f commands per call (%d calls recorded)\n' % (len(commands) / recorded, recorded))
scripts = sum(1 for a in commands if a[0].upper() in (b'EVALSHA', b'EVAL'))
open(sys.argv[1] + '.per-call', 'w').write('%f' % (scripts / recorded)) # scripts per gateway request
# SLOWLOG's sample below: about 1,000 calls' worth of whole commands.
per_call = len(commands) / recorded
sample = commands * max(1, round(1000 / recorded)) if recorded < 1000 else commands[:round(1000 * per_call)]
open(sys.argv[1] + '.sample', 'wb').write(
    b''.join(b'*%d\r\n' % len(a) + b''.join(b'$%d\r\n%s\r\n' % (len(x), x) for x in a) for a in sample))
out = sys.stdout.buffer
repeats = max(1, round(int(sys.argv[2]) / recorded))
open(sys.argv[1] + '.replayed', 'w').write(str(repeats * recorded))
for _ in range(repeats): out.write(resp)
PY
cpu() { redis-cli -p "$redis_port" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {t += $2} END {printf "%.6f", t}'; }
before=$(cpu); start=$(date +%s.%N)
taskset -c 1 redis-cli -p "$redis_port" --pipe < "$work/replay.resp" > "$work/pipe.txt"
end=$(date +%s.%N); after=$(cpu)
tail -1 "$work/pipe.txt"
calls=$(cat "$work/monitor.txt.replayed") # gateway requests' worth replayed
awk -v n="$calls" -v cpu="$(echo "$after - $before" | bc)" -v wall="$(echo "$end - $start" | bc)" 'BEGIN {
  printf "%d calls replayed in %.2f s: Redis CPU %.1f us per gateway request (user + sys); one Redis core carries %.0f gateway requests a second\n",
         n, wall, cpu * 1e6 / n, n / cpu }'
# Each script's own cost: SLOWLOG keeps every command of a shorter replay (1,000 calls) with its
# duration — the scripts and, since Redis 7, the commands they run, ~70 entries a call — and the
# scripts are told apart by their first key and their number of arguments.
cp "$work/monitor.txt.sample" "$work/sample.resp"
redis-cli -p "$redis_port" config set slowlog-max-len 200000 > /dev/null
redis-cli -p "$redis_port" config set slowlog-log-slower-than 0 > /dev/null
redis-cli -p "$redis_port" slowlog reset > /dev/null
taskset -c 1 redis-cli -p "$redis_port" --pipe < "$work/sample.resp" > /dev/null
python3 - "$redis_port" "$(cat "$work/monitor.txt.per-call")" <<'PY'
import socket, sys, statistics, collections
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
f = s.makefile('rb')
def read():
    line = f.readline().rstrip(b'\r\n'); t, rest = line[:1], line[1:]
    if t == b'*': return [read() for _ in range(int(rest))] if int(rest) >= 0 else None
    if t == b'$': n = int(rest); return None if n < 0 else f.read(n + 2)[:-2]
    if t == b':': return int(rest)
    return rest
s.sendall(b'*3\r\n$7\r\nSLOWLOG\r\n$3\r\nGET\r\n$6\r\n200000\r\n')
costs = collections.defaultdict(list)
for entry in read():
    args = entry[3]
    if not args or args[0].upper() not in (b'EVALSHA', b'EVAL') or len(args) < 4: continue
    key = args[3].decode('latin-1')
    label = key.split('{')[0] + '{} ' + str(len(args) - 3 - int(args[2])) + ' args'
    costs[label].append(entry[2])
for label, us in sorted(costs.items()):
    print('  %-28s median %5.1f us inside Redis (%d calls)' % (label, statistics.median(us), len(us)))
requests = sum(len(us) for us in costs.values()) / float(sys.argv[2])
print('  scripts of one gateway request: %.1f us inside Redis (each script at its median, as often as a request runs it)' %
      sum(statistics.median(us) * len(us) / requests for us in costs.values()))
PY
redis-cli -p "$redis_port" config set slowlog-log-slower-than 10000 > /dev/null
