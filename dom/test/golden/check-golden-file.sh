#!/bin/sh
# Runs a golden generator with the pinned jsdom into the build tree and compares its output
# with the committed file. Exit 77 (skip) when node or jsdom is not installed.
#   check-golden-file.sh <generator.mjs> <committed.json> <output-file>
set -u
script=$1
committed=$2
out=$3
if ! command -v node >/dev/null 2>&1; then
  echo "node not found on PATH; skipping the jsdom golden check"
  exit 77
fi
node "$script" "$out" || exit $?
if cmp -s "$committed" "$out"; then
  echo "golden file is up to date"
  exit 0
fi
echo "$committed differs from what jsdom produces now; review and regenerate with"
echo "  node $script"
diff -u "$committed" "$out" | head -60
exit 1
