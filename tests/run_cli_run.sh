#!/bin/sh
# tests/run_cli_run.sh - command-line checks of `mmusim run`.
#
# Help output; configuration errors (unknown --set key, bad value, unknown
# preset, INI files with an unknown key or a bad value: exit status 2 and a
# message naming the key, and FILE:LINE for files); bad traces (a lackey
# line and a truncated native trace: exit status 2, the place named, and a
# --json result marked incomplete that holds the counts up to the bad
# record); input that is not a trace (text, a workload file, a lackey log
# without --trace-mem=yes, a missing file, /dev/zero, a directory, empty and
# compressed non-trace files, FIFOs, standard input) refused before the run
# with exit status 2 and nothing printed or written; compressed traces
# giving the same numbers as plain ones; --csv rows; the keys every --json
# result must hold.
#
# The expected counts are derived by hand from the model (see the comments):
# the one-level preset is a 64-entry fully associative LRU TLB named L1 over
# 4K pages, native, without walk caches, so every TLB miss is a walk of 4
# descriptor reads.
#
# Environment: MMUSIM (the program), top_srcdir or srcdir (the source tree),
# as the top-level Makefile.am's AM_TESTS_ENVIRONMENT exports them.  Uses
# POSIX sh, sed, grep, awk, cmp, head, wc, mkfifo, and the gzip and zstd
# programs (Debian packages gzip and zstd, which ./test.sh installs: without
# them the test fails).  Prints one line per failure and a final
# "N passed, M failed".

top_srcdir=${top_srcdir:-${srcdir:-.}}
MMUSIM=${MMUSIM:-./mmusim}

here=$(pwd)
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
data=$top_srcdir/tests/data/run

if [ ! -x "$MMUSIM" ]; then
	echo "run_cli_run.sh: $MMUSIM is not an executable program" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -f "$data/small.lk" ]; then
	echo "run_cli_run.sh: no test data in $data" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for p in gzip zstd; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "FAIL: $p is not installed (Debian package $p; ./test.sh installs it)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/clirun.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15

pass=0
fail=0

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	what=$1
	shift
	if "$@"; then
		ok
	else
		bad "$what"
	fi
}

# run ARGS...: mmusim run ARGS, stdout in $tmp/out, stderr in $tmp/err,
# exit status in $status.
run() {
	"$MMUSIM" run "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# expect_status WHAT N: the last run exited with status N.
expect_status() {
	if [ "$status" -eq "$2" ]; then
		ok
	else
		bad "$1: exit status $status, expected $2"
		sed 's/^/  stderr: /' "$tmp/err" | head -5
	fi
}

# expect_err WHAT STRING: the last run's stderr contains STRING.
expect_err() {
	if grep -F -e "$2" "$tmp/err" >/dev/null; then
		ok
	else
		bad "$1: stderr does not mention '$2'"
		sed 's/^/  stderr: /' "$tmp/err" | head -5
	fi
}

# flat JSON: every scalar of a JSON result as PATH=VALUE, nested objects
# joined with '.', e.g. "tlb.L1.lookups=5"; top-level keys have no dot.
# It relies on the emitter's layout of one member per line, which is what
# results/emit.c writes; one-line objects (histograms) are skipped.
flat() {
	awk '
	function key(s) { sub(/^[[:space:]]*"/, "", s); sub(/".*/, "", s); return s }
	/^[[:space:]]*"[^"]*":[[:space:]]*\{[[:space:]]*$/ { path[++d] = key($0); next }
	/^[[:space:]]*\},?[[:space:]]*$/ { if (d > 0) d--; next }
	/^[[:space:]]*"[^"]*":/ {
		k = key($0); v = $0
		sub(/^[^:]*:[[:space:]]*/, "", v); sub(/,[[:space:]]*$/, "", v)
		p = ""
		for (i = 1; i <= d; i++) p = p path[i] "."
		print p k "=" v
	}' "$1"
}

