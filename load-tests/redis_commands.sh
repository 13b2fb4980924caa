#!/usr/bin/env bash
# Redis commands per request, command by command, with the whole policy stack on the Redis store:
# an inbound limit, the tenant's quota, an API key with its own limits (per minute, concurrency)
# and budget (tokens per day), and a per-request budget (X-Budget-Id). Counts are exact
# (INFO commandstats over the chat calls wrk makes to the mock provider in SECONDS, 8 at a time);
# Redis's CPU (INFO cpu, user + sys) and the calls' latency (each waits on its store round trips)
# move with the machine's load.
#
#   load-tests/redis_commands.sh [SECONDS]        (default 3; SWITCHBOARD_BIN or build/server/switchboard)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
connections=${CONNECTIONS:-8} # calls at a time
source load-tests/redis_stack.sh
body='{"model":"m","messages":[{"role":"user","content":"hi"}]}'
call() { curl -s -o /dev/null -w '%{http_code}\n' -H 'content-type: application/json' -H "authorization: Bearer $key" \
              -H "x-budget-id: run-$1" -d "$body" "http://127.0.0.1:$gateway_port/v1/chat/completions"; }
for i in $(seq 20); do call warm > /dev/null; done
sleep 0.5
redis-cli -p "$redis_port" config resetstat > /dev/null
cpu() { redis-cli -p "$redis_port" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {t += $2} END {printf "%.6f", t}'; }
cpu_before=$(cpu)
write_post_lua wrk-run
wrk -t1 -c"$connections" -d"$seconds"s --latency -s "$work/post.lua" "http://127.0.0.1:$gateway_port/v1/chat/completions" > "$work/wrk.txt"
sleep 0.5 # settlements follow the answers
cpu_after=$(cpu)
n=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
echo "$n calls in ${seconds}s ($(awk '/Non-2xx/ {print $4}' "$work/wrk.txt") not 200); latency p50 $(awk '$1 == "50%" {print $2}' "$work/wrk.txt"), p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt") ($connections at a time)"
redis-cli -p "$redis_port" info commandstats | tr -d '\r' |
  awk -F'[:=,]' -v n="$n" -v cpu="$(echo "$cpu_after - $cpu_before" | bc)" '/^cmdstat_/ && !/config/ {
      name = substr($1, 9); calls = $3; usec = $5
      printf "  %-18s %6.2f per request\n", name, calls / n
      total += calls; if (name == "evalsha" || name == "eval") { scripts += calls; script_usec += usec }
    }
    END { printf "total: %.2f commands per request, of which %.2f scripts (%.1f us each inside Redis); Redis CPU (user + sys) %.1f us per request\n",
                 total / n, scripts / n, scripts ? script_usec / scripts : 0, cpu * 1e6 / n }'
