#!/bin/sh
# The main job of mmusim on built-in defaults, on this machine, from a fresh
# checkout or not: installs the Debian packages it needs (as root, or through
# sudo), builds an optimised mmusim under build/release, and runs it:
#   1. `mmusim walk --refs` on the bundled nested-walk scenario: the 19
#      memory references of a 4-level guest walk over a 3-level stage 2;
#   2. `mmusim layout` for the stage-2 IPA sizes a hypervisor chooses between;
#   3. `mmusim compare`: the design-review set of configurations (native;
#      stage 2 at 3 vs 4 levels, concatenated start tables, walk caches;
#      stage-2 pages vs 2M vs 1G blocks; the hypervisor's TLB policies) on
#      the built-in 2-CPU, 2-VM workload;
#   4. `mmusim report` on its results: charts, tables and the command that
#      reproduces every number, in build/release/demo/compare/report/.
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

DEMO=build/release/demo
mkdir -p "$DEMO"
echo
echo "== mmusim compare -o $DEMO/compare =="
"$MMUSIM" compare -o "$DEMO/compare"
echo
echo "== mmusim report -o $DEMO/compare/report $DEMO/compare/*.json =="
"$MMUSIM" report -o "$DEMO/compare/report" "$DEMO"/compare/*.json