# expect_json WHAT FILE PATH=VALUE...: each PATH has exactly that value.
expect_json() {
	what=$1
	file=$2
	shift 2
	flat "$file" >"$tmp/flat"
	for kv in "$@"; do
		if grep -x -F -e "$kv" "$tmp/flat" >/dev/null; then
			ok
		else
			got=$(grep -e "^${kv%%=*}=" "$tmp/flat" | head -1)
			bad "$what: expected $kv in $file, got '${got:-nothing}'"
		fi
	done
}

# expect_json_int WHAT FILE PATH...: each PATH is present with an integer.
expect_json_int() {
	what=$1
	file=$2
	shift 2
	flat "$file" >"$tmp/flat"
	for k in "$@"; do
		if grep -x -e "$k=[0-9][0-9]*" "$tmp/flat" >/dev/null; then
			ok
		else
			bad "$what: no integer $k in $file"
		fi
	done
}

# ---------------------------------------------------------------- help

run --help
expect_status "--help" 0
check "--help prints the usage" grep -q "usage: mmusim run" "$tmp/out"
check "--help names --set" grep -q -e "--set" "$tmp/out"
check "--help names --json" grep -q -e "--json" "$tmp/out"

run --help-config
expect_status "--help-config" 0
for key in run.mode run.warmup run.crossing run.fast_path stage1.granule stage2.ipa_bits \
	stage2.huge_fraction tlb.NAME.entries walkcache.s1.entries s2tlb.entries \
	one_level.entries one_level.crossing; do
	check "--help-config lists $key" grep -q -e "^ *$key:" "$tmp/out"
done

run
expect_status "no trace" 2

# ---------------------------------------------------------------- configuration errors

run --set run.bogus=1 "$data/small.lk"
expect_status "unknown --set key" 2
expect_err "unknown --set key" "bogus"
check "unknown --set key: nothing on stdout" test ! -s "$tmp/out"

run --set run.warmup=abc "$data/small.lk"
expect_status "bad --set value" 2
expect_err "bad --set value" "warmup"
expect_err "bad --set value" "abc"

run --set tlb.NOSUCH.entries=4 "$data/small.lk"
expect_status "--set of an unlisted TLB level" 2
expect_err "--set of an unlisted TLB level" "NOSUCH"

run --preset no-such-preset "$data/small.lk"
expect_status "unknown preset" 2
expect_err "unknown preset" "no-such-preset"

run --config "$data/unknown-key.ini" "$data/small.lk"
expect_status "INI file with an unknown key" 2
expect_err "INI file with an unknown key" "$data/unknown-key.ini:4:"
expect_err "INI file with an unknown key" "bogus_key"

run --config "$data/bad-value.ini" "$data/small.lk"
expect_status "INI file with a bad value" 2
expect_err "INI file with a bad value" "$data/bad-value.ini:3:"
expect_err "INI file with a bad value" "entries"
expect_err "INI file with a bad value" "lots"

run --config "$tmp/no-such-file.ini" "$data/small.lk"
expect_status "missing INI file" 2
expect_err "missing INI file" "no-such-file.ini"

# ---------------------------------------------------------------- a malformed lackey line

# malformed.lk, one-level preset (64-entry fully associative L1, 4K pages):
#   line 4  I 0x1000,4    page 0x1: miss, walk
#   line 5  L 0x10000,8   page 0x10: miss, walk
#   line 6  S 0x10000,8   hit
#   line 7  M 0x11000,4   load: page 0x11 miss, walk; store: hit
#   line 8  L zz,8        malformed: the run stops here
# Up to line 8: 5 accesses and translations, 3 walks of 4 reads (12),
# L1: 5 lookups, 2 hits, 3 misses.
run --preset one-level --json "$tmp/bad.json" "$data/malformed.lk"
expect_status "malformed lackey line" 2
expect_err "malformed lackey line" "$data/malformed.lk:8:"
if [ -f "$tmp/bad.json" ]; then
	ok
	expect_json "malformed lackey line" "$tmp/bad.json" \
		complete=false accesses=5 translations=5 walks=3 walk_memory_refs=12 \
		tlb.L1.lookups=5 tlb.L1.hits=2 tlb.L1.misses=3
	check "malformed lackey line: the JSON gives the reason" \
		grep -q -e '"incomplete_reason": ".*malformed.lk:8:' "$tmp/bad.json"
