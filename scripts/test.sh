#!/usr/bin/env bash
# Runs every liveharness test on a fresh Debian machine: installs what is missing, builds once
# with g++, runs ctest (unit, property, interop, fuzz-regression), then builds the libFuzzer
# targets with clang and fuzzes each one briefly.
#   scripts/test.sh                      everything
#   LVH_FUZZ_SECONDS=0 scripts/test.sh   skip the short fuzzing run
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
CXX=${CXX:-g++} scripts/build.sh build

status=0
ctest --test-dir build --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" \
  --timeout 900 || status=1

fuzz_seconds=${LVH_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh --seconds "$fuzz_seconds" || status=1
fi
exit $status
