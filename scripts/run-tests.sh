#!/usr/bin/env bash
# The whole test suite: installs what is missing, then
#   1. an ASan+UBSan build runs every test,
#   2. a ThreadSanitizer build runs the public API's tests (concurrency: reloads and tier swaps),
#   3. a libFuzzer build (clang-14) fuzzes the parser, checker, JSON paths and bundle readers for a bounded time,
#   4. the Release build runs every test; its ctest summary is the last line printed.
# Set WRIT_FUZZ_SECONDS to change the fuzzing time (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
export CCACHE_BASEDIR="$PWD"

echo "== sanitizers: ASan + UBSan build and tests"
# -O1 -g1: what sanitizers need (line tables symbolize their reports) at half the compile time of -O2 -g.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWRIT_SANITIZE=ON -DWRIT_BENCH=OFF -DWRIT_WERROR=ON \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j "$jobs" --output-on-failure

echo "== threads: ThreadSanitizer over the public API's concurrency tests (reload and tier swaps under load)"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWRIT_TSAN=ON -DWRIT_BENCH=OFF -DWRIT_WERROR=ON \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" >/dev/null
cmake --build build-tsan -j "$jobs" --target writ_api_tests
TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" build-tsan/tests/writ_api_tests --gtest_brief=1

echo "== fuzzing: parser, checker, claim binding, the native JSON path and bundles (libFuzzer, clang-14)"
scripts/fuzz.sh "${WRIT_FUZZ_SECONDS:-60}"

echo "== tests: Release build"
scripts/build.sh
ctest --test-dir build -j "$jobs" --output-on-failure