else
	bad "malformed lackey line: no --json file written"
fi
check "malformed lackey line: the text summary says INCOMPLETE" grep -q INCOMPLETE "$tmp/out"

# ---------------------------------------------------------------- a truncated native trace

# small.lk: I 0x1000,4; L 0x10000,8; S 0x10000,8; L 0x11000,8.  Its native
# form (workloads/FORMAT.md), predictions starting at 0:
#   header                                             16 bytes
#   1 fetch: delta 0x1000, zz 0x2000, 2 bytes of zz      3 bytes (16..18)
#   2 load: delta 0x10000, zz 0x20000, 3 bytes           4 bytes (19..22)
#   3 store: predicted 0x10008, delta -8, zz 15          2 bytes (23..24)
#   4 load: predicted 0x10008, delta 0xff8, zz 0x1ff0    3 bytes (25..27)
#   end of trace: 0x03, varint 4                         2 bytes (28..29)
# 30 bytes.  Cut to 27 bytes, the trace ends inside record 4; records 1-3
# replay: fetch page 0x1 miss, load page 0x10 miss, store hit: 3 accesses,
# 2 walks (8 reads), L1 3 lookups, 1 hit, 2 misses.
if "$MMUSIM" convert --quiet "$data/small.lk" "$tmp/small.mmt" 2>"$tmp/err"; then
	ok
	size=$(wc -c <"$tmp/small.mmt" | tr -d ' ')
	check "convert: the native trace is 30 bytes (got $size)" test "$size" -eq 30
	head -c 27 "$tmp/small.mmt" >"$tmp/cut.mmt"
	run --preset one-level --json "$tmp/cut.json" "$tmp/cut.mmt"
	expect_status "truncated native trace" 2
	expect_err "truncated native trace" "record 4"
	expect_err "truncated native trace" "cut.mmt"
	if [ -f "$tmp/cut.json" ]; then
		expect_json "truncated native trace" "$tmp/cut.json" \
			complete=false accesses=3 walks=2 walk_memory_refs=8 \
			tlb.L1.lookups=3 tlb.L1.hits=1 tlb.L1.misses=2
	else
		bad "truncated native trace: no --json file written"
	fi
	# Without its end-of-trace record (28 bytes) every access replays:
	# 4 accesses, pages 0x1, 0x10, 0x11 walk, the store hits.
	head -c 28 "$tmp/small.mmt" >"$tmp/noend.mmt"
	run --preset one-level --json "$tmp/noend.json" "$tmp/noend.mmt"
	expect_status "native trace without its end record" 2
	expect_err "native trace without its end record" "noend.mmt"
	if [ -f "$tmp/noend.json" ]; then
		expect_json "native trace without its end record" "$tmp/noend.json" \
			complete=false accesses=4 walks=3 tlb.L1.hits=1
	else
		bad "native trace without its end record: no --json file written"
	fi
	# The whole file: complete, the same counts.
	run --preset one-level --json "$tmp/whole.json" "$tmp/small.mmt"
	expect_status "whole native trace" 0
	expect_json "whole native trace" "$tmp/whole.json" \
		complete=true accesses=4 translations=4 walks=3 walk_memory_refs=12 \
		tlb.L1.lookups=4 tlb.L1.hits=1 tlb.L1.misses=3
else
	bad "mmusim convert small.lk failed"
	sed 's/^/  stderr: /' "$tmp/err" | head -5
fi

# ---------------------------------------------------------------- compressed traces

