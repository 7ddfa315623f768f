#!/bin/sh
# The main job of mmusim on built-in defaults, on this machine, from a fresh
# checkout or not: installs the Debian packages it needs (as root, or through
# sudo), builds an optimised mmusim under build/release, and runs it:
#   1. `mmusim walk --refs` on the bundled nested-walk scenario: the 19
#      memory references of a 4-level guest walk over a 3-level stage 2;
#   2. `mmusim layout` for the stage-2 IPA sizes a hypervisor chooses between;
#   3. a design-review sweep on two synthetic workloads (`mmusim gen`):
#      native vs virtualized, stage 2 with 3 vs 4 levels (40- vs 48-bit IPA),
#      stage-2 pages vs 2M blocks, on the Neoverse N1 TLB hierarchy;
#   4. `mmusim report` on the sweep: charts, tables and the commands that
#      reproduce every number, in build/release/demo/report/index.html.
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
echo "== mmusim gen: two synthetic workloads =="
[ -f "$DEMO/zipf.mmt" ] || "$MMUSIM" gen --pattern zipf --footprint 1g --accesses 4m \
	--writes 0.3 --fetch-ratio 3 --code 2m --seed 1 "$DEMO/zipf.mmt"
[ -f "$DEMO/random.mmt" ] || "$MMUSIM" gen --pattern random --footprint 8g --accesses 1m \
	--writes 0.3 --seed 2 "$DEMO/random.mmt"

cat >"$DEMO/design-review.ini" <<'INI'
# Written by run.sh: what a TLB miss costs natively and under stage 2 with
# 3 or 4 levels, with stage-2 pages or 2M blocks, on the Neoverse N1 TLBs.
[sweep]
preset = neoverse-n1
workload = zipf: zipf.mmt
workload = random: random.mmt

[config native]
set = run.mode=native

[config virt-s2-3lvl-pages]
set = stage2.ipa_bits=40
set = stage2.blocks=none

[config virt-s2-4lvl-pages]
set = stage2.ipa_bits=48
set = stage2.blocks=none

[config virt-s2-3lvl-2m]
set = stage2.ipa_bits=40
set = stage2.blocks=l2

[config virt-s2-4lvl-2m]
set = stage2.ipa_bits=48
set = stage2.blocks=l2
INI
echo
echo "== mmusim sweep $DEMO/design-review.ini =="
"$MMUSIM" sweep --no-progress -o "$DEMO/design-review.out" "$DEMO/design-review.ini"
echo
echo "== mmusim report =="
"$MMUSIM" report -o "$DEMO/report" "$DEMO/design-review.out"
