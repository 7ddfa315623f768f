#!/bin/sh
# bench/same_compare.sh - the companion of bench/same_stats.sh for
# 'mmusim compare': run two mmusim binaries' compare on the same workload
# (the built-in one by default) and check that they wrote identical results:
# every configuration's NAME.ini and the workload.ini byte for byte, every
# NAME.json but for its echoed command line, and compare.csv but for its
# "seconds" (run time) and "json" (output path) columns.
#
# usage: bench/same_compare.sh OLD_MMUSIM NEW_MMUSIM OUTDIR [WORKLOAD.ini]
#
# SAME_STATS_DROP as for bench/same_stats.sh: members of the JSON results
# the new binary adds, left out of the comparison (needs jq).  Comparing the
# CSV needs python3 (its quoted fields); without it the CSV is skipped, and
# said so.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 OLD NEW OUTDIR [WORKLOAD.ini]" >&2; exit 2; }
old=$1 new=$2 out=$3
shift 3
drop=${SAME_STATS_DROP:-}
rm -rf "$out/old" "$out/new"
mkdir -p "$out"
# One job at a time: the machine is shared, and the results do not depend on it.
"$old" compare -o "$out/old" -j 1 --quiet --no-progress "$@" || true
"$new" compare -o "$out/new" -j 1 --quiet --no-progress "$@" || true

normalise() {
	if [ -n "$drop" ]; then
		jq -S "del(.command) | del($drop)" "$1" >"$2" 2>/dev/null || : >"$2"
	else
		grep -v '^  "command":' "$1" >"$2" || true
	fi
}

csv_cut() {
	python3 - "$1" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
drop = {i for i, h in enumerate(rows[0]) if h in ('seconds', 'json')}
w = csv.writer(sys.stdout, lineterminator='\n')
for r in rows:
    w.writerow([v for i, v in enumerate(r) if i not in drop])
EOF
}

fail=0 n=0
for f in "$out"/old/*.ini "$out"/old/*.json; do
	[ -e "$f" ] || { echo "DIFFERENT: old compare wrote nothing"; exit 1; }
	b=${f##*/}
	n=$((n + 1))
	case $b in
	*.json)
		normalise "$f" "$out/$b.old.cmp"
		if [ -f "$out/new/$b" ]; then normalise "$out/new/$b" "$out/$b.new.cmp"; else : >"$out/$b.new.cmp"; fi
		if [ ! -s "$out/$b.old.cmp" ] || ! cmp -s "$out/$b.old.cmp" "$out/$b.new.cmp"; then
			echo "DIFFERENT: $b"
			fail=1
		fi ;;
	*)
		cmp -s "$f" "$out/new/$b" || { echo "DIFFERENT: $b"; fail=1; } ;;
	esac
done
if command -v python3 >/dev/null 2>&1; then
	n=$((n + 1))
	csv_cut "$out/old/compare.csv" >"$out/csv.old.cmp"
	csv_cut "$out/new/compare.csv" >"$out/csv.new.cmp" || : >"$out/csv.new.cmp"
	cmp -s "$out/csv.old.cmp" "$out/csv.new.cmp" || { echo "DIFFERENT: compare.csv"; fail=1; }
else
	echo "compare.csv not compared: no python3"
fi
echo "$n files compared"
[ "$fail" -eq 0 ] && echo "identical results" || exit 1