# A larger lackey trace (fetches, loads, stores, modifies; some accesses
# cross pages) and its compressed and native forms must all give the same
# result, byte for byte (the JSON names no file).
awk 'BEGIN {
	print "==77== Lackey, an example Valgrind tool"
	x = 12345
	for (i = 0; i < 3000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		page = int(x / 65536) % 300
		off = int(x / 8) % 4096
		k = x % 10
		va = 268435456 + page * 4096 + off
		if (k < 2)      printf "I  %08x,%d\n", va, 1 + x % 7
		else if (k < 7) printf " L %08x,%d\n", va, 8
		else if (k < 9) printf " S %08x,%d\n", va, 4
		else            printf " M %08x,%d\n", va, 8
	}
}' >"$tmp/big.lk"

run --json "$tmp/plain.json" "$tmp/big.lk"
expect_status "plain lackey trace" 0
expect_json "plain lackey trace" "$tmp/plain.json" complete=true
flat "$tmp/plain.json" | grep -e '^accesses=' >"$tmp/acc"
# 3000 lines, every tenth-ish an M (two records): more than 3000 accesses.
check "plain lackey trace: more than 3000 accesses" \
	test "$(sed 's/accesses=//' "$tmp/acc")" -gt 3000

# same_result WHAT TRACE: TRACE gives exactly plain.json, but for the
# "command" member, which records the command line (file names differ).
same_result() {
	run --json "$tmp/other.json" "$2"
	expect_status "$1" 0
	grep -v '^  "command": ' "$tmp/plain.json" >"$tmp/plain.nocmd"
	grep -v '^  "command": ' "$tmp/other.json" >"$tmp/other.nocmd"
	if cmp -s "$tmp/plain.nocmd" "$tmp/other.nocmd"; then
		ok
	else
		bad "$1: the result differs from the plain trace's"
		diff "$tmp/plain.json" "$tmp/other.json" | head -10 | sed 's/^/  /'
	fi
}

same_result "lackey from standard input" - <"$tmp/big.lk"
gzip -c "$tmp/big.lk" >"$tmp/big.lk.gz"
same_result "gzip lackey trace" "$tmp/big.lk.gz"
zstd -q -c "$tmp/big.lk" >"$tmp/big.lk.zst"
same_result "zstd lackey trace" "$tmp/big.lk.zst"
if "$MMUSIM" convert --quiet "$tmp/big.lk" "$tmp/big.mmt" 2>"$tmp/err"; then
	ok
	same_result "native trace" "$tmp/big.mmt"
	gzip -c "$tmp/big.mmt" >"$tmp/big.mmt.gz"
	same_result "gzip native trace" "$tmp/big.mmt.gz"
	zstd -q -c "$tmp/big.mmt" >"$tmp/big.mmt.zst"
	same_result "zstd native trace" "$tmp/big.mmt.zst"
	"$MMUSIM" convert --quiet --zstd "$tmp/big.lk" "$tmp/big2.mmt" 2>/dev/null &&
		same_result "native trace written by convert --zstd" "$tmp/big2.mmt"
else
	bad "mmusim convert big.lk failed"
fi

# ---------------------------------------------------------------- input that is not a trace

# Each is refused before the run starts: exit status 2, one message naming
# the file and what it is, nothing on standard output, no --json or --csv
# file.  An endless input (/dev/zero) must end too: a run that hangs is
# killed after 60 s and fails.
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout -s KILL 60"

# refused WHAT MESSAGE TRACE...: the run of TRACE... is refused as above,
# its message containing MESSAGE.
refused() {
	rwhat=$1
	msg=$2
	shift 2
	rm -f "$tmp/no.json" "$tmp/no.csv"
	# shellcheck disable=SC2086 # $TO is empty or a command prefix
	$TO "$MMUSIM" run --json "$tmp/no.json" --csv "$tmp/no.csv" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	expect_status "$rwhat" 2
	expect_err "$rwhat" "$msg"
	check "$rwhat: nothing on standard output" test ! -s "$tmp/out"
	check "$rwhat: one line on standard error" test "$(wc -l <"$tmp/err")" -eq 1
	check "$rwhat: no --json file" test ! -e "$tmp/no.json"
	check "$rwhat: no --csv file" test ! -e "$tmp/no.csv"
}

