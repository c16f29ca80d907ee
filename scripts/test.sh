#!/usr/bin/env bash
# Runs every liveharness test on a fresh Debian machine: installs what is missing, builds once
# with g++, runs ctest (labels unit, property, interop, fuzz-regression), then builds the
# libFuzzer targets with clang and fuzzes each one briefly, and checks that clang builds the
# whole tree too. Ends with "N passed, M failed".
#   scripts/test.sh                      everything
#   LVH_FUZZ_SECONDS=0 scripts/test.sh   skip the short fuzzing run
#   LVH_FUZZ_SKIP=dom_patch scripts/test.sh  fuzz every target but these (space-separated)
#   LVH_CLANG_CHECK=0 scripts/test.sh    skip the clang build of the whole tree
#   LVH_SEED=7 scripts/test.sh           another seed for the random interop streams
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
CXX=${CXX:-g++} scripts/build.sh build

log=$(mktemp "${TMPDIR:-/tmp}/lvh-ctest.XXXXXX")
trap 'rm -f "$log"' EXIT
status=0
ctest --test-dir build --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" \
  --timeout 900 2>&1 | tee "$log" || status=1

# "100% tests passed, 0 tests failed out of 193"
summary=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
ctest_failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$summary")
ctest_total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$summary")
[ -n "$summary" ] || { ctest_failed=1; ctest_total=1; status=1; }
passed=$((ctest_total - ctest_failed))
failed=$ctest_failed

fuzz_seconds=${LVH_FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" != 0 ]; then
  echo
  echo "== fuzzing each libFuzzer target for ${fuzz_seconds}s (scripts/fuzz.sh)"
  fuzz_log=$(mktemp "${TMPDIR:-/tmp}/lvh-fuzz.XXXXXX")
  # LVH_FUZZ_SKIP="a b" leaves those targets out of the smoke run (their corpora still replay
  # in ctest).
  skip_args=()
  for t in ${LVH_FUZZ_SKIP-}; do skip_args+=(--skip "$t"); done
  scripts/fuzz.sh --seconds "$fuzz_seconds" "${skip_args[@]}" 2>&1 | tee "$fuzz_log" || status=1
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$fuzz_log" | tail -n 1 || echo "0 passed, 1 failed")
  rm -f "$fuzz_log"
  passed=$((passed + ${line%% passed*}))
  f=${line#*, }
  failed=$((failed + ${f%% failed}))
fi

if [ "${LVH_CLANG_CHECK:-1}" != 0 ]; then
  echo
  echo "== building the whole tree with clang (scripts/build.sh build-clang, -O0: a compile check)"
  # Unoptimized and without debug info: this build only has to compile warning-free, and the
  # optimizer and DWARF are most of a cold build's time on two cores.
  if CXX=clang++ LVH_CMAKE_ARGS="-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0" \
       scripts/build.sh build-clang >/tmp/lvh-clang-build.log 2>&1; then
    echo "clang build: ok"
    passed=$((passed + 1))
  else
    echo "clang build: FAILED"
    grep -E 'error|FAILED' /tmp/lvh-clang-build.log | head -n 20
    failed=$((failed + 1))
    status=1
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && exit "$status" || exit 1
