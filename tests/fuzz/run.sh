#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for
# FUZZ_SECONDS (default 10). A crash stops the run and leaves its input in build-fuzz/;
# corpora live in build-fuzz/corpus-<target>/ between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build-fuzz
mkdir -p "$out"
seconds="${FUZZ_SECONDS:-10}"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I.)
build() { # target, sources…
    local target=$1; shift
    if [ ! -x "$out/$target" ] || [ -n "$(find "$@" tests/fuzz/run.sh adapters/http/*.hpp -newer "$out/$target" 2>/dev/null)" ]; then
        echo "==> clang++ $target"
        clang++ "${flags[@]}" "$@" -o "$out/$target"
    fi
}
build response_head_fuzz tests/fuzz/response_head_fuzz.cpp adapters/http/response_head.cpp
build upstream_response_fuzz tests/fuzz/upstream_response_fuzz.cpp adapters/http/framing.cpp
for target in response_head_fuzz upstream_response_fuzz; do
    mkdir -p "$out/corpus-$target"
    echo "==> $target for ${seconds}s"
    (cd "$out" && "./$target" -max_total_time="$seconds" -print_final_stats=1 "corpus-$target" 2>&1 | tail -n 4)
done
echo "fuzz: 2 passed, 0 failed"
