#!/usr/bin/env bash
# Side-by-side benchmark on this machine: the same load straight to a mock upstream ("direct"),
# through an nginx proxy_pass ("nginx", the floor for one proxy hop) and through switchboard
# (Release build, default policy stack: an inbound limit and tenant quotas with room, breakers,
# metrics, one JSON log line per request) and switchboard with the Redis store ("sb+redis").
#
#   load-tests/bench.sh [--duration 10] [--rounds 3] [--only throughput,syscalls,threads,rest,ledger,open,delayed,idle,streams]
#
# Every server — the mocks, nginx, switchboard, Redis — is pinned to CPU 0, the load generator
# to CPU 1; the mock and the proxy under test are separate processes for nginx as for
# switchboard, so both pay the same hops. Scenarios, one table each:
#   throughput  max throughput, closed loop (wrk -c64); "sb+hit": every request a cache hit;
#               "sb+hit-nl": the same with the usage ledger off (a hit's ledger row costs ~20 %)
#   syscalls    system calls per request (strace -c -f attached over one wrk run) of nginx and
#               switchboard (miss and cache hit): counts, not speed (strace slows what it traces)
#   threads     CPU per request of a two-thread gateway (on both CPUs, beside the load generator)
#               against the one-thread gateway: what one core takes that another contends for
#   rest        a REST passthrough GET (/api/v1/proxy/quotes/…) against nginx proxy_pass of the same GET
#   ledger      the usage ledger's cost: the default (SQLite) against the ledger off and PostgreSQL
#               (a cluster of the bench's own, not pinned; its CPU per request counted apart)
#   open        1,000 req/s open loop (load_gen: latency from when each request was due)
#   delayed     200 concurrent requests on a mock that answers after 50 ms (wrk -c200)
#   idle        10,000 idle keep-alive connections: memory per connection
#   streams     1,000 concurrent slow streams: time-to-first-token overhead, memory per stream,
#               then the same with two spare upstream connections (preconnect)
# Columns: req/s, latency p50/p90/p99, errors, CPU µs per request and peak RSS of the process
# serving the path (the mock for "direct"), then the ratios and the overhead against direct.
# The gateways' JSON logs are formatted and written to /dev/null: their CPU cost is measured, the
# disk's is not (a file of ~100 MB per throughput run made the later runs' tails about the disk);
# "sb+pipe" writes them to a pipe another process reads, as under a container runtime.
# The gateways keep their usage ledger (SQLite, the default) in the bench's temporary directory.
# Tools: wrk, nginx (nginx-light), redis-server, postgresql — installed with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
rounds=3
only="throughput,syscalls,threads,rest,ledger,open,delayed,idle,streams"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v redis-server >/dev/null || need+=(redis-server)
command -v bc >/dev/null || need+=(bc)
command -v strace >/dev/null || need+=(strace)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWITCHBOARD_TESTS=OFF >/dev/null
cmake --build build-bench --target switchboard load_gen stream_bench >/dev/null
gateway_bin=build-bench/server/switchboard
load_gen=build-bench/load-tests/load_gen

work=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mock_port=$(free_port); slow_port=$(free_port); proxy_port=$(free_port); proxy_slow_port=$(free_port)
gateway_port=$(free_port); redis_gateway_port=$(free_port); redis_port=$(free_port); auth_gateway_port=$(free_port)
pipe_gateway_port=$(free_port); two_gateway_port=$(free_port)
noledger_gateway_port=$(free_port); pg_gateway_port=$(free_port); pg_port=$(free_port)
completion='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}'

