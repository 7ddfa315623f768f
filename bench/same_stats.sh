#!/bin/sh
# bench/same_stats.sh - check that two mmusim binaries report identical
# statistics: run each over the same inputs and configurations and compare
# the --json output byte for byte (but for the echoed command line).  For
# changes to the engine that must never change a result.
#
# usage: bench/same_stats.sh OLD_MMUSIM NEW_MMUSIM OUTDIR INPUT...
#
# An INPUT is a trace, replayed as 'mmusim run ... TRACE' (a trace with
# context or VM switch records runs as the processes and VMs it names); a
# workload (a name ending in .ini), replayed as 'mmusim run ... --workload
# FILE'; or WORKLOAD.ini:TRACE, a workload driven by a trace's records
# ('mmusim run ... --workload WORKLOAD.ini TRACE').  Workloads run under
# every configuration but run.mode = s2only, which they cannot run in.
#
# SAME_STATS_DROP: a jq path (e.g. '.ptcache', or '.a, .b') of members the
# new binary adds; when set, both results go through jq with those members
# and "command" deleted and are compared as jq prints them.  Leave it unset
# to compare byte for byte.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 OLD NEW OUTDIR INPUT..." >&2; exit 2; }
old=$1 new=$2 out=$3
shift 3
drop=${SAME_STATS_DROP:-}
mkdir -p "$out"
fail=0 n=0

# normalise JSON OUT: what of a result is compared
normalise() {
	if [ -n "$drop" ]; then
		jq -S "del(.command) | del($drop)" "$1" >"$2" 2>/dev/null || : >"$2"
	else
		# The echoed command line names the output file: leave it out.
		grep -v '^  "command":' "$1" >"$2" || true
	fi
}

for input in "$@"; do
	case $input in
	*.ini:*) what="--workload ${input%%:*} ${input#*.ini:}" ;;
	*.ini) what="--workload $input" ;;
	*) what=$input ;;
	esac
	for conf in "--preset neoverse-n1" \
		    "--preset neoverse-n1 --set run.fast_path=0" \
		    "--preset neoverse-n1 --set run.mode=native" \
		    "--preset neoverse-n1 --set run.mode=s2only" \
		    "--preset neoverse-n1 --set run.warmup=100000 --set run.crossing=first" \
		    "--preset neoverse-n1 --set tlb.L1D.entries=32 --set tlb.L1D.repl=plru --set tlb.L1I.repl=random" \
		    "--preset neoverse-n1 --set tlb.L1D.repl=fifo --set tlb.L1D.org=split" \
		    "--preset neoverse-n1 --set stage1.blocks=l2" \
		    "--preset neoverse-n1 --set policy.vmid_tagging=0 --set policy.kernel_global=0" \
		    "--preset cortex-a57" "--preset cortex-a72" "--preset one-level"; do
		case "$input:$conf" in
		*.ini:*run.mode=s2only*) continue ;;
		esac
		n=$((n + 1))
		rm -f "$out/old.$n.json" "$out/new.$n.json"
		# shellcheck disable=SC2086
		"$old" run $conf --quiet --no-progress --json "$out/old.$n.json" $what || true
		# shellcheck disable=SC2086
		"$new" run $conf --quiet --no-progress --json "$out/new.$n.json" $what || true
		[ -s "$out/old.$n.json" ] && normalise "$out/old.$n.json" "$out/old.$n.cmp" ||
			: >"$out/old.$n.cmp"
		[ -s "$out/new.$n.json" ] && normalise "$out/new.$n.json" "$out/new.$n.cmp" ||
			: >"$out/new.$n.cmp"
		if [ ! -s "$out/old.$n.cmp" ] || ! cmp -s "$out/old.$n.cmp" "$out/new.$n.cmp"; then
			echo "DIFFERENT: $input: $conf"
			fail=1
		fi
	done
done
echo "$n runs compared"
[ "$fail" -eq 0 ] && echo "identical statistics" || exit 1
