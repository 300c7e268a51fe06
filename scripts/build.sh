#!/usr/bin/env bash
# Configures and builds Writ into build/ (Release). Extra arguments go to the build tool,
# e.g. `scripts/build.sh --target writ`.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DWRIT_WERROR=ON >/dev/null
cmake --build build -j "$jobs" "$@"