refused "the README" "$top_srcdir/README: no trace record in" "$top_srcdir/README"
refused "a workload file" \
	"two_traces.ini: no trace record in 15 lines of an INI file (line 2: '[workload]'" \
	"$top_srcdir/tests/data/virt/two_traces.ini"
# valgrind --tool=lackey /bin/true, recorded without --trace-mem=yes
refused "lackey without --trace-mem=yes" \
	"true-counts.lackey: Valgrind lackey output without a memory access in 24 lines: recorded without --trace-mem=yes?" \
	"$top_srcdir/tests/data/trace/true-counts.lackey"
refused "a missing trace" "$tmp/missing.lk: cannot open" "$tmp/missing.lk"
refused "a missing second trace" "$tmp/missing.lk: cannot open" "$data/small.lk" "$tmp/missing.lk"
refused "a text second trace" "README: no trace record" "$data/small.lk" "$top_srcdir/README"
for dev in /dev/zero /dev/urandom; do
	if [ -c "$dev" ]; then
		refused "$dev" "$dev: " "$dev"
	else
		echo "SKIP: $dev (not a character device here)"
	fi
done
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%c", 0 }' >"$tmp/zeros"
refused "zeros" "zeros: binary data, not a trace (a NUL byte at byte 0)" "$tmp/zeros"
refused "a directory" "$tmp: a directory, not a trace file" "$tmp"
: >"$tmp/empty.lk"
refused "an empty file" "empty.lk: empty input" "$tmp/empty.lk"
printf '==1== x\n\000\000\000I  1000,4\n' >"$tmp/nul.lk"
refused "NUL bytes in text" "nul.lk: binary data, not a trace (a NUL byte at byte 8)" "$tmp/nul.lk"
# 2 MiB of text lines, then a record: past the 1 MiB bound
awk 'BEGIN { for (i = 0; i < 21000; i++) printf "%099d\n", i; print "I  1000,4" }' >"$tmp/huge.txt"
refused "2 MiB of text" "huge.txt: no trace record in the first 1 MiB (" "$tmp/huge.txt"
refused "a text file on standard input" "<stdin>: no trace record" - <"$top_srcdir/README"
# a native trace of no record: the header, then the end record counting 0
printf '\211MMUTR\r\n\001\000\020\000\000\000\000\000\003\000' >"$tmp/none.mmt"
refused "a native trace of no record" "none.mmt: a native trace without a single record" \
	"$tmp/none.mmt"
if command -v gzip >/dev/null 2>&1; then
	gzip -c "$top_srcdir/README" >"$tmp/readme.gz"
	refused "a gzipped text file" "readme.gz: no trace record in" "$tmp/readme.gz"
	gzip -c <"$tmp/empty.lk" >"$tmp/empty.gz"
	refused "an empty gzip file" "empty.gz: empty input (a gzip stream of nothing)" "$tmp/empty.gz"
else
	echo "SKIP: gzip of non-trace content (no gzip program)"
fi
if command -v zstd >/dev/null 2>&1; then
	zstd -q -c <"$tmp/empty.lk" >"$tmp/empty.zst"
	refused "an empty zstd file" "empty.zst: empty input (a zstd stream of nothing)" "$tmp/empty.zst"
	zstd -q -c <"$tmp/zeros" >"$tmp/zeros.zst"
	refused "zstd of zeros" "zeros.zst: binary data, not a trace (a NUL byte at byte 0 of the decompressed zstd input)" \
		"$tmp/zeros.zst"
else
	echo "SKIP: zstd of non-trace content (no zstd program)"
fi
# FIFOs: a trace through one still runs (it is read once); text is refused.
if mkfifo "$tmp/fifo" 2>/dev/null; then
	cat "$data/small.lk" >"$tmp/fifo" &
	writer=$!
	# shellcheck disable=SC2086
	$TO "$MMUSIM" run --preset one-level --quiet --json "$tmp/fifo.json" "$tmp/fifo" 2>"$tmp/err"
	status=$?
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	expect_status "a trace through a FIFO" 0
	[ -f "$tmp/fifo.json" ] && expect_json "a trace through a FIFO" "$tmp/fifo.json" \
		complete=true accesses=4
	cat "$top_srcdir/README" >"$tmp/fifo" 2>/dev/null &
	writer=$!
	refused "text through a FIFO" "fifo: no trace record in" "$tmp/fifo"
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
else
	echo "SKIP: FIFOs (mkfifo failed)"
