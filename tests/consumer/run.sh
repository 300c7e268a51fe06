#!/usr/bin/env bash
# Installs Writ from a build directory into a scratch prefix and proves that an outside project
# can use it: find_package(Writ) and pkg-config builds, the C ABI test, the C++ and Python
# examples against the installed library; then the same from the unpacked Debian package.
#   run.sh SOURCE_DIR BUILD_DIR [deb]
set -euo pipefail
src=$1 build=$2 mode=${3:-install}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
policy=$src/examples/github-actions
allow=$policy/requests/prod-deploy.json

if [ "$mode" = deb ]; then
  (cd "$build" && cpack -G DEB -B "$work/package" >/dev/null)
  deb=$(ls "$work"/package/writ_*.deb)
  depends=$(dpkg-deb -f "$deb" Depends)
  echo "Depends: $depends"
  for needed in libllvm19 libantlr4-runtime4.9 libre2-9 libssl3 libfmt9 libsimdjson14 libstdc++6 libc6; do
    case "$depends" in *"$needed"*) ;; *) echo "the package does not depend on $needed"; exit 1 ;; esac
  done
  dpkg-deb -x "$deb" "$work/root"
  prefix=$work/root/usr
else
  cmake --install "$build" --prefix "$work/prefix" >/dev/null
  prefix=$work/prefix
fi
libdir=$(dirname "$(find "$prefix" -name 'libwrit.so.0' | head -1)")
test -n "$libdir" || { echo "libwrit.so.0 is not installed"; exit 1; }
test -x "$prefix/bin/writ" || { echo "the writ tool is not installed"; exit 1; }
test -f "$prefix/include/writ/engine.h" -a -f "$prefix/include/writ/writ.h" || { echo "headers missing"; exit 1; }
# No third-party header may be reachable from the public ones.
if grep -rhoE '#include <(nlohmann|llvm|antlr4|re2|simdjson|fmt)/' "$prefix/include/writ"; then
  echo "a public header includes a third-party header"; exit 1
fi
readelf -d "$libdir/libwrit.so.0" | grep -q 'SONAME.*libwrit.so.0' || { echo "no SONAME libwrit.so.0"; exit 1; }
export LD_LIBRARY_PATH=$libdir

cmake -S "$src/tests/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"
"$work/consumer/consumer_c"
# pkg-config, as a Makefile would use it.
PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name writ.pc | head -1)")
export PKG_CONFIG_PATH
# The .pc names the configured prefix; --define-prefix derives it from where the file is.
flags=$(pkg-config --define-prefix --cflags --libs writ)
g++ -std=c++20 "$src/examples/embedding/decide.cpp" $flags -o "$work/decide"
"$work/decide" "$policy" "$allow" | grep -q '"decision":"allow"'
WRIT_LIBRARY=$libdir/libwrit.so.0 python3 "$src/examples/embedding/decide.py" "$policy" "$allow" | grep -q '"decision":"allow"'
"$prefix/bin/writ" check "$policy" >/dev/null
echo "consumer ($mode): find_package, pkg-config, C, C++ and Python against $prefix: ok"
