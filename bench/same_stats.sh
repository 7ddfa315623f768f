#!/bin/sh
# bench/same_stats.sh - check that two mmusim binaries report identical
# statistics: run each over the same traces and configurations and compare
# the --json output byte for byte (but for the echoed command line).  For changes to the replay's hot path,
# which must never change a result.
#
# usage: bench/same_stats.sh OLD_MMUSIM NEW_MMUSIM OUTDIR TRACE...
set -eu
[ $# -ge 4 ] || { echo "usage: $0 OLD NEW OUTDIR TRACE..." >&2; exit 2; }
old=$1 new=$2 out=$3
shift 3
mkdir -p "$out"
fail=0 n=0
for trace in "$@"; do
	for conf in "--preset neoverse-n1" \
		    "--preset neoverse-n1 --set run.fast_path=0" \
		    "--preset neoverse-n1 --set run.mode=native" \
		    "--preset neoverse-n1 --set run.mode=s2only" \
		    "--preset neoverse-n1 --set run.warmup=100000 --set run.crossing=first" \
		    "--preset neoverse-n1 --set tlb.L1D.entries=32 --set tlb.L1D.repl=plru --set tlb.L1I.repl=random" \
		    "--preset neoverse-n1 --set tlb.L1D.repl=fifo --set tlb.L1D.org=split" \
		    "--preset neoverse-n1 --set stage1.blocks=l2" \
		    "--preset cortex-a57" "--preset cortex-a72" "--preset one-level"; do
		n=$((n + 1))
		rm -f "$out/old.$n.json" "$out/new.$n.json"
		# shellcheck disable=SC2086
		"$old" run $conf --quiet --no-progress --json "$out/old.$n.json" "$trace" || true
		# shellcheck disable=SC2086
		"$new" run $conf --quiet --no-progress --json "$out/new.$n.json" "$trace" || true
		# The echoed command line names the output file: leave it out.
		grep -v '^  "command":' "$out/old.$n.json" >"$out/old.$n.cmp" || true
		grep -v '^  "command":' "$out/new.$n.json" >"$out/new.$n.cmp" || true
		if [ ! -s "$out/old.$n.cmp" ] || ! cmp -s "$out/old.$n.cmp" "$out/new.$n.cmp"; then
			echo "DIFFERENT: $trace: $conf"
			fail=1
		fi
	done
done
echo "$n runs compared"
[ "$fail" -eq 0 ] && echo "identical statistics" || exit 1