fi
run --quiet - - <"$data/small.lk"
expect_status "standard input twice" 2
expect_err "standard input twice" "standard input ('-') given twice"

# A NUL byte after the first record is a bad record like a malformed line:
# the statistics up to it are reported, marked incomplete.
printf 'I  1000,4\n==1== a\000b\n L 2000,8\n' >"$tmp/nul2.lk"
run --preset one-level --json "$tmp/nul2.json" "$tmp/nul2.lk"
expect_status "a NUL byte after the first record" 2
expect_err "a NUL byte after the first record" "nul2.lk:2: a NUL byte in the text"
if [ -f "$tmp/nul2.json" ]; then
	expect_json "a NUL byte after the first record" "$tmp/nul2.json" complete=false accesses=1
else
	bad "a NUL byte after the first record: no --json file written"
fi

# ---------------------------------------------------------------- --csv

run --preset one-level --quiet --csv "$tmp/runs.csv" "$data/small.lk"
expect_status "--csv, first run" 0
check "--quiet prints nothing" test ! -s "$tmp/out"
run --preset one-level --quiet --csv "$tmp/runs.csv" "$data/small.lk"
expect_status "--csv, second run" 0
lines=$(wc -l <"$tmp/runs.csv" | tr -d ' ')
check "--csv: header and two rows (got $lines lines)" test "$lines" -eq 3
check "--csv: the header once" test "$(grep -c '^mmusim_version,' "$tmp/runs.csv")" -eq 1
head -n 1 "$tmp/runs.csv" >"$tmp/hdr"
check "--csv: the header first" grep -q "^mmusim_version," "$tmp/hdr"
check "--csv: header has the accesses column" grep -q -e ',accesses,' "$tmp/hdr"
check "--csv: header has tlb.L1.misses" grep -q -e ',tlb\.L1\.misses,' "$tmp/hdr"
check "--csv: equal runs give equal rows" \
	test "$(sed -n 2p "$tmp/runs.csv")" = "$(sed -n 3p "$tmp/runs.csv")"

# Runs of other structures all append to one file (results/SCHEMA.md).
# Walk caches and the stage-2 TLB off, native, stage 2 only, a workload:
# the same columns (zeros where a structure is absent), so each is an
# append under the same header.
run --quiet --csv "$tmp/all.csv" "$data/small.lk"
expect_status "--csv of the default configuration" 0
head -n 1 "$tmp/all.csv" >"$tmp/all.hdr"
for s in "--set walkcache.s1.entries=0 --set walkcache.s2.entries=0 --set s2tlb.entries=0" \
	 "--set run.mode=native" "--set run.mode=s2only" \
	 "--workload $top_srcdir/tests/data/virt/two_traces.ini"; do
	cp "$tmp/all.csv" "$tmp/all.before"
	# shellcheck disable=SC2086
	if [ "${s#--workload}" != "$s" ]; then run --quiet --csv "$tmp/all.csv" $s
	else run --quiet --csv "$tmp/all.csv" $s "$data/small.lk"; fi
	expect_status "--csv after other runs, $s" 0
	check "--csv, $s: the same header" sh -c "head -n 1 '$tmp/all.csv' | cmp -s - '$tmp/all.hdr'"
	check "--csv, $s: one row appended, the rest unchanged" \
		sh -c "[ \$(wc -l <'$tmp/all.csv') -eq \$((\$(wc -l <'$tmp/all.before') + 1)) ] &&
		       head -n \$(wc -l <'$tmp/all.before') '$tmp/all.csv' | cmp -s - '$tmp/all.before'"
