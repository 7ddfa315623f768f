#!/bin/sh
# results/same_results.sh - check that two mmusim programs write the same
# results and reports: `mmusim compare` (its table, compare.csv, every
# NAME.ini and NAME.json), `mmusim sweep` (cells.tsv, every cell's result,
# results.csv, --list, the Slurm and GNU parallel scripts, --cell) and
# `mmusim report` of a compare directory, a sweep directory, JSON results
# and a CSV (index.html, report.md, data/, charts/, plot.sh), byte for byte.
# For changes to the results code, which must never change an output.
#
# usage: results/same_results.sh OLD_MMUSIM NEW_MMUSIM OUTDIR
#
# Both programs run in the same directory (OUTDIR/work), one after the
# other, so that the paths written into the results are the same; the
# outputs are then moved to OUTDIR/old and OUTDIR/new and compared.  What
# differs by nature is left out: compare.csv's "seconds" column (the time
# each configuration took) and the program's own path in the sweep's job
# scripts.  Both reports draw with this source tree's chart scripts
# (MMUSIM_PLOTDIR).  Needs gnuplot for the charts.  Last line: "identical
# results and reports", or the exit status is 1.
set -u
[ $# -eq 3 ] || { echo "usage: $0 OLD NEW OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
old=$(abs "$1") new=$(abs "$2")
out=$(abs "$3")
rm -rf "$out"
mkdir -p "$out/work" "$out/old" "$out/new" || exit 2
cd "$out/work" || exit 2
export MMUSIM_PLOTDIR="$src/results/plot"
fail=0 n=0
different() { echo "DIFFERENT: $*"; fail=1; }

# ---- inputs --------------------------------------------------------------
mktrace() { # mktrace FILE N SEED PAGES: N loads and stores to random pages
	awk -v n="$2" -v s="$3" -v p="$4" 'BEGIN { for (i = 0; i < n; i++) {
		s = (s * 1103515245 + 12345) % 2147483648;
		printf(" %s %x,8\n", i % 3 ? "L" : "S", 1073741824 + (s % p) * 4096) } }' > "$1"
}
mkdir -p in/traces
mktrace in/traces/a.lackey 20000 1 4096
mktrace in/traces/b.lackey 20000 2 65536
cp "$src/tests/data/sweep/loads-65536.lackey.zst" in/traces/
cat > in/sweep.ini <<'EOF'
[sweep]
preset = neoverse-n1
set = tlb.L2.ways = 4
vary = tlb.L2.entries: 256, 1024
vary = stage2.ipa_bits, stage2.start_level: 36/1, 44/0
workload = in/traces/a.lackey
workload = wide: in/traces/b.lackey
workload = in/traces/loads-65536.lackey.zst
EOF
# the paths are relative to the sweep file
sed -i 's|= in/traces|= traces|; s|: in/traces|: traces|' in/sweep.ini
# slow.zst: 2^16 copies of a zstd frame of 65536 loads, far more work
# than the time limit of 1 s of timed.ini allows
cp in/traces/loads-65536.lackey.zst in/traces/slow.zst
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	cat in/traces/slow.zst in/traces/slow.zst > in/traces/slow2.zst &&
		mv in/traces/slow2.zst in/traces/slow.zst
done
printf '[sweep]\nworkload = traces/a.lackey\nworkload = slow: traces/slow.zst\ntime_limit = 1\n' \
	> in/timed.ini
cat > in/named.ini <<'EOF'
[sweep]
workload = traces/a.lackey
vary = tlb.L1D.entries: 16, 48
[config a57]
preset = cortex-a57
[config native]
preset = neoverse-n1
set = run.mode = native
EOF

# run NAME CMD...: run CMD with OLD, then with NEW, in the same directory,
# keeping stdout, stderr, the exit status and everything CMD wrote (the
# files new in the work directory) under OUTDIR/old/NAME, OUTDIR/new/NAME.
run() {
	name=$1
	shift
	for side in old new; do
		eval "prog=\$$side"
		mkdir -p "$out/$side/$name"
		ls -A > "$out/before.lst"
		"$prog" "$@" > "$out/$side/$name/stdout" 2> "$out/$side/$name/stderr"
		echo $? > "$out/$side/$name/status"
		for f in $(ls -A | grep -vxF -f "$out/before.lst"); do
			mv "$f" "$out/$side/$name/"
		done
	done
}

