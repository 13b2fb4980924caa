#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for
# FUZZ_SECONDS (default 10). A crash stops the run and leaves its input in build-fuzz/;
# corpora live in build-fuzz/corpus-<target>/ between runs, seeded from tests/fuzz/seeds/<target>/.
# Sources compile once into build-fuzz/obj/ (rebuilt when a source or any project header is newer).
# FUZZ_TARGETS limits the run to some targets (space-separated names).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build-fuzz
mkdir -p "$out/obj"
seconds="${FUZZ_SECONDS:-10}"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -I.)
link_flags=(-fsanitize=fuzzer,address,undefined)
newest_header=$(find domain adapters server -name '*.hpp' -printf '%T@\n' | sort -n | tail -1)

object_of() { echo "$out/obj/${1//\//_}.o"; }
stale() { # whether a source's object must be compiled (missing, or older than it or any header)
    local obj; obj=$(object_of "$1")
    [ ! -f "$obj" ] || [ "$1" -nt "$obj" ] || awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN{exit !(h>o)}'
}
# Two passes over the targets: the first collects their sources, which are compiled on every core
# at once (one at a time, they were most of this script's time in CI); the second links.
phase=collect
sources=()
link() { # target, libraries (after --), sources…
    local target=$1; shift
    local libs=()
    while [ "$1" != "--" ]; do libs+=("$1"); shift; done
    shift
    if [ "$phase" = collect ]; then
        sources+=("$@")
        return
    fi
    local objs=()
    for src in "$@"; do objs+=("$(object_of "$src")"); done
    echo "==> link $target"
    clang++ "${link_flags[@]}" "${objs[@]}" "${libs[@]}" -o "$out/$target"
}

domain=(domain/*.cpp domain/call/*.cpp domain/auth/*.cpp domain/cache/*.cpp domain/rest/*.cpp domain/ai/*.cpp domain/ledger/*.cpp domain/http/*.cpp domain/webhooks/*.cpp)
config=(server/config.cpp server/config_reader.cpp server/config_fields.cpp server/config_describe.cpp
        server/config_policies.cpp server/config_serving.cpp server/config_routing.cpp server/config_services.cpp
        server/config_ai_routes.cpp         server/config_auth.cpp
        server/config_cache.cpp server/config_ledger.cpp server/config_webhooks.cpp
        adapters/http/request_id.cpp adapters/hex.cpp
        adapters/providers/provider_kinds.cpp adapters/upstream/origin.cpp adapters/store/redis/redis_url.cpp
        adapters/http/client_ip.cpp adapters/observability/log.cpp adapters/observability/log_line.cpp
        adapters/observability/log_sink.cpp)

targets=(response_head_fuzz upstream_response_fuzz http_request_fuzz stream_fuzz provider_answer_fuzz request_fuzz
         retry_after_fuzz resp_fuzz config_fuzz credential_fuzz jwt_fuzz jwks_fuzz cache_key_fuzz
         answer_codec_fuzz rest_fuzz ai_route_fuzz usage_query_fuzz accept_encoding_fuzz webhook_fuzz)
[ -n "${FUZZ_TARGETS:-}" ] && read -r -a targets <<< "$FUZZ_TARGETS"
link_targets() {
for target in "${targets[@]}"; do
    case $target in
    response_head_fuzz) link $target -- tests/fuzz/response_head_fuzz.cpp adapters/http/response_head.cpp \
                          adapters/http/header_fields.cpp ;;
    http_request_fuzz) link $target -- tests/fuzz/http_request_fuzz.cpp adapters/http/request_parser.cpp \
                         adapters/http/header_fields.cpp ;;
    upstream_response_fuzz) link $target -- tests/fuzz/upstream_response_fuzz.cpp adapters/http/framing.cpp \
                              adapters/upstream/upstream_parser.cpp ;;
    stream_fuzz | provider_answer_fuzz | request_fuzz | retry_after_fuzz | credential_fuzz | jwt_fuzz | cache_key_fuzz | \
    rest_fuzz | ai_route_fuzz | usage_query_fuzz | accept_encoding_fuzz | webhook_fuzz)
        link $target -lboost_json -- tests/fuzz/$target.cpp "${domain[@]}" ;;
    resp_fuzz) link $target -lhiredis -- tests/fuzz/resp_fuzz.cpp adapters/store/redis/resp.cpp \
                 adapters/store/redis/slot_map.cpp adapters/store/redis/key_slot.cpp ;;
    jwks_fuzz) link $target -lboost_json -lcrypto -- tests/fuzz/jwks_fuzz.cpp adapters/auth/jwks.cpp "${domain[@]}" ;;
    answer_codec_fuzz) link $target -lboost_json -- tests/fuzz/answer_codec_fuzz.cpp adapters/cache/answer_codec.cpp "${domain[@]}" ;;
    config_fuzz) link $target -lboost_json -lboost_url -lyaml-cpp -- tests/fuzz/config_fuzz.cpp "${config[@]}" "${domain[@]}" ;;
    *) echo "unknown fuzz target $target" >&2; exit 2 ;;
    esac
done
}
link_targets
to_compile=()
while read -r src; do stale "$src" && to_compile+=("$src"); done < <(printf '%s\n' "${sources[@]}" | sort -u)
if [ ${#to_compile[@]} -gt 0 ]; then
    echo "==> compile ${#to_compile[@]} sources on $(nproc) cores"
    # (A compile error fails xargs, and so the run.)
    printf '%s\n' "${to_compile[@]}" |
        xargs -P "$(nproc)" -I{} bash -c 'src={}; clang++ "$@" -c "$src" -o "'"$out"'/obj/${src//\//_}.o"' _ "${flags[@]}"
fi
phase=link
link_targets
passed=0
for target in "${targets[@]}"; do
    mkdir -p "$out/corpus-$target"
    seeds=()
    [ -d "tests/fuzz/seeds/$target" ] && seeds=("$PWD/tests/fuzz/seeds/$target")
    echo "==> $target for ${seconds}s"
    (cd "$out" && "./$target" -max_total_time="$seconds" -print_final_stats=1 "corpus-$target" "${seeds[@]}" 2>&1 | tail -n 4)
    passed=$((passed + 1))
done
echo "fuzz: $passed passed, 0 failed"
