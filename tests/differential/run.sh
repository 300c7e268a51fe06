#!/usr/bin/env bash
# Runs the differential test (native code vs the interpreter) on any number of random cases:
#   tests/differential/run.sh [CASES] [SEED]      (default: 1,000,000 cases, a seed from the clock)
# Builds writ_differential into build/ first. A mismatch prints a reproducer and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
cases=${1:-1000000}
seed=${2:-$(date +%s)}
./scripts/build.sh --target writ_differential >/dev/null
echo "differential: $cases cases from seed $seed"
exec ./build/tests/writ_differential --cases "$cases" --seed "$seed"
