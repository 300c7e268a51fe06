#!/usr/bin/env bash
# Writ's main job on the bundled examples: installs what is missing, builds `writ`, then for every
# example policy set checks it, format-checks it and runs its tests, and finally evaluates a few
# sample GitHub Actions tokens, service-to-service access requests and token-based access to
# per-repository artifact prefixes, with explanations.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target writ
writ=build/cli/writ
status=0
for set in examples/*/; do
  # examples/embedding holds programs, not policies (the tests run them).
  compgen -G "${set}*.writ" >/dev/null || continue
  echo "== writ check ${set}"
  "$writ" check --deny-warnings "$set" || status=1
  echo "== writ fmt --check ${set}"
  if "$writ" fmt --check "$set"; then echo "formatted"; else status=1; fi
  echo "== writ test --coverage ${set}"
  "$writ" test --coverage "$set" || status=1
done
for request in examples/github-actions/requests/*.json; do
  echo "== writ eval --explain ${request}"
  "$writ" eval --policy examples/github-actions --input "$request" --explain --format text || status=1
done
for request in examples/spiffe-services/requests/*.json; do
  echo "== writ eval --explain ${request}"
  "$writ" eval --policy examples/spiffe-services --input "$request" --explain --format text || status=1
done
for request in examples/s3-artifacts/requests/*.json; do
  echo "== writ eval --explain ${request}"
  "$writ" eval --policy examples/s3-artifacts --input "$request" --explain --format text || status=1
done
exit $status
