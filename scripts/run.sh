#!/usr/bin/env bash
# Installs what is needed, builds a Release binary and runs switchboard on its embedded defaults
# (mock provider, in-memory store) on PORT (default 8080). Extra arguments go to the binary,
# e.g. scripts/run.sh --config switchboard.example.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWITCHBOARD_TESTS=OFF >/dev/null
cmake --build build-release --target switchboard
exec build-release/server/switchboard "$@"
