#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and fuzzes each for a while, from a scratch copy of
# its corpus (the committed corpus never grows).
#   scripts/fuzz.sh [--seconds N] [--target NAME] [--skip NAME] [--build-dir DIR]
# Prints "ok" or the crash reproducer per target, then "N passed, M failed"; exits 1 if any
# target failed to build or crashed. Environment: CLANGXX picks the compiler (clang++).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=10
only=""
skip=""
build_dir=build-fuzz
usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --target) only=${2:?--target needs a value}; shift 2 ;;
    --skip) skip="$skip,${2:?--skip needs a value}"; shift 2 ;;
    --build-dir) build_dir=${2:?--build-dir needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fuzz.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --seconds wants a whole number" >&2; exit 2; }

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="${CLANGXX:-clang++}" \
  -DLVH_BUILD_FUZZERS=ON -DLVH_BUILD_TESTS=OFF -DLVH_BUILD_BENCHMARKS=OFF >/dev/null

targets_file="$build_dir/fuzz/targets.tsv"
[ -f "$targets_file" ] || { echo "fuzz.sh: $targets_file missing after configure" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lvh-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts_root="$(cd "$build_dir" && pwd)/fuzz-artifacts"

passed=0
failed=0
found=0
while IFS=$'\t' read -r name exe corpus dict; do
  [ -n "$name" ] || continue
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  case ",$skip," in *",$name,"*) echo "$name: skipped (--skip)"; continue ;; esac
  found=1
  if ! cmake --build "$build_dir" --target "fuzz_$name" >"$work/$name.build.log" 2>&1; then
    echo "$name: FAILED to build (log below)"
    tail -n 30 "$work/$name.build.log" | sed 's/^/  /'
    failed=$((failed + 1))
    continue
  fi

  mkdir -p "$work/$name/corpus"
  cp -R "$corpus/." "$work/$name/corpus/"
  artifacts="$artifacts_root/$name"
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -artifact_prefix="$artifacts/" -print_final_stats=1)
  [ "$dict" = "-" ] || args+=(-dict="$dict")

  log="$artifacts/fuzz.log"
  if (cd "$work/$name" && "$exe" "${args[@]}" corpus) >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    echo "$name: ok (${runs:-?} runs in ${seconds}s)"
    passed=$((passed + 1))
  else
    repro=$(ls -t "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* \
              "$artifacts"/oom-* 2>/dev/null | head -n 1 || true)
    echo "$name: FAILED: ${repro:-no reproducer written} (log: $log)"
    grep -m 5 -E 'ERROR|property violated|runtime error|terminate' "$log" | sed 's/^/  /' || true
    failed=$((failed + 1))
  fi
done <"$targets_file"

if [ -n "$only" ] && [ "$found" = 0 ]; then
  echo "$only: FAILED: no such fuzz target (see $targets_file)"
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
