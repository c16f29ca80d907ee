#!/usr/bin/env bash
# Merge+render, side by side: liveharness (lvh::protocol::rendered, Release build) against the
# official phoenix_live_view client of each profile under Node, on the same generated streams.
# Prints one table: profile, stream, steps, steps/s on each side, ratio. docs/benchmarks.md.
#   scripts/bench.sh [--quick] [--runs N] [--build-dir DIR]
#     --quick   streams a fifth as long, 3 runs a side (~20 s once built; ~2 min without)
# Environment: CXX picks the compiler (g++ by default).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-bench
quick=0
runs=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$runs" ] || runs=$([ $quick = 1 ] && echo 3 || echo 5)

command -v node >/dev/null || { echo "bench.sh: node (Node.js 20) is needed for the official client" >&2; exit 1; }
[ -d node_modules/phoenix_live_view-1.2.12 ] || { echo "bench.sh: node_modules lacks the official clients (run scripts/setup.sh)" >&2; exit 1; }

echo "== building $build_dir (Release)"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLVH_WERROR=ON \
  -DLVH_BUILD_TESTS=OFF -DLVH_BUILD_BENCHMARKS=ON >/dev/null
log=$build_dir/bench-build.log
if ! cmake --build "$build_dir" --target lvh_merge_render_bench -j "$(nproc 2>/dev/null || echo 2)" >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench.sh: the build failed" >&2
  exit 1
fi
bin=$build_dir/bench/lvh_merge_render_bench

streams=$build_dir/bench-streams$([ $quick = 1 ] && echo -quick || true)
results=$build_dir/bench-results
mkdir -p "$results"
echo "== generating streams in $streams"
node bench/make-streams.mjs --out "$streams" $([ $quick = 1 ] && echo --quick || true)

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
