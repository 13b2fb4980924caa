#!/usr/bin/env bash
# Side-by-side benchmark on this machine: the same load straight to a mock upstream ("direct"),
# through an nginx proxy_pass ("nginx", the floor for one proxy hop) and through switchboard
# (Release build, default policy stack: inbound limits with room, tenant quotas, breakers,
# metrics, JSON request logs). Servers are pinned to CPU 0, the load generator to CPU 1.
#
#   load-tests/bench.sh [--duration 10] [--connections 64]
#
# Scenarios so far: max throughput (wrk, closed loop). The mock upstream is nginx returning a
# fixed chat.completion, so it is never the bottleneck. Prints one table: req/s, latency
# p50/p90/p99, errors, CPU µs per request and peak RSS of the proxy, and the ratios.
# Tools: wrk, nginx (nginx-light) — installed with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWITCHBOARD_TESTS=OFF >/dev/null
cmake --build build-bench --target switchboard >/dev/null

work=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mock_port=$(free_port); proxy_port=$(free_port); gateway_port=$(free_port)
completion='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}'

cat > "$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  keepalive_requests 1000000;
  upstream mock { server 127.0.0.1:$mock_port; keepalive 256; }
  server {
    listen 127.0.0.1:$mock_port reuseport;
    location / { default_type application/json; return 200 '$completion'; }
  }
  server {
    listen 127.0.0.1:$proxy_port reuseport;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
# The mock and the proxy share one nginx worker on CPU 0; the proxy's own cost is measured as
# that worker's CPU minus the direct run's (the mock's share).
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)

cat > "$work/gateway.yaml" <<EOF
server: {host: 127.0.0.1, port: $gateway_port, threads: 1, max_connections_per_ip: 100000}
logging: {level: info}
# Limits and quotas on, with room: their cost is measured, not their refusals.
limits: [{per: ip, requests: 1000000, window: 1s}]
quotas: {tenants: {default: {tokens_per_day: 1000000000000, tokens_per_month: 1000000000000}}}
providers:
  bench: {kind: openai, base_url: "http://127.0.0.1:$mock_port/v1", api_key: sk-bench-000000000}
models:
  bench-model: [bench/bench-model]
EOF
taskset -c 0 build-bench/server/switchboard --config "$work/gateway.yaml" > /dev/null & gateway_pid=$!; pids+=($gateway_pid)
sleep 1
nginx_pid=$(pgrep -f "nginx: worker process" -n)

cat > "$work/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"model":"bench-model","messages":[{"role":"user","content":"ping"}],"max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
EOF

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# run NAME PORT PATH PID: one wrk run; prints a table row and remembers req/s and p50.
declare -A rps p50
run() {
  local name=$1 port=$2 pid=$3
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/chat/completions")
  after=$(cpu_ticks "$pid")
  local reqs rate l50 l90 l99 errors
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  l50=$(echo "$out" | awk '$1=="50%" {print $2}')
  l90=$(echo "$out" | awk '$1=="90%" {print $2}')
  l99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {s=s $0 "; "} END {print (s=="" ? "0" : s)}')
  local cpu_us=$(( (after - before) * 1000000 / ticks ))
  printf "%-12s %10s %9s %9s %9s %8s %10.1f %9s\n" "$name" "$rate" "$l50" "$l90" "$l99" "$errors" \
    "$(echo "$cpu_us / $reqs" | bc -l)" "$(peak_rss "$pid")"
  rps[$name]=$rate; p50[$name]=$l50
}

echo "max throughput: wrk -t1 -c$connections -d${duration}s, servers on CPU 0, wrk on CPU 1 ($(nproc) cores)"
printf "%-12s %10s %9s %9s %9s %8s %10s %9s\n" path req/s p50 p90 p99 errors "cpu_us/req" "rss_kib"
run direct "$mock_port" "$nginx_pid"
run nginx "$proxy_port" "$nginx_pid"
run switchboard "$gateway_port" "$gateway_pid"
echo "switchboard / nginx throughput: $(echo "${rps[switchboard]} / ${rps[nginx]}" | bc -l | cut -c1-5)"
echo "(nginx rows: CPU and RSS of the one worker serving both the mock and the proxy; the direct row is the mock alone)"
