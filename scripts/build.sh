#!/usr/bin/env bash
# Configures and builds liveharness once, for every test, benchmark and the CLI.
#   scripts/build.sh [BUILD_DIR]        (default: build)
# Environment: CXX picks the compiler (g++ by default), LVH_CMAKE_ARGS adds cmake options,
# LVH_TARGETS builds only those targets (default: everything).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLVH_WERROR=ON \
  ${LVH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$jobs" ${LVH_TARGETS:+--target $LVH_TARGETS}