# same NAME: the outputs of run NAME are identical (but for what differs
# by nature; see above).  Compared as copies, in OUTDIR/cmp.
same() {
	n=$((n + 1))
	for side in old new; do
		d=$out/cmp/$side/$1
		rm -rf "$d"
		mkdir -p "$out/cmp/$side"
		cp -r "$out/$side/$1" "$d"
		# compare.csv: the value of its "seconds" column, which follows "json"
		for f in $(find "$d" -name '*.csv'); do
			sed -i -E 's/(\.json),[0-9]+\.[0-9]{3},/\1,SECONDS,/' "$f"
		done
		# job scripts and messages name the program that wrote them
		eval "prog=\$$side"
		real=$(readlink -f "$prog")
		for f in $(grep -rlF "$real" "$d" 2>/dev/null); do
			sed -i "s|$real|MMUSIM|g" "$f"
		done
	done
	diff -r "$out/cmp/old/$1" "$out/cmp/new/$1" > "$out/$1.diff" 2>&1 ||
		different "$1 (see $out/$1.diff)"
}

# ---- compare ---------------------------------------------------------------
run compare compare -j 2 -o cmp --no-progress
same compare
run compare-j1 compare -j 1 --only native,virt,kernel-ng,s2-blocks-1g -o cmp1 --csv cmp1.csv
# the progress lines hold each configuration's time
sed -i 's/: [0-9.]* s$/: T s/' "$out/old/compare-j1/stderr" "$out/new/compare-j1/stderr"
same compare-j1
run compare-bad compare --only nosuch
same compare-bad

# ---- sweep -----------------------------------------------------------------
run sweep sweep -j 2 --no-progress -o sw.out in/sweep.ini
same sweep
run sweep-named sweep -j 2 --no-progress -o named.out in/named.ini
same sweep-named
run sweep-timed sweep -j 2 --no-progress -o timed.out in/timed.ini
same sweep-timed
cp -r "$out/old/sweep/sw.out" sw.out
run sweep-list sweep --list -o sw.out in/sweep.ini
same sweep-list
run sweep-slurm sweep --emit slurm --time-limit 1h -o slurm.out in/sweep.ini
same sweep-slurm
run sweep-parallel sweep --emit parallel -o par.out in/sweep.ini
same sweep-parallel
"$old" sweep --emit parallel -o one.out in/named.ini > /dev/null 2>&1
for side in old new; do
	eval "prog=\$$side"
	mkdir -p "$out/$side/sweep-cell"
	rm -rf one.out/cells/*
	"$prog" sweep --cell 2 one.out > "$out/$side/sweep-cell/stdout" 2>&1
	echo $? >> "$out/$side/sweep-cell/stdout"
	"$prog" sweep --time-limit 1h --cell 3 one.out >> "$out/$side/sweep-cell/stdout" 2>&1
	echo $? >> "$out/$side/sweep-cell/stdout"
	"$prog" sweep --cell 3 one.out >> "$out/$side/sweep-cell/stdout" 2>&1
	echo $? >> "$out/$side/sweep-cell/stdout"
	"$prog" sweep --merge one.out >> "$out/$side/sweep-cell/stdout" 2>&1
	echo $? >> "$out/$side/sweep-cell/stdout"
	cp -r one.out/cells one.out/results.csv "$out/$side/sweep-cell/"
done
same sweep-cell
rm -rf sw.out one.out

# ---- report ----------------------------------------------------------------
cp -r "$out/old/compare/cmp" "$out/old/sweep/sw.out" "$out/old/sweep-named/named.out" .
"$old" run --quiet --no-progress --json r1.json in/traces/a.lackey
"$old" run --quiet --no-progress --preset cortex-a72 --json r2.json in/traces/b.lackey
"$old" run --quiet --no-progress --set run.mode=native --json r3.json --csv r.csv in/traces/a.lackey
"$old" run --quiet --no-progress --csv r.csv in/traces/b.lackey
run report-compare report -o rep cmp
same report-compare
run report-sweep report -o rep sw.out
same report-sweep
run report-named report -o rep --format svg --plot tlb.L1D.misses named.out
same report-named
run report-json report -o rep --format png r1.json r2.json r3.json
same report-json
run report-csv report -o rep --no-charts r.csv sw.out/results.csv
same report-csv
run report-missing report -o rep nosuch.json
same report-missing

echo "$n outputs compared"
[ "$fail" -eq 0 ] || exit 1
echo "identical results and reports"
