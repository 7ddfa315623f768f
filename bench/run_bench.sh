#!/bin/sh
# bench/run_bench.sh - replay throughput and peak memory of 'mmusim run'.
#
# Run by 'make bench' (bench/local.mk), which passes:
#   MMUSIM     the mmusim program of this build tree
#   GEN        bench/gen_bench_trace of this build tree
#   BENCH_OUT  where the traces and JSON go (the build tree's bench/out)
# Knobs:
#   BENCH_HIT_N         hit-dominated accesses, native   (default 200000000)
#   BENCH_HIT_LACKEY_N  hit-dominated accesses, lackey   (default  50000000)
#   BENCH_WALK_N        walk-heavy accesses, both formats (default  5000000)
#   BENCH_PAGES         distinct pages of the footprint trace (10000000)
#   BENCH_RUNS          runs per trace; the best is reported (default 3)
#   BENCH_KEEP=1        keep the generated traces (else deleted after use)
#
# Every run is 'mmusim run --preset neoverse-n1 --quiet --no-progress
# --json FILE TRACE', timed from outside (so trace reading and parsing
# count): wall clock, and with /usr/bin/time the CPU time (user + sys) and
# the peak RSS.  The build's optimisation is the build's: measure in a tree
# configured with the default CFLAGS (-O2), not a debug or sanitizer build.
#
# Targets (one core): >= 100 M accesses/s on hit-dominated native input,
# >= 20 M accesses/s on lackey text (the hit-dominated trace; the walk-heavy
# lackey figure is bound by walks and is reported without a target), and the
# 10-million-page trace must run (memory proportional to the pages touched).
# The targets are judged on CPU time, the one-core figure: on a machine
# shared with other work the wall clock also counts the time the run waited
# for a core.  Both rates are printed; without /usr/bin/time only wall.
set -eu

: "${MMUSIM:?MMUSIM must name the mmusim program}"
: "${GEN:?GEN must name bench/gen_bench_trace}"
: "${BENCH_OUT:?BENCH_OUT must name the output directory}"
HIT_N=${BENCH_HIT_N:-200000000}
HIT_LACKEY_N=${BENCH_HIT_LACKEY_N:-50000000}
WALK_N=${BENCH_WALK_N:-5000000}
PAGES=${BENCH_PAGES:-10000000}
RUNS=${BENCH_RUNS:-3}
KEEP=${BENCH_KEEP:-0}
TARGET_NATIVE_HIT=100
TARGET_LACKEY=20

mkdir -p "$BENCH_OUT"
TIMER=
if [ -x /usr/bin/time ]; then
	TIMER=/usr/bin/time
fi

json_num() {
	# json_num FILE KEY: the first number after "KEY": in FILE
	sed -n "s/.*\"$2\": *\([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
}

now() {
	date +%s.%N
}

RESULTS="$BENCH_OUT/results.txt"
: >"$RESULTS"
FAIL=0

