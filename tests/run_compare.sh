#!/bin/sh
# tests/run_compare.sh - command-line checks of `mmusim compare` and of
# `mmusim run --workload`.
#
# mmusim compare on the built-in workload: exit status 0, one CSV row per
# configuration of --list (in that order, each complete), one JSON result
# per configuration whose command reruns it to the same numbers, and the
# stage-2 depth showing in the references per walk; --only; bad usage.
# mmusim run --workload: a workload of two lackey traces, FILE:LINE errors,
# a trace driving a workload of processes without sources, no TRACE
# arguments with a workload whose processes have sources.  A workload whose
# trace is missing or not a trace is refused once, before anything runs
# (compare and run --workload), at the line of its trace key; a trace on
# standard input still works.  mmusim report reads the results.
#
# Expected values, derived by hand (workloads/WORKLOADS.md, sim/CONFIG.md,
# Arm ARM D8.2.1, (n+1)(m+1)-1):
#  - The configurations differ only in stage-2 depth between virt (40-bit
#    IPA, start level 1) and s2-4lvl-ipa48 / s2-4lvl-sl0 (start level 0):
#    the TLBs hold the same translations (a combined entry's size does not
#    depend on the depth), so the walks are the same, and a stage-2 walk
#    that the walk cache does not shorten reads one descriptor more: more
#    references per walk, never fewer.
#  - Without walk caches and stage-2 TLB (s2-3lvl-nowc, s2-4lvl-nowc), and
#    with 2M stage-2 blocks backing all guest memory (huge_fraction 1),
#    every stage-2 walk reads the level-1 (and with 4 levels the level-0)
#    table and the level-2 block: 2 or 3 references.  A guest walk makes
#    5 stage-2 walks (4 stage-1 table addresses and the output), so 10 or
#    15 stage-2 references, and 4 stage-1 references either way: walk_s2_refs
#    of the 4-level run is exactly 3/2 of the 3-level run's, walk_s1_refs
#    and walks are equal.
#  - two_traces.ini: a.lackey has 6 accesses, b.lackey 4 (10 in all).
#
# Environment: MMUSIM (the program), top_srcdir or srcdir (the source tree).
# Uses only POSIX sh, sed, grep, awk.  Prints one line per failure and a
# final "N passed, M failed".

top_srcdir=${top_srcdir:-${srcdir:-.}}
MMUSIM=${MMUSIM:-./mmusim}

here=$(pwd)
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
data=$top_srcdir/tests/data/virt

if [ ! -x "$MMUSIM" ]; then
	echo "run_compare.sh: $MMUSIM is not an executable program" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clicmp.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# csv_get FILE ROWNAME COLUMN: the cell of the row whose config_name is
# ROWNAME in column COLUMN (RFC 4180 quoting).
csv_get() {
	awk -v row="$2" -v col="$3" '
	function split_csv(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
					else q = 0
				} else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	NR == 1 {
		n = split_csv($0, h)
		for (i = 1; i <= n; i++) { if (h[i] == col) ci = i; if (h[i] == "config_name") ni = i }
		next
	}
	{ split_csv($0, f); if (f[ni] == row) { print f[ci]; exit } }' "$1"
}

# json_num FILE KEY: the first number after "KEY": in FILE.
json_num() {
	sed -n "s/.*\"$2\": *\([0-9][0-9.]*\).*/\1/p" "$1" | head -n 1
}

# gt A B: A > B as decimal numbers.
gt() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'
}

# ---- mmusim compare ----

"$MMUSIM" compare --list >"$tmp/list" 2>&1 || bad "compare --list"
names=$(grep -v '^ ' "$tmp/list" | awk '{ print $1 }')
nnames=$(echo "$names" | wc -l)
[ "$nnames" -ge 15 ] && ok || bad "compare --list lists $nnames configurations"

"$MMUSIM" compare -o "$tmp/c" -j 2 --no-progress >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && ok || bad "compare: exit status $st: $(cat "$tmp/err")"
csv=$tmp/c/compare.csv
if [ -f "$csv" ]; then
	rows=$(($(wc -l <"$csv") - 1))
	[ "$rows" -eq "$nnames" ] && ok || bad "compare.csv has $rows rows, --list $nnames"
	got=$(awk -F, 'NR > 1 { print $3 }' "$csv")
	[ "$got" = "$names" ] && ok || bad "compare.csv rows are not the --list configurations in order"
	for n in $names; do
		[ "$(csv_get "$csv" "$n" complete)" = 1 ] || bad "compare.csv: $n incomplete"
		grep -q '"complete": true' "$tmp/c/$n.json" 2>/dev/null || bad "$n.json missing or incomplete"
		grep -q "^$n " "$tmp/out" || bad "table lacks $n"
	done
	ok
else
	bad "no compare.csv"
fi
[ -f "$tmp/c/workload.ini" ] && ok || bad "no workload.ini in the output directory"

