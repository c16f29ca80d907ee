#!/usr/bin/env bash
# The benchmarks of docs/benchmarks.md, Release build, each side by side with a peer in one run:
#   merge      merge+render vs the official phoenix_live_view client of each profile (Node)
#   diff       reference diff generation vs liveviewjs (Node)
#   memory     memory per connected idle view of the golden view (goal < 8 KB)
#   patch      DOM patch of a 100-row table vs the official client's View.update under jsdom
#   roundtrip  click → event → diff → patch round trips in-process (goal ≥ 50k/s)
#   testkit    testkit render_click round trips in-process (LiveViewTest: ~12k/s)
#   scripts/bench.sh [--quick] [--runs N] [--build-dir DIR] [--only LIST]
#     --quick   shorter runs, 3 runs a side (~1 min once built)
#     --only    comma-separated sections (default: all)
# Environment: CXX picks the compiler (g++ by default).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-bench
quick=0
runs=
only=merge,diff,memory,patch,roundtrip,testkit
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --only) only=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$runs" ] || runs=$([ $quick = 1 ] && echo 3 || echo 5)

command -v node >/dev/null || { echo "bench.sh: node (Node.js 20) is needed for the official client" >&2; exit 1; }
[ -d node_modules/phoenix_live_view-1.2.12 ] || { echo "bench.sh: node_modules lacks the official clients (run scripts/setup.sh)" >&2; exit 1; }
[ -d node_modules/liveviewjs ] || { echo "bench.sh: node_modules lacks liveviewjs (run scripts/setup.sh)" >&2; exit 1; }
want() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
targets=
want merge && targets="$targets lvh_merge_render_bench"
want diff && targets="$targets lvh_reference_diff_bench"
want memory && targets="$targets lvh_view_memory_bench"
want patch && targets="$targets lvh_patch_bench"
want roundtrip && targets="$targets lvh_roundtrip_bench"
want testkit && targets="$targets lvh_testkit_bench"

echo "== building $build_dir (Release)"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLVH_WERROR=ON \
  -DLVH_BUILD_TESTS=OFF -DLVH_BUILD_BENCHMARKS=ON >/dev/null
log=$build_dir/bench-build.log
# shellcheck disable=SC2086
if ! cmake --build "$build_dir" --target $targets -j "$(nproc 2>/dev/null || echo 2)" >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench.sh: the build failed" >&2
  exit 1
fi
bin=$build_dir/bench/lvh_merge_render_bench
results=$build_dir/bench-results
mkdir -p "$results"

streams=$build_dir/bench-streams$([ $quick = 1 ] && echo -quick || true)
echo "== generating streams in $streams"
node bench/make-streams.mjs --out "$streams" $([ $quick = 1 ] && echo --quick || true)

if want merge; then
  # Both sides must render the same markup, or the figures compare different work.
  echo "== checking that both sides render the same markup (first 120 steps of each stream)"
  node bench/merge-render-peer.mjs --check --bench-bin "$bin" --streams "$streams" --steps 120

  echo "== liveharness ($runs runs after a warm-up run)"
  "$bin" --steps-per-second --streams "$streams" --runs "$runs" >"$results/liveharness.json"
  echo "== official client ($runs runs after a warm-up run)"
  node bench/merge-render-peer.mjs --streams "$streams" --runs "$runs" >"$results/official.json"

  echo
  node bench/report.mjs "$results/liveharness.json" "$results/official.json"
  echo "(raw figures: $results/liveharness.json, $results/official.json)"
fi

bb=$build_dir/bench
if want diff; then
  diffs=$([ $quick = 1 ] && echo 4000 || echo 20000)
  echo
  echo "== reference diff generation: liveharness vs liveviewjs ($runs runs a side after a warm-up run, CPU time)"
  "$bb/lvh_reference_diff_bench" --diffs-per-second --runs "$runs" --diffs "$diffs" >"$results/diff-liveharness.json"
  node bench/liveviewjs-diff-peer.mjs --runs "$runs" --diffs "$diffs" >"$results/diff-liveviewjs.json"
  node bench/side-report.mjs diff "$results/diff-liveharness.json" "$results/diff-liveviewjs.json"
fi

if want memory; then
  echo
  echo "== memory per connected idle view (golden view)"
  "$bb/lvh_view_memory_bench" --views "$([ $quick = 1 ] && echo 200 || echo 1000)"
fi

if want patch; then
  # The official client patches through jsdom (tens of ms a patch): it gets fewer steps.
  ours_steps=$([ $quick = 1 ] && echo 201 || echo 1001)
  peer_steps=$([ $quick = 1 ] && echo 41 || echo 201)
  echo
  echo "== DOM patch, 100-row table, one row changed: liveharness vs the official client under jsdom (CPU time)"
  "$bb/lvh_patch_bench" --patches-per-second --streams "$streams" --runs "$runs" --steps "$ours_steps" >"$results/patch-liveharness.json"
  node bench/patch-peer.mjs --streams "$streams" --runs "$([ $quick = 1 ] && echo 1 || echo 3)" --steps "$peer_steps" >"$results/patch-official.json"
  node bench/side-report.mjs patch "$results/patch-liveharness.json" "$results/patch-official.json"
  # The same markup at the end, checked on equal step counts.
  "$bb/lvh_patch_bench" --patches-per-second --streams "$streams" --runs 1 --steps "$peer_steps" >"$results/patch-check.json"
  node bench/side-report.mjs patch "$results/patch-check.json" "$results/patch-official.json" >/dev/null \
    || { echo "bench.sh: the DOM patch sides ended with different markup" >&2; exit 1; }
  echo "(both sides end with the same container markup after $((peer_steps - 1)) patches)"
fi

if want roundtrip; then
  echo
  echo "== click round trips, in-process ($runs runs after a warm-up run, CPU time)"
  "$bb/lvh_roundtrip_bench" --round-trips-per-second --runs "$runs" --clicks "$([ $quick = 1 ] && echo 4000 || echo 20000)" \
    >"$results/roundtrip.json"
fi
if want testkit; then
  echo
  echo "== testkit render_click, in-process ($runs runs after a warm-up run, CPU time)"
  "$bb/lvh_testkit_bench" --round-trips-per-second --runs "$runs" --clicks "$([ $quick = 1 ] && echo 4000 || echo 20000)" \
    >"$results/testkit.json"
fi
echo "(raw figures: $results/)"
