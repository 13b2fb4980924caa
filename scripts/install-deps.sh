#!/usr/bin/env bash
# Installs everything switchboard needs to build, run and test, from Debian 12 packages (and,
# with --tests, the pinned openai SDK from npm for the end-to-end tests). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--tests" ] && with_tests=1

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

packages=(build-essential cmake ninja-build ccache pkg-config ca-certificates
          libboost1.81-all-dev libboost-json1.81-dev libboost-url1.81-dev
          libyaml-cpp-dev libssl-dev openssl libhiredis-dev libjwt-dev libhnswlib-dev libmimalloc-dev
          libvalijson-dev libkainjow-mustache-dev libsqlite3-dev libpq-dev zlib1g-dev
          libjs-chart.js)
if [ $with_tests -eq 1 ] && ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi
# The shared-state tests start their own redis-server on a free port; redis-cli (redis-tools)
# forms their three-shard Redis Cluster.
if [ $with_tests -eq 1 ]; then packages+=(redis-server redis-tools); fi
# The metrics test runs `promtool check metrics` (Debian ships promtool in the prometheus package).
if [ $with_tests -eq 1 ]; then packages+=(prometheus); fi
# The dashboard test drives Debian's Chromium headless (puppeteer-core, from tests/e2e's npm ci).
if [ $with_tests -eq 1 ]; then packages+=(chromium); fi
# The ledger tests start their own PostgreSQL cluster on a free port (no service is enabled).
if [ $with_tests -eq 1 ]; then packages+=(postgresql); fi
# The JSON Schema validator is checked against the official test suite (draft 7).
if [ $with_tests -eq 1 ]; then packages+=(json-schema-test-suite); fi
# Fuzz targets (tests/fuzz/run.sh): clang with libFuzzer and the sanitizers' runtime.
if [ $with_tests -eq 1 ]; then packages+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $with_tests -eq 1 ]; then
  echo "==> npm ci (tests/e2e: the official openai SDK)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
