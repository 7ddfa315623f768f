#!/bin/sh
# The main job of mmusim on built-in defaults, on this machine, from a fresh
# checkout or not: installs the Debian packages it needs (as root, or through
# sudo), builds an optimised mmusim under build/release, and runs it.
#
# What it runs grows with the simulator; today:
#   1. `mmusim walk --refs` on the bundled nested-walk scenario, showing the
#      19 memory references of a 4-level guest walk over a 3-level stage 2;
#   2. `mmusim layout` for the stage-2 IPA sizes a hypervisor chooses between.
set -eu
cd "$(dirname "$0")"
. ./scripts/common.sh

ensure_debs
build_flavour release CFLAGS="-O2 -g"
MMUSIM=build/release/mmusim

echo "== mmusim walk --refs workloads/scenarios/nested-4k.scn =="
"$MMUSIM" walk --refs workloads/scenarios/nested-4k.scn
for spec in "4k 40" "4k 44" "4k 48" "16k 40" "64k 42"; do
	set -- $spec
	echo
	echo "== mmusim layout --stage 2 --granule $1 --bits $2 =="
	"$MMUSIM" layout --stage 2 --granule "$1" --bits "$2"
done
