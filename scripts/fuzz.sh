#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) and runs each for SECONDS
# (default 60), seeded with every policy and request in the repository and tests/fuzz/seeds,
# with the dictionaries in tests/fuzz/dict. Fails on any crash, hang, leak or sanitizer
# report; a failing input is saved as build-fuzz/<target>-crash-*. The corpora in
# build-fuzz/corpus/ grow from run to run: a long campaign is `scripts/fuzz.sh 900` (a quarter
# of an hour per target). Each target's figures (inputs, inputs/s, coverage) are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=$(nproc 2>/dev/null || echo 2)
targets=(fuzz_parse fuzz_check fuzz_claims fuzz_native_json fuzz_differential fuzz_bundle)
CXX=clang++-14 CC=clang-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWRIT_WERROR=ON \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DWRIT_FUZZ=ON -DWRIT_BENCH=OFF -DWRIT_TESTS=ON >/dev/null
cmake --build build-fuzz -j "$jobs" --target "${targets[@]}"
seeds=build-fuzz/seeds
mkdir -p "$seeds"
find examples tests/golden stdlib/schemas -name '*.writ' -size -64k -exec cp {} "$seeds"/ \;
# Request documents seed the claims fuzzers (the other targets reject them quickly).
find examples tests/golden/explain tests/fuzz/seeds -name '*.json' -size -64k -exec cp {} "$seeds"/ \;
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  case $target in
    fuzz_parse | fuzz_check) dict=(-dict=tests/fuzz/dict/writ.dict) ;;
    fuzz_claims | fuzz_native_json | fuzz_differential) dict=(-dict=tests/fuzz/dict/request.dict) ;;
    *) dict=() ;;
  esac
  echo "-- $target: ${seconds}s"
  # -timeout: one input may take at most 10 s; -rss_limit_mb: no input may blow up memory.
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "build-fuzz/tests/$target" "$corpus" "$seeds" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="build-fuzz/$target-" > "build-fuzz/$target.log" 2>&1 ||
    { tail -n 60 "build-fuzz/$target.log"; echo "fuzz: $target failed"; exit 1; }
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|^Done" "build-fuzz/$target.log" || true
  grep -E "^#[0-9]+" "build-fuzz/$target.log" | tail -n 1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+).*/coverage: \1/' || true
done