# bench_one NAME FORMAT TRACE TARGET_MACC_S|-: best of RUNS runs
bench_one() {
	name=$1 fmt=$2 trace=$3 target=$4
	best_s= best_cpu= best_rss= json="$BENCH_OUT/$name.$fmt.json"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		i=$((i + 1))
		tf="$BENCH_OUT/time.out"
		t0=$(now)
		if [ -n "$TIMER" ]; then
			$TIMER -f '%U %S %M' -o "$tf" "$MMUSIM" run --preset neoverse-n1 --quiet \
				--no-progress --json "$json" "$trace"
		else
			"$MMUSIM" run --preset neoverse-n1 --quiet --no-progress --json "$json" "$trace"
			echo "0 0 0" >"$tf"
		fi
		t1=$(now)
		s=$(echo "$t1 $t0" | awk '{ printf "%.3f", $1 - $2 }')
		cpu=$(tail -n 1 "$tf" | awk '{ printf "%.2f", $1 + $2 }')
		rss=$(tail -n 1 "$tf" | awk '{ print $3 }')
		if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
			best_s=$s
		fi
		if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
			best_cpu=$cpu
		fi
		if [ -z "$best_rss" ] || [ "$rss" -lt "$best_rss" ]; then
			best_rss=$rss
		fi
	done
	if ! grep -q '"complete": true' "$json"; then
		echo "bench: $name $fmt: the run did not complete" >&2
		FAIL=1
	fi
	acc=$(json_num "$json" accesses)
	walks=$(json_num "$json" walks)
	pages=$(json_num "$json" s1_pages)
	awk -v name="$name" -v fmt="$fmt" -v acc="$acc" -v s="$best_s" -v walks="$walks" \
	    -v cpu="$best_cpu" -v rss="$best_rss" -v target="$target" -v pages="$pages" \
	    -v timer="$TIMER" 'BEGIN {
		rate = acc / s / 1e6
		crate = timer != "" && cpu > 0 ? acc / cpu / 1e6 : rate
		verdict = "-"
		if (target != "-")
			verdict = sprintf("%s (>= %d)", crate >= target ? "PASS" : "FAIL", target)
		rssm = timer == "" ? "n/a" : sprintf("%.1f", rss / 1024)
		cpus = timer == "" ? "n/a" : sprintf("%.2f", cpu)
		crates = timer == "" ? "n/a" : sprintf("%.1f", crate)
		printf "%-6s %-6s %11d %8.2f %9.1f %8s %9s %10d %8s  %s\n", name, fmt, acc, s, rate,
		       cpus, crates, walks, rssm, verdict
		if (name == "pages" && timer != "" && pages > 0)
			printf "pages: %d pages mapped, %.0f bytes of peak RSS per page\n", pages,
			       rss * 1024 / pages > "/dev/stderr"
		if (verdict ~ /^FAIL/)
			exit 1
	}' >>"$RESULTS" 2>>"$RESULTS.notes" || FAIL=1
}

gen() {
	echo "generating: $*"
	"$GEN" "$@"
}

cleanup() {
	[ "$KEEP" = 1 ] || rm -f "$BENCH_OUT/hit.mmt" "$BENCH_OUT/hitl.mmt" \
		"$BENCH_OUT/hit.lackey" "$BENCH_OUT/walk.mmt" "$BENCH_OUT/walk.lackey" \
		"$BENCH_OUT/pages.mmt"
}
trap cleanup EXIT
: >"$RESULTS.notes"

echo "mmusim: $MMUSIM"
echo "traces in $BENCH_OUT; best of $RUNS runs each"

gen hit "$HIT_N" "$BENCH_OUT/hit.mmt"
bench_one hit native "$BENCH_OUT/hit.mmt" "$TARGET_NATIVE_HIT"
[ "$KEEP" = 1 ] || rm -f "$BENCH_OUT/hit.mmt"

gen hit "$HIT_LACKEY_N" "$BENCH_OUT/hitl.mmt" "$BENCH_OUT/hit.lackey"
rm -f "$BENCH_OUT/hitl.mmt"
bench_one hit lackey "$BENCH_OUT/hit.lackey" "$TARGET_LACKEY"
[ "$KEEP" = 1 ] || rm -f "$BENCH_OUT/hit.lackey"

gen walk "$WALK_N" "$BENCH_OUT/walk.mmt" "$BENCH_OUT/walk.lackey"
bench_one walk native "$BENCH_OUT/walk.mmt" -
bench_one walk lackey "$BENCH_OUT/walk.lackey" -
[ "$KEEP" = 1 ] || rm -f "$BENCH_OUT/walk.mmt" "$BENCH_OUT/walk.lackey"

gen pages $((PAGES * 2)) "$BENCH_OUT/pages.mmt"
bench_one pages native "$BENCH_OUT/pages.mmt" -
[ "$KEEP" = 1 ] || rm -f "$BENCH_OUT/pages.mmt"

echo
echo "mmusim run --preset neoverse-n1 --quiet --no-progress --json FILE TRACE"
printf "%-6s %-6s %11s %8s %9s %8s %9s %10s %8s  %s\n" trace format accesses "wall s" \
	"M acc/s" "CPU s" "M acc/s" walks "RSS MiB" "target (on CPU time)"
cat "$RESULTS"
cat "$RESULTS.notes"
if [ "$FAIL" -ne 0 ]; then
	echo "bench: a target was missed"
	exit 1
fi
echo "bench: every target met"