# stage-2 depth: same walks, more references per walk
w3=$(csv_get "$csv" virt walks)
w4=$(csv_get "$csv" s2-4lvl-ipa48 walks)
r3=$(csv_get "$csv" virt derived.refs_per_walk)
r4=$(csv_get "$csv" s2-4lvl-ipa48 derived.refs_per_walk)
r4s=$(csv_get "$csv" s2-4lvl-sl0 derived.refs_per_walk)
[ -n "$w3" ] && [ "$w3" = "$w4" ] && ok || bad "virt walks $w3, s2-4lvl-ipa48 walks $w4"
gt "$r4" "$r3" && ok || bad "refs/walk: 4 levels (IPA 48) $r4 not above 3 levels $r3"
gt "$r4s" "$r3" && ok || bad "refs/walk: 4 levels (start level 0) $r4s not above 3 levels $r3"
s3=$(csv_get "$csv" s2-3lvl-nowc walk_s2_refs)
s4=$(csv_get "$csv" s2-4lvl-nowc walk_s2_refs)
a3=$(csv_get "$csv" s2-3lvl-nowc walk_s1_refs)
a4=$(csv_get "$csv" s2-4lvl-nowc walk_s1_refs)
[ -n "$s3" ] && [ $((s4 * 2)) -eq $((s3 * 3)) ] && ok ||
	bad "without walk caches: stage-2 refs $s4 (4 levels) vs $s3 (3 levels), not 3:2"
[ -n "$a3" ] && [ "$a3" = "$a4" ] && ok || bad "stage-1 refs $a3 vs $a4"
# native has no stage 2
[ "$(csv_get "$csv" native walk_s2_refs)" = 0 ] && ok || bad "native has stage-2 references"
# no VMID tags with global kernel mappings: a flush per world switch
ws=$(csv_get "$csv" novmid-flush events.world_switches)
fl=$(csv_get "$csv" novmid-flush maintenance.world_switch_flushes)
[ -n "$ws" ] && [ "$ws" -gt 0 ] && [ "$ws" = "$fl" ] && ok ||
	bad "novmid-flush: $fl flushes for $ws world switches"
[ "$(csv_get "$csv" virt maintenance.world_switch_flushes)" = 0 ] && ok || bad "virt flushes on world switches"

# a result's command reruns it to the same numbers
cmd=$(sed -n 's/^  "command": \[\(.*\)\],*$/\1/p' "$tmp/c/virt.json" | sed 's/", "/ /g; s/"//g')
case $cmd in
"mmusim run --config "*) ok ;;
*) bad "virt.json command: $cmd" ;;
esac
"$MMUSIM" run --config "$tmp/c/virt.ini" --workload "$tmp/c/workload.ini" --quiet \
	--json "$tmp/rerun.json" 2>"$tmp/err" || bad "rerun of virt: $(cat "$tmp/err")"
[ "$(json_num "$tmp/rerun.json" walk_memory_refs)" = "$(json_num "$tmp/c/virt.json" walk_memory_refs)" ] &&
	ok || bad "rerun of virt gives other numbers"

