#!/bin/sh
# Proves the installed package works: installs a build tree to a temporary prefix, then
# configures, builds and runs examples/consumer against it with find_package(liveharness).
#
#   scripts/check-install.sh <build-dir> [c++ compiler]
# The build dir must have its libraries built (cmake --build <build-dir>).
set -eu
build=${1:?usage: check-install.sh <build-dir> [c++ compiler]}
cxx=${2:-c++}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lvh-check-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" || {
  cat "$work/install.log"; exit 1; }
test -f "$work/prefix/lib/cmake/liveharness/liveharnessConfig.cmake" || {
  echo "no liveharnessConfig.cmake installed"; exit 1; }

generator=""
command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
# shellcheck disable=SC2086
cmake -S "$src/examples/consumer" -B "$work/consumer" $generator \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
ctest --test-dir "$work/consumer" --output-on-failure