done
# csvcol FILE COLUMN: that column of every row (the CSV parsed by awk).
csvcol() {
	awk -v col="$2" '
	function split_csv(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ } else q = 0 } else cur = cur c }
			else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}
	NR == 1 { n = split_csv($0, h); for (i = 1; i <= n; i++) if (h[i] == col) ci = i; next }
	{ split_csv($0, f); print (ci ? f[ci] : "NOCOLUMN") }' "$1" | tr '\n' ' '
}

got=$(csvcol "$tmp/all.csv" walkcache.s1.lookups)
# (three misses, and the store's walk to make its writable-clean page dirty)
case $got in "4 0 4 "*) ok ;; *) bad "--csv: walkcache.s1.lookups per row: $got (expected 4 0 4 ...)" ;; esac
got=$(csvcol "$tmp/all.csv" events.context_switches)
case $got in "0 0 0 0 "[1-9]*) ok ;; *) bad "--csv: events.context_switches per row: $got" ;; esac
# A run with TLB levels of other names (one-level: L1): the file takes the
# union of the columns, rewritten whole; the earlier rows keep their text
# and get empty cells in the new columns.
cp "$tmp/all.csv" "$tmp/all.before"
run --preset one-level --quiet --csv "$tmp/all.csv" "$data/small.lk"
expect_status "--csv of another TLB hierarchy after the others" 0
check "--csv union: one more row" \
	test "$(wc -l <"$tmp/all.csv")" -eq $(($(wc -l <"$tmp/all.before") + 1))
check "--csv union: the old columns first, in their order" \
	sh -c "head -n 1 '$tmp/all.csv' | cut -c1-$(($(wc -c <"$tmp/all.hdr") - 1)) | cmp -s - '$tmp/all.hdr'"
check "--csv union: the new columns after them" grep -q ',tlb\.L1\.misses,' "$tmp/all.csv"
got=$(csvcol "$tmp/all.csv" tlb.L1.lookups)
case $got in "     4 ") ok ;; *) bad "--csv union: tlb.L1.lookups per row: '$got'" ;; esac
got=$(csvcol "$tmp/all.csv" tlb.L2.lookups)
case $got in "3 3 3 "[1-9]*" "[1-9]*"  ") ok ;;
	*) bad "--csv union: tlb.L2.lookups per row: '$got' (expected empty in the last)" ;; esac
check "--csv union: mmusim report reads the file" \
	"$MMUSIM" report --no-charts -o "$tmp/rep" "$tmp/all.csv"
# Runs appending at once lose no row.
rm -f "$tmp/par.csv"
pids=
for i in 1 2 3 4 5 6; do
	if [ $((i % 2)) -eq 0 ]; then p=one-level; else p=cortex-a72; fi
	"$MMUSIM" run --preset $p --quiet --set run.warmup=$i --csv "$tmp/par.csv" "$data/small.lk" \
		>/dev/null 2>"$tmp/par.$i.err" &
	pids="$pids $!"
done
par_ok=true
for p in $pids; do wait "$p" || par_ok=false; done
check "--csv: runs appending at once all succeed" $par_ok
check "--csv: runs appending at once: six rows" test "$(wc -l <"$tmp/par.csv")" -eq 7
got=$(csvcol "$tmp/par.csv" config.run.warmup | tr ' ' '\n' | sort | tr '\n' ' ')
check "--csv: runs appending at once: each row once ($got)" test "$got" = "1 2 3 4 5 6 "
# What is not a CSV of results is never appended to.
printf 'name,value\nx,1\n' >"$tmp/other.csv"
run --quiet --csv "$tmp/other.csv" "$data/small.lk"
check "--csv into a file that is not a result CSV: non-zero exit" test "$status" -ne 0
expect_err "--csv into a file that is not a result CSV" "not a CSV of mmusim results"
check "--csv into a file that is not a result CSV: unchanged" \
	test "$(cat "$tmp/other.csv")" = "$(printf 'name,value\nx,1')"

# ---------------------------------------------------------------- --json keys

