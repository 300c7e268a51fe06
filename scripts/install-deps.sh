#!/usr/bin/env bash
# Installs the Debian 12 packages Writ needs to build, test and fuzz (only those missing).
set -euo pipefail

packages=(
  cmake ninja-build g++ make git ca-certificates pkg-config
  default-jre-headless antlr4 libantlr4-runtime-dev uuid-dev
  nlohmann-json3-dev libfmt-dev libre2-dev libcli11-dev libssl-dev
  llvm-19-dev libzstd-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev ccache tzdata python3 dpkg-dev file
)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
