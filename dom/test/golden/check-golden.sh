#!/bin/sh
# Regenerates the golden file with the pinned jsdom into the build tree and compares it
# with the committed one. Exit 77 (skip) when node or jsdom is not installed.
#   check-golden.sh <golden-dir> <output-file>
set -u
golden_dir=$1
out=$2
if ! command -v node >/dev/null 2>&1; then
  echo "node not found on PATH; skipping the jsdom golden check"
  exit 77
fi
node "$golden_dir/make-golden.mjs" "$out" || exit $?
if cmp -s "$golden_dir/fragments.json" "$out"; then
  echo "golden file is up to date"
  exit 0
fi
echo "fragments.json differs from what jsdom produces now; review and regenerate with"
echo "  node $golden_dir/make-golden.mjs"
diff -u "$golden_dir/fragments.json" "$out" | head -60
exit 1
