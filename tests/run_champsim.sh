#!/bin/sh
# tests/run_champsim.sh - ChampSim traces on the command line.
#
# The traces are written by tests/trace_tool in the ChampSim layout
# (standard 64-byte and cloudsuite 96-byte records).  The rule checked
# throughout is the one workloads/CHAMPSIM.md states: a ChampSim trace gives
# exactly the results of the lackey trace that lists, per record, "I ip,1",
# " L addr,1" per load and " S addr,1" per store; trace_tool derives that
# lackey text from the bytes, without mmusim's ChampSim reader.  Results are
# compared as whole --json files less their "command" line.
#
# Checked: run under three presets, every compression (xz, gzip, bzip2,
# zstd; the command-line tools), by name and by --format, cloudsuite with
# and without process switches, truncation (exit 2, the record named, the
# statistics so far kept and marked incomplete), convert, workload
# trace_format entries and run/compare --format, bad --format values, and
# that results written to a FIFO leave it a FIFO.
#
# Environment: MMUSIM, top_builddir, as AM_TESTS_ENVIRONMENT exports them.
# Needs xz, gzip, bzip2 and zstd (./test.sh installs them).

MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
top_builddir=${top_builddir:-.}
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_builddir in /*) ;; *) top_builddir=$here/$top_builddir ;; esac
TOOL=$top_builddir/tests/trace_tool

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for p in "$MMUSIM" "$TOOL"; do
	if [ ! -x "$p" ]; then
		echo "run_champsim.sh: $p is not built" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done
for t in xz gzip bzip2 zstd; do
	if ! command -v $t >/dev/null 2>&1; then
		bad "$t not found (./test.sh installs it)"
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/champsim.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15
cd "$tmp" || exit 1

# result NAME ARGS...: mmusim run ARGS --json NAME.json, the JSON less its
# command line into NAME.res; the exit status into NAME.rc.
result() {
	name=$1
	shift
	"$MMUSIM" run --quiet --no-progress "$@" --json "$name.json" >"$name.out" 2>"$name.err"
	echo $? >"$name.rc"
	grep -v '^  "command":' "$name.json" >"$name.res" 2>/dev/null
}

# same DESCRIPTION A B: the results A and B are identical and complete.
same() {
	if [ "$(cat "$2.rc")" != 0 ] || [ "$(cat "$3.rc")" != 0 ]; then
		bad "$1: exit status $(cat "$2.rc") / $(cat "$3.rc"): $(cat "$2.err" "$3.err")"
	elif ! grep -q '"complete": true' "$2.res"; then
		bad "$1: $2 not complete"
	elif cmp -s "$2.res" "$3.res"; then
		ok
	else
		bad "$1: results differ"
		diff "$2.res" "$3.res" | head -n 10
	fi
}

"$TOOL" gen 7 3000 std.champsimtrace && "$TOOL" to-lackey std.champsimtrace std.lk ||
	bad "trace_tool could not write the traces"
accesses=$(grep -c '^[ I]' std.lk)
[ "$accesses" -gt 6000 ] && ok || bad "the generated trace is too small ($accesses accesses)"

# 1. the rule, under three presets
for preset in "" one-level cortex-a57; do
	set -- ${preset:+--preset "$preset"}
	result cs "$@" std.champsimtrace
	result lk "$@" std.lk
	same "standard records = lackey (${preset:-default})" cs lk
done
grep -q "\"accesses\": $accesses," lk.res && ok || bad "lackey run: accesses is not $accesses"

# 2. every compression, detected by content, the format by name
cp std.champsimtrace c.champsimtrace
xz -k c.champsimtrace && gzip -k c.champsimtrace && bzip2 -k c.champsimtrace &&
	zstd -q c.champsimtrace || bad "compressing failed"
result stdlk std.lk
for z in xz gz bz2 zst; do
	result cz "c.champsimtrace.$z"
	same "$z-compressed" cz stdlk
done

# 3. --format on a name that says nothing
cp std.champsimtrace.xz plain.xz 2>/dev/null || xz -c std.champsimtrace >plain.xz
result f --format champsim plain.xz
same "--format champsim" f stdlk
"$MMUSIM" run --quiet --format champsim-cloudsuite plain.xz >/dev/null 2>f.err
# 3000 * 64 bytes is 2000 cloudsuite records exactly: read, but not the same
[ $? -eq 0 ] && ok || bad "--format champsim-cloudsuite: $(cat f.err)"
"$MMUSIM" run --quiet --format champsim-x plain.xz >/dev/null 2>f.err
[ $? -eq 2 ] && grep -q "expected auto, native, lackey, champsim, champsim-cloudsuite" f.err &&
	ok || bad "--format champsim-x: $(cat f.err)"

# 4. cloudsuite: one process is the lackey trace; several give switches
"$TOOL" gen --cloudsuite 9 2000 one.cloudsuite.champsimtrace &&
	"$TOOL" to-lackey --cloudsuite one.cloudsuite.champsimtrace one.lk
result cs one.cloudsuite.champsimtrace
result lk one.lk
same "cloudsuite records = lackey" cs lk
"$TOOL" gen --cloudsuite --asids 3 9 2000 three.cloudsuite
"$MMUSIM" convert --quiet three.cloudsuite three.mmt || bad "convert of cloudsuite records"
"$TOOL" dump three.mmt >three.txt
n=$(grep -c ' ctx ' three.txt)
# asid[0] changes every 50 records, from process 0: 2000 / 50 - 1 switches
[ "$n" -eq 39 ] && ok || bad "cloudsuite with 3 processes: $n context switches, expected 39"
head -n 1 three.txt | grep -q '^0 fetch ' && ok || bad "cloudsuite: a switch before the first record of process 0"
result cs three.cloudsuite
result nat three.mmt
same "cloudsuite with switches = its native conversion" cs nat

# 5. truncated: exit 2, the record, the statistics so far kept
head -c $((100 * 64 + 17)) std.champsimtrace >cut.champsimtrace
"$TOOL" to-lackey cut.champsimtrace cut.lk      # the 100 whole records
result cut cut.champsimtrace
result cutlk cut.lk
if [ "$(cat cut.rc)" = 2 ] && grep -q 'cut.champsimtrace: record 101 (byte offset 6400): truncated' cut.err &&
	grep -q '"complete": false' cut.res; then
	ok
else
	bad "truncated trace: status $(cat cut.rc): $(cat cut.err)"
fi
want=$(sed -n 's/^  "accesses": \([0-9]*\),$/\1/p' cutlk.res)
got=$(sed -n 's/^  "accesses": \([0-9]*\),$/\1/p' cut.res)
[ -n "$want" ] && [ "$want" = "$got" ] && ok ||
	bad "truncated trace: $got accesses kept, expected the $want of the whole records"
xz -c cut.champsimtrace >cut2.champsimtrace.xz
"$MMUSIM" run --quiet cut2.champsimtrace.xz >/dev/null 2>cut2.err
[ $? -eq 2 ] && grep -q 'record 101' cut2.err && ok || bad "truncated, xz: $(cat cut2.err)"
head -c 5000 c.champsimtrace.xz >cut3.champsimtrace.xz
"$MMUSIM" run --quiet cut3.champsimtrace.xz >/dev/null 2>cut3.err
[ $? -eq 2 ] && grep -q 'truncated xz stream' cut3.err && ok || bad "cut xz stream: $(cat cut3.err)"

# 6. convert: to native, the same results; the summary names the records
"$MMUSIM" convert c.champsimtrace.xz c.mmt.zst 2>conv.err || bad "convert: $(cat conv.err)"
grep -q '(champsim, xz) -> c.mmt.zst (native, zstd): [0-9]* records from 3000 ChampSim records' conv.err &&
	ok || bad "convert summary: $(cat conv.err)"
result nat c.mmt.zst
same "convert to native" nat stdlk
"$MMUSIM" convert --quiet --format champsim plain.xz p.mmt && result nat p.mmt &&
	same "convert --format champsim" nat stdlk

# 7. workloads: trace_format per process, --format for the others
printf '[workload]\ncpus = 1\n[proc.p]\ntrace = std.lk\n' >wl-lk.ini
printf '[workload]\ncpus = 1\n[proc.p]\ntrace = plain.xz\ntrace_format = champsim\n' >wl-cs.ini
printf '[workload]\ncpus = 1\n[proc.p]\ntrace = plain.xz\n' >wl-plain.ini
result wlk --workload wl-lk.ini
result wcs --workload wl-cs.ini
same "workload trace_format = champsim" wcs wlk
result wcs --format champsim --workload wl-plain.ini
same "run --format champsim --workload" wcs wlk
result wcs --format lackey --workload wl-cs.ini      # the entry's own format wins
same "trace_format wins over --format" wcs wlk
printf '[workload]\ncpus = 1\n[proc.p]\ntrace = plain.xz\ntrace_format = champ\n' >wl-bad.ini
"$MMUSIM" run --quiet --workload wl-bad.ini >/dev/null 2>bad.err
[ $? -eq 2 ] && grep -q 'wl-bad.ini:5: \[proc.p\] trace_format: expected a trace format' bad.err &&
	ok || bad "bad trace_format: $(cat bad.err)"
printf '[workload]\ncpus = 1\n[proc.p]\npattern = seq\naccesses = 10\ntrace_format = champsim\n' >wl-bad2.ini
"$MMUSIM" run --quiet --workload wl-bad2.ini >/dev/null 2>bad.err
[ $? -eq 2 ] && grep -q 'trace_format: the process has no trace' bad.err &&
	ok || bad "trace_format without a trace: $(cat bad.err)"

# 8. compare --format: each configuration as with the lackey trace
"$MMUSIM" compare --quiet --no-progress -j 1 --only native,virt -o cmp-lk wl-lk.ini 2>c1.err &&
	"$MMUSIM" compare --quiet --no-progress -j 1 --only native,virt --format champsim \
		-o cmp-cs wl-plain.ini 2>c2.err || bad "compare: $(cat c1.err c2.err)"
for c in native virt; do
	grep -v '^  "command":' "cmp-lk/$c.json" >a.res 2>/dev/null
	grep -v '^  "command":' "cmp-cs/$c.json" >b.res 2>/dev/null
	[ -s a.res ] && cmp -s a.res b.res && ok || bad "compare --format champsim: $c differs"
done
grep -q '"--format", "champsim"' cmp-cs/virt.json && ok || bad "compare: the rerun command lacks --format"

# 9. results to a FIFO leave it a FIFO (a rename over it would replace the node)
mkfifo fifo
cat fifo >fifo.out &
"$MMUSIM" run --quiet --no-progress --json fifo std.lk 2>fifo.err
wait
[ -p fifo ] && grep -q '"accesses"' fifo.out && ok || bad "--json FIFO: $(cat fifo.err)"
cat fifo >fifo.out &
"$MMUSIM" convert --quiet std.lk fifo 2>fifo.err
wait
[ -p fifo ] && [ -s fifo.out ] && ok || bad "convert to a FIFO: $(cat fifo.err)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
