# Sourced by redis_commands.sh and redis_capacity.sh: a Redis of its own and a gateway on it with
# the whole policy stack on the Redis store — an inbound limit per key, the tenant's quota, an API
# key with its own limits (per minute, concurrency) and daily budget — and a mock provider.
# Sets redis_port, gateway_port, key (the API key), work (a temporary directory), pids; cleans up
# on exit; defines write_post_lua. REDIS_CPU: the CPU list Redis is pinned to (default: not pinned). LEASES: the
# calls a lease holds room for (store.leases.calls; default 1, leases off).
bin=${SWITCHBOARD_BIN:-build/server/switchboard}
work=$(mktemp -d)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
redis_port=$(free_port); gateway_port=$(free_port)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
pin=(); [ -n "${REDIS_CPU:-}" ] && pin=(taskset -c "$REDIS_CPU")
"${pin[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > /dev/null & pids+=($!)
secret=redis-stack-secret-0123456789
minted=$(SWITCHBOARD_AUTH_SECRET=$secret "$bin" --new-key acme)
key=$(echo "$minted" | awk '/^key:/ {print $2}')
entry=$(echo "$minted" | grep -- '- {id:' | sed 's/}$/, requests_per_minute: 100000, max_concurrent: 100, tokens_per_day: 1000000000}/')
cat > "$work/gateway.yaml" <<YAML
server: {host: 127.0.0.1, port: $gateway_port, threads: 1}
logging: {level: warning}
store: {url: "redis://127.0.0.1:$redis_port", leases: {calls: ${LEASES:-1}}}
ledger: {store: off}
limits: [{per: key, requests: 1000000, window: 1s}]
quotas: {tenants: {acme: {tokens_per_day: 1000000000000, tokens_per_month: 1000000000000}}}
budgets: {max_calls: 1000000}
auth:
  secret: $secret
  keys:
$entry
providers: {mock: {kind: mock}}
models: {m: [mock/mock-1]}
YAML
"$bin" --config "$work/gateway.yaml" > /dev/null 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gateway_port/api/ready" > /dev/null && break; sleep 0.1; done
# A chat call as wrk makes it (its script in $work/post.lua), with the API key and the budget id $1.
write_post_lua() {
  cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"m","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $key"
wrk.headers["x-budget-id"] = "$1"
LUA
}