# The default (Neoverse N1) hierarchy: levels L1I, L1D, L2.
run --quiet --json "$tmp/keys.json" "$data/small.lk"
expect_status "--json of the default hierarchy" 0
expect_json_int "--json top level" "$tmp/keys.json" \
	accesses translations walks walk_memory_refs translation_cycles
for lvl in L1I L1D L2; do
	expect_json_int "--json tlb.$lvl" "$tmp/keys.json" \
		"tlb.$lvl.lookups" "tlb.$lvl.hits" "tlb.$lvl.misses"
done
# small.lk: 1 fetch (L1I), 3 data accesses (L1D); every first-level miss
# goes on to L2.  L1D: page 0x10 miss, hit, page 0x11 miss.  The load
# mapped page 0x10 writable-clean, so the store that hits its entry walks
# again and sets the dirty state in hardware (stage1.hd = 1): 4 walks.
expect_json "--json values" "$tmp/keys.json" complete=true accesses=4 \
	tlb.L1I.lookups=1 tlb.L1I.misses=1 tlb.L1D.lookups=3 tlb.L1D.hits=1 tlb.L1D.misses=2 \
	tlb.L2.lookups=3 walks=4 dirty_update_walks=1 walk_writes=1

# The one-level preset: exactly one level, L1 (sim/CONFIG.md, [one_level]).
run --preset one-level --quiet --json "$tmp/one.json" "$data/small.lk"
expect_json_int "--json one-level" "$tmp/one.json" tlb.L1.lookups tlb.L1.hits tlb.L1.misses
check "--json one-level: no other TLB level" \
	test "$(flat "$tmp/one.json" | grep -c '^tlb\.[^.]*\.lookups=')" -eq 1

# ---------------------------------------------------------------- outputs that are not files

# Results and converted traces are written whole or not at all: into a
# temporary file beside the name, renamed over it.  A name that is not a
# regular file (a device, a FIFO, a link to one) is written in place
# instead: renaming over /dev/null, as root, replaces the machine's
# /dev/null with a regular file.  Checked on a FIFO of this test's own
# (the machine's /dev/null may itself have been replaced by a file): the
# FIFO must still be a FIFO and its reader must get the whole output.
# out_to_fifo WHAT MARK COMMAND...: run COMMAND (which writes $tmp/out.fifo)
# with a reader on the FIFO, whose output must hold MARK.
out_to_fifo() {
	fifo_what=$1 fifo_mark=$2
	shift 2
	rm -f "$tmp/out.fifo" "$tmp/fifo.got"
	mkfifo "$tmp/out.fifo" || { bad "$fifo_what: mkfifo failed"; return; }
	# Every open of the FIFO is made here, in order, so none can block or
	# race: a read-write descriptor (which Linux opens at once) is a writer
	# that lets the read-only open succeed at once; the reader gets that
	# read end; the command runs; closing the read-write descriptor then
	# ends the reader, whatever the command did.
	exec 3<>"$tmp/out.fifo"
	exec 4<"$tmp/out.fifo"
	cat <&4 >"$tmp/fifo.got" 3>&- 4<&- &
	reader=$!
	exec 4<&-
	"$@" 3>&- >"$tmp/out" 2>"$tmp/err"
	st=$?
	exec 3>&-
	wait $reader
	check "$fifo_what: exit status 0 (got $st: $(head -1 "$tmp/err"))" test $st -eq 0
	check "$fifo_what: the FIFO is still a FIFO" test -p "$tmp/out.fifo"
	check "$fifo_what: its reader got the output" grep -q -e "$fifo_mark" "$tmp/fifo.got"
	check "$fifo_what: no temporary file beside it" \
		test "$(ls "$tmp" | grep -c '^out\.fifo.*tmp')" -eq 0
}
out_to_fifo "--json to a FIFO" '"mmusim_version"' \
	"$MMUSIM" run --preset one-level --quiet --json "$tmp/out.fifo" "$data/small.lk"
out_to_fifo "convert to a FIFO" MMUTR "$MMUSIM" convert --quiet "$data/small.lk" "$tmp/out.fifo"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
