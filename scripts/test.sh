#!/usr/bin/env bash
# Installs what is needed, builds everything and runs every test (unit, in-process integration,
# end-to-end with the openai SDK). SANITIZE=1 builds with ASan+UBSan into build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests

dir=build
flags=(-DCMAKE_BUILD_TYPE=Release)
if [ "${SANITIZE:-0}" = "1" ]; then
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DSWITCHBOARD_SANITIZE=ON)
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir"
cd "$dir"
ctest --output-on-failure --timeout 300