nginx_conf() { # NAME BODY: an nginx config of one worker with its own pid and logs
  cat > "$work/$1.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/$1.pid;
error_log $work/$1-error.log warn;
worker_rlimit_nofile 30000;
events { worker_connections 25000; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
${2:-}
}
EOF
}
nginx_conf mock "  server { listen 127.0.0.1:$mock_port reuseport; location / { default_type application/json; return 200 '$completion'; } }"
nginx_conf proxy "
  upstream mock { server 127.0.0.1:$mock_port; keepalive 256; }
  upstream slow { server 127.0.0.1:$slow_port; keepalive 256; }
  server { listen 127.0.0.1:$proxy_port reuseport; location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }
  server { listen 127.0.0.1:$proxy_slow_port reuseport; location / { proxy_pass http://slow; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
taskset -c 0 nginx -c "$work/mock.conf" -p "$work" 2>/dev/null & mock_master=$!; pids+=($mock_master)
taskset -c 0 nginx -c "$work/proxy.conf" -p "$work" 2>/dev/null & proxy_master=$!; pids+=($proxy_master)
taskset -c 0 "$load_gen" delayed --port "$slow_port" --delay-ms 50 & slow_pid=$!; pids+=($slow_pid)
taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null & pids+=($!)

gateway_config() { # PORT [STORE_LINE] [LEDGER_LINE]
  local ledger_line="${3:-}"
  [ -n "$ledger_line" ] || ledger_line="ledger: {path: \"$work/ledger-$1.db\"}"
  cat <<EOF
server: {host: 127.0.0.1, port: $1, threads: 1, max_connections: 25000, max_connections_per_ip: 25000, idle_timeout: 300s}
logging: {level: info}
${2:-}
$ledger_line
# Limits and quotas on, with room: their cost is measured, not their refusals.
limits: [{per: ip, requests: 1000000, window: 1s}]
quotas: {tenants: {default: {tokens_per_day: 1000000000000, tokens_per_month: 1000000000000}}}
providers:
  bench: {kind: openai, base_url: "http://127.0.0.1:$mock_port/v1", api_key: sk-bench-000000000}
  slow: {kind: openai, base_url: "http://127.0.0.1:$slow_port/v1", api_key: sk-bench-000000000}
  quotes: {kind: rest, base_url: "http://127.0.0.1:$mock_port", usd_per_call: 0.0001, passthrough: [/v1/quote],
           auth: {type: header, name: X-Api-Key, value: bench-quote-key}}
models:
  bench-model: [bench/bench-model]
  slow-model: [slow/bench-model]
EOF
}
gateway_config "$gateway_port" > "$work/gateway.yaml"
gateway_config "$redis_gateway_port" "store: {url: \"redis://127.0.0.1:$redis_port\", leases: {calls: ${LEASES:-1}}}" > "$work/gateway-redis.yaml"
gateway_config "$pipe_gateway_port" > "$work/gateway-pipe.yaml"
# Auth on ("sb+key", "sb+token"): one API key of the config, and an access token of
# /api/auth/login made from it; every request is authenticated (the tenant's quota as above).
auth_secret=bench-auth-secret-0123456789
new_key=$(SWITCHBOARD_AUTH_SECRET=$auth_secret "$gateway_bin" --new-key default)
bench_key=$(echo "$new_key" | awk '/^key:/ {print $2}')
gateway_config "$auth_gateway_port" "auth:
  secret: $auth_secret
  access_token_ttl: 24h
  keys:
$(echo "$new_key" | grep -- '- {id:')" > "$work/gateway-auth.yaml"
# The ledger scenario: a PostgreSQL cluster of the bench's own (as the postgres user when run as
# root: the server refuses root), and two more gateways: the ledger off, and on PostgreSQL.
# PostgreSQL is not pinned: in production it is a server of its own, and pinned on CPU 0 beside
# the loaded gateway and the mock its backend starved (one insert blocked for a whole run).
if wants ledger; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  as_pg=(); [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  mkdir -p "$work/pg"; [ "$(id -u)" -eq 0 ] && chmod o+x "$work" && chown postgres "$work/pg"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U bench -A trust --no-sync >/dev/null
  "${as_pg[@]}" "$pg_bin/postgres" -D "$work/pg/data" -p "$pg_port" -k "$work/pg" \
    -c listen_addresses=127.0.0.1 -c fsync=off >/dev/null 2>&1 & pids+=($!)
  for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U bench -d postgres -c "CREATE DATABASE ledger" >/dev/null
  gateway_config "$pg_gateway_port" "" "ledger: {store: postgres, url: \"postgresql://bench@127.0.0.1:$pg_port/ledger\"}" \
    > "$work/gateway-pg.yaml"
  taskset -c 0 "$gateway_bin" --config "$work/gateway-pg.yaml" > /dev/null & pg_gateway_pid=$!; pids+=($!)
fi
if wants ledger || wants throughput; then # "sb-noledger", and "sb+hit-nl": a cache hit without the ledger's row
  gateway_config "$noledger_gateway_port" "" "ledger: {store: off}" > "$work/gateway-noledger.yaml"
  taskset -c 0 "$gateway_bin" --config "$work/gateway-noledger.yaml" > /dev/null & noledger_gateway_pid=$!; pids+=($!)
fi
if wants threads; then
  gateway_config "$two_gateway_port" | sed 's/threads: 1,/threads: 2,/' > "$work/gateway-two.yaml"
  taskset -c 0,1 "$gateway_bin" --config "$work/gateway-two.yaml" > /dev/null & two_gateway_pid=$!; pids+=($!)
fi
sleep 0.5
taskset -c 0 "$gateway_bin" --config "$work/gateway.yaml" > /dev/null & gateway_pid=$!; pids+=($gateway_pid)
taskset -c 0 "$gateway_bin" --config "$work/gateway-redis.yaml" > /dev/null & redis_gateway_pid=$!; pids+=($redis_gateway_pid)
taskset -c 0 "$gateway_bin" --config "$work/gateway-auth.yaml" > /dev/null & auth_gateway_pid=$!; pids+=($auth_gateway_pid)
# "sb+pipe": the same gateway, its log lines read from a pipe by another process (as a container
# runtime reads them), not written to /dev/null.
taskset -c 0 "$gateway_bin" --config "$work/gateway-pipe.yaml" > >(cat > /dev/null) & pipe_gateway_pid=$!; pids+=($pipe_gateway_pid)
sleep 1
bench_token=$(curl -s -X POST -H "Authorization: Bearer $bench_key" "http://127.0.0.1:$auth_gateway_port/api/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
mock_pid=$(pgrep -P "$mock_master")   # the nginx worker processes, which do the work
proxy_pid=$(pgrep -P "$proxy_master")
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status")

body='{"model":"bench-model","messages":[{"role":"user","content":"ping"}],"max_tokens":16}'
printf '%s' "$body" > "$work/body.json"
printf '%s' "${body/bench-model/slow-model}" > "$work/slow-body.json"
cat > "$work/post.lua" <<EOF
wrk.method = "POST"
wrk.body = io.open("$work/body.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
EOF
sed "s|body.json|slow-body.json|" "$work/post.lua" > "$work/slow-post.lua"
# "sb+hit": a deterministic request (temperature 0) the response cache answers after the first.
printf '%s' "${body/\"max_tokens\":16/\"max_tokens\":16,\"temperature\":0}" > "$work/hit-body.json"
sed "s|body.json|hit-body.json|" "$work/post.lua" > "$work/hit-post.lua"
{ cat "$work/post.lua"; echo "wrk.headers[\"Authorization\"] = \"Bearer $bench_key\""; } > "$work/key-post.lua"
echo 'wrk.method = "GET"' > "$work/get.lua"
{ cat "$work/post.lua"; echo "wrk.headers[\"Authorization\"] = \"Bearer $bench_token\""; } > "$work/token-post.lua"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
peak_rss() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
to_us() { # wrk latency ("512.00us", "1.23ms", "2.00s") → µs
  echo "$1" | awk '{v=$1; if (v ~ /us$/) {sub("us","",v); m=1} else if (v ~ /ms$/) {sub("ms","",v); m=1000} else {sub("s","",v); m=1000000}; printf "%d\n", v*m}'
}
header() { printf "%-11s %9s %9s %9s %9s %7s %10s %9s\n" path req/s p50_us p90_us p99_us errors "cpu_us/req" rss_kib; }
row() { printf "%-11s %9s %9s %9s %9s %7s %10.1f %9s\n" "$@"; }
declare -A rate p50 p99
# Every round's figures per path, for the medians: on a shared machine one run can be off by a
# factor (another tenant's load); the paths of one round run back to back, rounds interleave them.
declare -A all_rate all_p50 all_p99
remember() { all_rate[$1]+=" ${rate[$1]}"; all_p50[$1]+=" ${p50[$1]}"; all_p99[$1]+=" ${p99[$1]}"; }
forget_rounds() { unset all_rate all_p50 all_p99; declare -gA all_rate all_p50 all_p99; } # per scenario
median() { echo "$@" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# medians NAME...: one row of medians per path, and sets rate/p50/p99 to them.
medians() {
  echo "-- median of $rounds rounds"
  printf "%-11s %9s %9s %9s\n" path req/s p50_us p99_us
  for name in "$@"; do
    rate[$name]=$(median ${all_rate[$name]}); p50[$name]=$(median ${all_p50[$name]}); p99[$name]=$(median ${all_p99[$name]})
    printf "%-11s %9s %9s %9s\n" "$name" "${rate[$name]}" "${p50[$name]}" "${p99[$name]}"
  done
}

# wrk_run NAME PORT PID LUA CONNECTIONS [PATH]: one closed-loop run.
wrk_run() {
  local name=$1 port=$2 pid=$3 lua=$4 conns=$5 path=${6:-/v1/chat/completions} before after out
  before=$(cpu_ticks "$pid")
  out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$lua" "http://127.0.0.1:$port$path")
  after=$(cpu_ticks "$pid")
  local reqs errors
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  rate[$name]=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  p50[$name]=$(to_us "$(echo "$out" | awk '$1=="50%" {print $2}')")
  local l90; l90=$(to_us "$(echo "$out" | awk '$1=="90%" {print $2}')")
  p99[$name]=$(to_us "$(echo "$out" | awk '$1=="99%" {print $2}')")
  errors=$(echo "$out" | awk '/Non-2xx/ {n+=$NF} /Socket errors/ {for (i=3; i<=NF; i++) n+=$i} END {print n+0}')
  cpu[$name]=$(echo "($after - $before) * 1000000 / $ticks / $reqs" | bc -l)
  requests[$name]=$reqs
  row "$name" "${rate[$name]}" "${p50[$name]}" "$l90" "${p99[$name]}" "$errors" "${cpu[$name]}" "$(peak_rss "$pid")"
  remember "$name"
}
declare -A cpu requests

# open_run NAME PORT PID: 1,000 req/s open loop for the duration.
open_run() {
  local name=$1 port=$2 pid=$3 before after out
  before=$(cpu_ticks "$pid")
  out=$(taskset -c 1 "$load_gen" open --port "$port" --body-file "$work/body.json" --rate 1000 --seconds "$duration" || true)
  after=$(cpu_ticks "$pid")
  field() { echo "$out" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
  rate[$name]=$(field rate); p50[$name]=$(field p50_us); p99[$name]=$(field p99_us)
  row "$name" "${rate[$name]}" "${p50[$name]}" "$(field p90_us)" "${p99[$name]}" "$(field errors)" \
    "$(echo "($after - $before) * 1000000 / $ticks / $(field sent)" | bc -l)" "$(peak_rss "$pid")"
  remember "$name"
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo "switchboard $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, servers on CPU 0, load generator on CPU 1, ${duration}s per run"
echo "gateway RSS idle (after start, before any request): ${idle_rss} KiB"

if wants throughput; then
  echo; echo "== max throughput (closed loop, wrk -t1 -c64), $rounds rounds"; header; forget_rounds
  for ((round = 1; round <= rounds; round++)); do
    wrk_run direct "$mock_port" "$mock_pid" "$work/post.lua" 64
    wrk_run nginx "$proxy_port" "$proxy_pid" "$work/post.lua" 64
    wrk_run switchboard "$gateway_port" "$gateway_pid" "$work/post.lua" 64
    wrk_run sb+pipe "$pipe_gateway_port" "$pipe_gateway_pid" "$work/post.lua" 64
    wrk_run sb+key "$auth_gateway_port" "$auth_gateway_pid" "$work/key-post.lua" 64
    wrk_run sb+token "$auth_gateway_port" "$auth_gateway_pid" "$work/token-post.lua" 64
    wrk_run sb+hit "$gateway_port" "$gateway_pid" "$work/hit-post.lua" 64
    wrk_run sb+hit-nl "$noledger_gateway_port" "$noledger_gateway_pid" "$work/hit-post.lua" 64
  done
  medians direct nginx switchboard sb+pipe sb+key sb+token sb+hit sb+hit-nl
  echo "switchboard / nginx throughput: $(ratio "${rate[switchboard]}" "${rate[nginx]}")x (logs to a pipe: $(ratio "${rate[sb+pipe]}" "${rate[nginx]}")x)"
  echo "cache hit / nginx: throughput $(ratio "${rate[sb+hit]}" "${rate[nginx]}")x, p50 ${p50[sb+hit]} vs ${p50[nginx]} us (ledger off: $(ratio "${rate[sb+hit-nl]}" "${rate[nginx]}")x, p50 ${p50[sb+hit-nl]} us)"
  echo "auth on / off throughput: key $(ratio "${rate[sb+key]}" "${rate[switchboard]}")x, access token $(ratio "${rate[sb+token]}" "${rate[switchboard]}")x"
fi

# syscall_run NAME PORT PID LUA: the system calls of PID's threads over one wrk run, per request,
# the most frequent first.
syscall_run() {
  local name=$1 port=$2 pid=$3 lua=$4 tracer out reqs
  strace -c -f -o "$work/strace-$name.txt" -p "$pid" 2>/dev/null & tracer=$!
  sleep 1 # attached to every thread before the load starts
  out=$(taskset -c 1 wrk -t1 -c64 -d"${duration}s" -s "$lua" "http://127.0.0.1:$port/v1/chat/completions")
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  awk '$NF != "total" && $NF != "syscall" && $4 ~ /^[0-9]+$/ {print $4, $NF}' "$work/strace-$name.txt" | sort -rn |
    awk -v n="$reqs" -v name="$name" '
      { total += $1; if ($1 / n >= 0.01) list = list sprintf(" %s %.2f", $2, $1 / n) }
      END { printf "%-11s %6.2f per request:%s\n", name, total / n, list }'
}

if wants syscalls; then
  echo; echo "== system calls per request (strace -c -f over one ${duration}s run of wrk -t1 -c64; the traced server is slowed)"
  syscall_run nginx "$proxy_port" "$proxy_pid" "$work/post.lua"
  syscall_run switchboard "$gateway_port" "$gateway_pid" "$work/post.lua"
  syscall_run sb+hit "$gateway_port" "$gateway_pid" "$work/hit-post.lua"
fi

if wants threads; then
  echo; echo "== two threads against one (closed loop, wrk -t1 -c64): CPU per request, $rounds rounds"; header; forget_rounds
  declare -A all_cpu_threads
  for ((round = 1; round <= rounds; round++)); do
    wrk_run sb-1thread "$gateway_port" "$gateway_pid" "$work/post.lua" 64; all_cpu_threads[1]+=" ${cpu[sb-1thread]}"
    wrk_run sb-2threads "$two_gateway_port" "$two_gateway_pid" "$work/post.lua" 64; all_cpu_threads[2]+=" ${cpu[sb-2threads]}"
  done
  medians sb-1thread sb-2threads
  one=$(median ${all_cpu_threads[1]}); two=$(median ${all_cpu_threads[2]})
  echo "CPU per request (median): 1 thread $(printf %.1f "$one") us, 2 threads $(printf %.1f "$two") us ($(printf %+.1f "$(echo "($two - $one) * 100 / $one" | bc -l)") %)"
fi

if wants rest; then
  echo; echo "== REST passthrough GET (closed loop, wrk -t1 -c64), $rounds rounds"; header; forget_rounds
  for ((round = 1; round <= rounds; round++)); do
    wrk_run nginx-get "$proxy_port" "$proxy_pid" "$work/get.lua" 64 /v1/quote/AAPL
    wrk_run sb+rest "$gateway_port" "$gateway_pid" "$work/get.lua" 64 /api/v1/proxy/quotes/v1/quote/AAPL
  done
  medians nginx-get sb+rest
  echo "REST passthrough / nginx: throughput $(ratio "${rate[sb+rest]}" "${rate[nginx-get]}")x, p50 ${p50[sb+rest]} vs ${p50[nginx-get]} us"
fi

if wants ledger; then
  echo; echo "== usage ledger: SQLite (the default) vs off vs PostgreSQL (closed loop, wrk -t1 -c64), $rounds rounds"; header; forget_rounds
  pg_cpu() { local t=0; for p in $(pgrep -f "$work/pg/data") $(pgrep -f "postgres: .*bench"); do t=$((t + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done; echo $t; }
  pg_ticks=0; pg_reqs=0; declare -A all_cpu
  for ((round = 1; round <= rounds; round++)); do
    wrk_run sb-noledger "$noledger_gateway_port" "$noledger_gateway_pid" "$work/post.lua" 64; all_cpu[sb-noledger]+=" ${cpu[sb-noledger]}"
    wrk_run sb+sqlite "$gateway_port" "$gateway_pid" "$work/post.lua" 64; all_cpu[sb+sqlite]+=" ${cpu[sb+sqlite]}"
    before=$(pg_cpu)
    wrk_run sb+pg "$pg_gateway_port" "$pg_gateway_pid" "$work/post.lua" 64; all_cpu[sb+pg]+=" ${cpu[sb+pg]}"
    pg_ticks=$((pg_ticks + $(pg_cpu) - before)); pg_reqs=$((pg_reqs + requests[sb+pg]))
  done
  medians sb-noledger sb+sqlite sb+pg
  for p in sb-noledger sb+sqlite sb+pg; do cpu[$p]=$(median ${all_cpu[$p]}); done
  echo "gateway CPU per request (median): off $(printf %.1f "${cpu[sb-noledger]}") us, SQLite $(printf %.1f "${cpu[sb+sqlite]}") us ($(printf %+.1f "$(echo "${cpu[sb+sqlite]} - ${cpu[sb-noledger]}" | bc -l)") us), PostgreSQL $(printf %.1f "${cpu[sb+pg]}") us ($(printf %+.1f "$(echo "${cpu[sb+pg]} - ${cpu[sb-noledger]}" | bc -l)") us) + the PostgreSQL server's $(echo "scale=1; $pg_ticks * 1000000 / $ticks / $pg_reqs" | bc) us"
  echo "throughput vs off: SQLite $(ratio "${rate[sb+sqlite]}" "${rate[sb-noledger]}")x, PostgreSQL $(ratio "${rate[sb+pg]}" "${rate[sb-noledger]}")x"
  ledger_rows() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^switchboard_ledger_rows_total/ {sub(/.*outcome="/, ""); sub(/"}/, ""); printf "%s %s  ", $1, $2}'; }
  echo "ledger rows, SQLite gateway: $(ledger_rows "$gateway_port")"
  echo "ledger rows, PostgreSQL gateway: $(ledger_rows "$pg_gateway_port")(in the database: $("$pg_bin/psql" -tA -h 127.0.0.1 -p "$pg_port" -U bench -d ledger -c 'SELECT COUNT(*) FROM usage'))"
fi

if wants open; then
  echo; echo "== open loop, 1,000 req/s (load_gen open; latency counted from when each request was due), $rounds rounds"; header; forget_rounds
  reads=0; commands=0; redis_cpu_us=0
  redis_cpu() { redis-cli -p "$redis_port" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {t += $2} END {printf "%.0f", t * 1000000}'; }
  for ((round = 1; round <= rounds; round++)); do
    open_run direct "$mock_port" "$mock_pid"
    open_run nginx "$proxy_port" "$proxy_pid"
    open_run switchboard "$gateway_port" "$gateway_pid"
    reads_before=$(redis-cli -p "$redis_port" info stats | awk -F: '/total_reads_processed/ {print $2+0}')
    commands_before=$(redis-cli -p "$redis_port" info stats | awk -F: '/total_commands_processed/ {print $2+0}')
    cpu_before=$(redis_cpu)
    open_run sb+redis "$redis_gateway_port" "$redis_gateway_pid"
    redis_cpu_us=$((redis_cpu_us + $(redis_cpu) - cpu_before))
    reads=$((reads + $(redis-cli -p "$redis_port" info stats | awk -F: '/total_reads_processed/ {print $2+0}') - reads_before))
    commands=$((commands + $(redis-cli -p "$redis_port" info stats | awk -F: '/total_commands_processed/ {print $2+0}') - commands_before))
  done
  medians direct nginx switchboard sb+redis
  requests=$((1000 * duration * rounds))
  for p in nginx switchboard sb+redis; do
    echo "overhead vs direct, $p: p50 $(printf %+d $((p50[$p] - p50[direct]))) us, p99 $(printf %+d $((p99[$p] - p99[direct]))) us"
  done
  echo "Redis per request (sb+redis): $(echo "scale=2; $reads / $requests" | bc) socket reads by Redis (the request waits on one exchange: the limit check and the quota reservation in flight together; the settlement follows the answer), $(echo "scale=2; $commands / $requests" | bc) commands (those run inside scripts included), $(echo "scale=1; $redis_cpu_us / $requests" | bc) us of Redis CPU (user + sys, over the whole run)"
fi

if wants delayed; then
  echo; echo "== 200 concurrent requests, mock answering after 50 ms (closed loop, wrk -t1 -c200)"; header
  wrk_run direct "$slow_port" "$slow_pid" "$work/slow-post.lua" 200
  wrk_run nginx "$proxy_slow_port" "$proxy_pid" "$work/slow-post.lua" 200
  wrk_run switchboard "$gateway_port" "$gateway_pid" "$work/slow-post.lua" 200
  for p in nginx switchboard; do echo "overhead vs direct, $p: p50 $(printf %+d $((p50[$p] - p50[direct]))) us, p99 $(printf %+d $((p99[$p] - p99[direct]))) us"; done
fi

if wants idle; then
  echo; echo "== 10,000 idle keep-alive connections (each served one GET, then left open)"
  printf "%-11s %12s %12s %14s\n" path rss_before rss_with "per_conn_bytes"
  for target in "nginx:$proxy_port:$proxy_pid:/" "switchboard:$gateway_port:$gateway_pid:/api/v1/health"; do
    IFS=: read -r name port pid path <<< "$target"
    before=$(rss "$pid")
    coproc IDLE { taskset -c 1 "$load_gen" idle --port "$port" --connections 10000 --path "$path"; }
    read -r ready <&"${IDLE[0]}"
    sleep 1
    with=$(rss "$pid")
    printf "%-11s %10s K %10s K %14s   (%s)\n" "$name" "$before" "$with" "$(( (with - before) * 1024 / 10000 ))" "$ready"
    kill "$IDLE_PID" 2>/dev/null || true; wait "$IDLE_PID" 2>/dev/null || true
    sleep 1
  done
fi

if wants streams; then
  echo; echo "== 1,000 concurrent slow streams (load-tests/stream_bench; its own upstream and gateway)"
  build-bench/load-tests/stream_bench --gateway "$gateway_bin" --streams 1000 --rounds 2 --nginx nginx
  echo "-- the same with two spare upstream connections (providers.up.preconnect: 2): the upstream closes"
  echo "   each connection after its stream, so without spares every stream's first token waits for a connect"
  build-bench/load-tests/stream_bench --gateway "$gateway_bin" --streams 1000 --rounds 2 --nginx nginx --preconnect 2
fi
