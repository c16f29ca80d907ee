#!/usr/bin/env bash
# The main job on a fresh Debian machine: installs what is missing, builds liveharness, and
# runs it. Until the conformance suite lands, the main job is `liveharness merge` on the
# bundled example streams: each is applied the way the official client of a profile does,
# printing the container's HTML after every step.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
CXX=${CXX:-g++} LVH_TARGETS=liveharness scripts/build.sh build

lh=build/cli/liveharness
status=0
run() {
  echo "### liveharness merge --client $1 $2"
  "$lh" merge --client "$1" "$2" || status=1
  echo
}
run 0.15.7 examples/streams/counter-phoenix-0.15.7.json
run 1.0 examples/streams/counter-phoenix-0.20.17.json
run 1.2 examples/streams/todos-1.2.json
exit $status
