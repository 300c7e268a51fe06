#!/usr/bin/env bash
# Writ's main job on the bundled examples: installs what is missing, builds `writ`, then checks
# and format-checks every example policy set, printing the result of each.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target writ
writ=build/cli/writ
status=0
for set in examples/*/; do
  echo "== writ check ${set}"
  "$writ" check --deny-warnings "$set" || status=1
  echo "== writ fmt --check ${set}"
  if "$writ" fmt --check "$set"; then echo "formatted"; else status=1; fi
done
exit $status