# mmusim report reads the results
"$MMUSIM" report --no-charts -o "$tmp/rep" "$tmp"/c/*.json >/dev/null 2>"$tmp/err" &&
	[ -f "$tmp/rep/report.md" ] && ok || bad "report on the JSON results: $(cat "$tmp/err")"
"$MMUSIM" report --no-charts -o "$tmp/rep2" "$csv" >/dev/null 2>"$tmp/err" && ok ||
	bad "report on compare.csv: $(cat "$tmp/err")"
# ... and the compare directory itself: every configuration's JSON (with
# its histograms) under the configuration's name
"$MMUSIM" report --no-charts -o "$tmp/rep3" "$tmp/c" >"$tmp/out" 2>"$tmp/err" &&
	ok || bad "report on the compare directory: $(cat "$tmp/err")"
grep -q ", $nnames results)" "$tmp/out" && ok || bad "report on the compare directory: $(cat "$tmp/out")"
[ -s "$tmp/rep3/data/walk_latency_cdf.tsv" ] && ok ||
	bad "report on the compare directory: no walk latency CDF (the JSON histograms)"
grep -q '<td>s2-4lvl-ipa48</td>' "$tmp/rep3/index.html" && ok ||
	bad "report on the compare directory: the configurations are not named"

# --only, -j 1, --csv
"$MMUSIM" compare --only virt,native -j 1 --quiet --no-progress -o "$tmp/o" --csv "$tmp/o.csv" \
	2>"$tmp/err" && ok || bad "compare --only: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/o.csv")" -eq 3 ] && ok || bad "compare --only virt,native: not 2 rows"
[ "$(csv_get "$tmp/o.csv" virt walks)" = "$w3" ] && ok || bad "-j 1 and -j 2 differ"

# bad usage
"$MMUSIM" compare --only nonsense >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "no configuration 'nonsense'" "$tmp/err" && ok || bad "compare --only nonsense"
"$MMUSIM" compare -o "$tmp/x" "$data/bad_key.ini" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "bad_key.ini:5: \[vm.guest\]: unknown key 'ipa_size'" "$tmp/err" && ok ||
	bad "compare bad_key.ini: $(cat "$tmp/err")"
"$MMUSIM" compare -j 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "compare -j 0 accepted"

# a workload naming a missing or non-trace file: refused once, before any
# configuration runs, at the line of its trace key; nothing written
printf '[workload]\ncpus = 1\n\n[proc.a]\n# fed by\ntrace = nosuch.lackey\n' >"$tmp/wmiss.ini"
cp "$top_srcdir/README" "$tmp/notes.txt"
printf '[workload]\ncpus = 1\n\n[proc.a]\ntrace = %s\n\n[proc.b]\ntrace = notes.txt\n' \
	"$data/a.lackey" >"$tmp/wtext.ini"
for w in wmiss:6:"[proc.a] trace: $tmp/nosuch.lackey: cannot open" \
	 wtext:8:"[proc.b] trace: $tmp/notes.txt: no trace record in"; do
	name=${w%%:*}
	rest=${w#*:}
	line=${rest%%:*}
	msg=${rest#*:}
	rm -rf "$tmp/bad.out"
	"$MMUSIM" compare -o "$tmp/bad.out" --no-progress "$tmp/$name.ini" >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ $st -eq 2 ] && ok || bad "compare $name.ini: exit status $st, expected 2"
	grep -q -F "$tmp/$name.ini:$line: $msg" "$tmp/err" && ok ||
		bad "compare $name.ini: stderr lacks '$name.ini:$line: $msg': $(head -3 "$tmp/err")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "compare $name.ini: $(wc -l <"$tmp/err") error lines, not 1"
	[ ! -e "$tmp/bad.out" ] && ok || bad "compare $name.ini: wrote $tmp/bad.out"
	"$MMUSIM" run --workload "$tmp/$name.ini" --json "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ $st -eq 2 ] && grep -q -F "$tmp/$name.ini:$line: $msg" "$tmp/err" && ok ||
		bad "run --workload $name.ini: exit status $st: $(head -3 "$tmp/err")"
	[ ! -s "$tmp/out" ] && [ ! -e "$tmp/bad.json" ] && ok ||
		bad "run --workload $name.ini: printed or wrote a result"
done
# a workload trace on standard input still works
printf '[workload]\ncpus = 1\n\n[proc.a]\ntrace = -\n' >"$tmp/wstdin.ini"
"$MMUSIM" run --workload "$tmp/wstdin.ini" --quiet --json "$tmp/wstdin.json" <"$data/a.lackey" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(json_num "$tmp/wstdin.json" accesses)" = 6 ] && ok ||
	bad "run --workload with trace = - on standard input: $(cat "$tmp/err")"

# ---- mmusim run --workload ----

"$MMUSIM" run --workload "$data/two_traces.ini" --quiet --json "$tmp/w.json" 2>"$tmp/err"
[ $? -eq 0 ] && ok || bad "run --workload two_traces.ini: $(cat "$tmp/err")"
[ "$(json_num "$tmp/w.json" accesses)" = 10 ] && ok || bad "two_traces.ini: accesses not 10"
grep -q '"vm_exits"' "$tmp/w.json" && grep -q '"context_switches": 3' "$tmp/w.json" && ok ||
	bad "two_traces.ini: no events"
"$MMUSIM" run --workload "$data/bad_key.ini" --quiet 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "bad_key.ini:5:" "$tmp/err" && ok || bad "run --workload bad_key.ini"
"$MMUSIM" run --workload "$data/two_traces.ini" "$data/a.lackey" --quiet 2>/dev/null
[ $? -eq 2 ] && ok || bad "run --workload of processes with sources and a TRACE accepted"
# a trace driving a workload record by record: lackey records name CPU 0,
# which starts in the workload's first process (guest process shell): one
# switch into it, one guest entry, the trace's 6 accesses
"$MMUSIM" run --workload "$data/system.ini" "$data/a.lackey" --quiet --json "$tmp/s.json" 2>"$tmp/err"
[ $? -eq 0 ] && ok || bad "run --workload system.ini a.lackey: $(cat "$tmp/err")"
[ "$(json_num "$tmp/s.json" accesses)" = 6 ] && grep -q '"context_switches": 1,' "$tmp/s.json" &&
	grep -q '"world_switches": 1,' "$tmp/s.json" && ok || bad "system.ini a.lackey: wrong counts"
"$MMUSIM" run --workload "$data/two_traces.ini" --set run.mode=s2only --quiet 2>"$tmp/err"
[ $? -eq 2 ] && grep -q s2only "$tmp/err" && ok || bad "run --workload in s2only mode"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
