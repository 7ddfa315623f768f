#!/bin/sh
# tests/run_record.sh - `mmusim record` and the QEMU plugin in user mode.
#
#   - Debian's arm64 xz (xz-utils:arm64, unpacked by ./test.sh into
#     $MMUSIM_ARM64_ROOT) recorded under qemu-aarch64 with the plugin: it
#     still compresses correctly, the trace replays with `mmusim run`, its
#     fetches are 4-byte AArch64 instructions, --limit gives exactly that many
#     records, and xz -T2 gives records of three vCPUs (main thread, two
#     workers);
#   - a ChampSim trace converted from that real AArch64 trace gives exactly
#     the results of its equivalent lackey trace (workloads/CHAMPSIM.md);
#   - an x86-64 program the test builds, recorded under Valgrind lackey
#     through a pipe: replayed, --limit, its failure kept in the exit status,
#     the progress line on a terminal only;
#   - the errors: program not found, not an ELF (a script), unsupported
#     architecture, QEMU, Valgrind or the plugin missing, bad options.
#
# Environment: MMUSIM, top_builddir (AM_TESTS_ENVIRONMENT), MMUSIM_ARM64_ROOT.
# Needs qemu-user, valgrind, libc6:arm64, liblzma5:arm64, xz-utils:arm64
# unpacked, cc, script (util-linux), xz: ./test.sh installs them.  A missing
# tool is a failure, never a skip.

MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
top_builddir=${top_builddir:-.}
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_builddir in /*) ;; *) top_builddir=$here/$top_builddir ;; esac
TOOL=$top_builddir/tests/trace_tool
PLUGIN=$top_builddir/qemu-plugin/libmmusim-trace.so
XZ64=${MMUSIM_ARM64_ROOT:-/nonexistent}/usr/bin/xz

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

missing=
[ -x "$MMUSIM" ] && [ -x "$TOOL" ] || missing="$missing the build"
[ -f "$PLUGIN" ] || missing="$missing $PLUGIN (configure found no QEMU?)"
[ -f "$XZ64" ] || missing="$missing xz-utils:arm64 (MMUSIM_ARM64_ROOT=${MMUSIM_ARM64_ROOT:-unset})"
for t in qemu-aarch64 valgrind cc script xz; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
[ -e /lib/ld-linux-aarch64.so.1 ] || missing="$missing libc6:arm64"
if [ -n "$missing" ]; then
	echo "run_record.sh: missing:$missing; ./test.sh installs what this test needs" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/record.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15
cd "$tmp" || exit 1

num() { sed -n "s/^  \"$1\": \([0-9]*\),\$/\1/p" "$2"; }

# ---- AArch64: Debian's xz under qemu-aarch64 ---------------------------------
seq 1 3000 >in.txt
"$MMUSIM" record --no-progress -o xz.mmt.zst --plugin "$PLUGIN" -- "$XZ64" -T1 -1 -c in.txt \
	>out.xz 2>rec.err
rc=$?
[ $rc -eq 0 ] && ok || bad "record arm64 xz: exit $rc: $(cat rec.err)"
xz -dc out.xz | cmp -s - in.txt && ok || bad "arm64 xz under the plugin did not compress correctly"
records=$(sed -n 's/^mmusim record: xz.mmt.zst: \([0-9]*\) records, .*(AArch64, qemu-aarch64 with the plugin .*libmmusim-trace.so); .* exited with status 0$/\1/p' rec.err)
[ -n "$records" ] && [ "$records" -gt 100000 ] && ok || bad "record summary: $(cat rec.err)"
"$MMUSIM" run --quiet --no-progress --json xz.json xz.mmt.zst 2>run.err
[ $? -eq 0 ] && grep -q '"complete": true' xz.json && ok || bad "run of the xz trace: $(cat run.err)"
[ "$(num accesses xz.json)" = "$records" ] && ok ||
	bad "run: $(num accesses xz.json) accesses, record said $records"
"$TOOL" dump xz.mmt.zst >xz.txt || bad "dump of the xz trace"
awk '
	$1 != 0 { bad = "a record of CPU " $1 }
	$2 == "fetch" { f++; if ($4 != 4 || $3 !~ /[048c]$/) bad = "fetch " $3 " of size " $4 }
	$2 == "load" { l++ } $2 == "store" { s++ }
	$2 == "load" || $2 == "store" { if ($4 !~ /^(1|2|4|8|16)$/) bad = $2 " of size " $4 }
	END { if (!f || !l || !s) bad = "fetches " f ", loads " l ", stores " s;
	      if (bad) { print bad; exit 1 } }' xz.txt >awk.out && ok ||
	bad "the xz trace: $(cat awk.out)"

"$MMUSIM" record --no-progress --limit 20000 -o lim.mmt.zst --plugin "$PLUGIN" -- "$XZ64" -c in.txt \
	>/dev/null 2>lim.err
rc=$?
n=$("$TOOL" dump lim.mmt.zst | wc -l)
[ $rc -eq 0 ] && [ "$n" -eq 20000 ] && grep -q 'stopped at the limit' lim.err && ok ||
	bad "--limit 20000 (arm64): exit $rc, $n records: $(cat lim.err)"

"$TOOL" dump --phys lim.mmt.zst | grep -q phys && bad "physical addresses in a user-mode trace" || ok

# xz -T2 on more than two of its blocks: a main thread and two workers
head -c 2600000 /dev/zero | tr '\0' 'a' >big.txt
"$MMUSIM" record --no-progress --limit 3000000 -o t2.mmt.zst --plugin "$PLUGIN" -- \
	"$XZ64" -T2 -0 -c big.txt >/dev/null 2>t2.err || bad "record xz -T2: $(cat t2.err)"
cpus=$("$TOOL" dump t2.mmt.zst | awk '{ c[$1] = 1 } END { for (k in c) n++; print n }')
[ "$cpus" = 3 ] && ok || bad "xz -T2: records of $cpus CPUs, expected 3"

# ---- ChampSim from a real AArch64 trace -----------------------------------------
# The first million records of the xz run, as ChampSim records (xz-compressed
# as the corpora are), against the lackey trace they are equivalent to.
"$MMUSIM" record --no-progress --limit 1000000 -o xz1m.mmt.zst --plugin "$PLUGIN" -- \
	"$XZ64" -T1 -1 -c in.txt >/dev/null 2>xz1m.err || bad "record: $(cat xz1m.err)"
"$TOOL" from-native xz1m.mmt.zst xz.champsimtrace 2>/dev/null &&
	"$TOOL" to-lackey xz.champsimtrace xz.lk && xz -0 -T1 -k xz.champsimtrace ||
	bad "ChampSim conversion of the xz trace"
for preset in "" one-level; do
	set -- ${preset:+--preset "$preset"}
	"$MMUSIM" run --quiet --no-progress "$@" --json cs.json xz.champsimtrace.xz 2>cs.err
	r1=$?
	"$MMUSIM" run --quiet --no-progress "$@" --json lk.json xz.lk 2>lk.err
	r2=$?
	grep -v '^  "command":' cs.json >cs.res
	grep -v '^  "command":' lk.json >lk.res
	if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && grep -q '"complete": true' cs.res && cmp -s cs.res lk.res; then
		ok
	else
		bad "ChampSim of the arm64 xz trace vs its lackey (${preset:-default}): $r1/$r2 $(cat cs.err lk.err)"
		diff cs.res lk.res | head -n 6
	fi
	[ "$(num walks cs.res)" -gt 0 ] || bad "no walk in the ChampSim run"
done

# ---- x86-64: Valgrind lackey through a pipe --------------------------------------
cat >prog.c <<'EOF'
#include <stdlib.h>
static volatile long a[4096];
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, s = 0;

	for (long i = 0; i < n; i++)
		s += a[(i * 67) & 4095] += i;
	return argc > 2 ? atoi(argv[2]) : (int)(s & 0);
}
EOF
cc -O1 -o prog prog.c || bad "cc prog.c"
mkdir x86 && cd x86 && "$MMUSIM" record --no-progress -o p.mmt.zst -- ../prog 1000 2>../p.err
rc=$?
# the text went through a pipe: nothing but the trace was written
[ "$(ls -A)" = p.mmt.zst ] && ok || bad "record x86-64 left files: $(ls -A)"
mv p.mmt.zst .. && cd .. && rmdir x86
precords=$(sed -n 's/^mmusim record: p.mmt.zst: \([0-9]*\) records, .*(x86-64, Valgrind lackey); .* exited with status 0$/\1/p' p.err)
[ $rc -eq 0 ] && [ -n "$precords" ] && ok || bad "record x86-64: exit $rc: $(cat p.err)"
"$MMUSIM" run --quiet --no-progress --json p.json p.mmt.zst 2>run.err
[ $? -eq 0 ] && [ "$(num accesses p.json)" -ge "$precords" ] && ok ||
	bad "run of the x86-64 trace: $(cat run.err)"
"$MMUSIM" record --no-progress --limit 5000 -o pl.mmt.zst -- ./prog 100000 2>pl.err
rc=$?
n=$("$TOOL" dump pl.mmt.zst | wc -l)
[ $rc -eq 0 ] && [ "$n" -eq 5000 ] && ok || bad "--limit 5000 (x86-64): exit $rc, $n records: $(cat pl.err)"
"$MMUSIM" record --no-progress -o pf.mmt.zst -- ./prog 10 3 2>pf.err
rc=$?
[ $rc -eq 1 ] && grep -q 'exited with status 3 (the trace of what ran is kept)' pf.err &&
	"$MMUSIM" run --quiet pf.mmt.zst >/dev/null && ok || bad "a failing program: exit $rc: $(cat pf.err)"
grep -q "$(printf '\r')" p.err && bad "a progress line without a terminal" || ok
# on a terminal (script(1) gives one): the progress line, then a clean line
script -qec "$MMUSIM record -o tty.mmt.zst -- ./prog 400000" /dev/null >tty.out 2>&1
grep -q 'mmusim record: \./prog: [0-9.]* M records, [0-9.]* M/s' tty.out && ok ||
	bad "no progress line on a terminal: $(tr '\r' '\n' <tty.out | tail -n 3)"

# ---- errors -----------------------------------------------------------------
# err DESCRIPTION STATUS PATTERN COMMAND...: COMMAND exits STATUS, says PATTERN.
err() {
	what=$1 want=$2 pat=$3
	shift 3
	"$@" >e.out 2>e.err </dev/null
	st=$?
	if [ $st -eq "$want" ] && grep -q -e "$pat" e.err; then
		ok
	else
		bad "$what: exit $st: $(cat e.err)"
	fi
}
printf '#!/bin/sh\necho hi\n' >script.sh
chmod +x script.sh
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\050\000' >arm32
printf 'junk\n' >notelf
mkdir empty
err "program not found" 2 "nosuchprogram: program not found in PATH" \
	"$MMUSIM" record -- nosuchprogram
err "not an ELF" 2 "notelf: not an ELF executable$" "$MMUSIM" record -- ./notelf
err "a script" 2 "record its interpreter" "$MMUSIM" record -- ./script.sh
err "32-bit Arm" 2 "unsupported architecture (ELF32 machine 40, 32-bit Arm)" \
	"$MMUSIM" record -- ./arm32
err "qemu missing" 2 "qemu-aarch64 not found in PATH" \
	env PATH="$tmp/empty" "$MMUSIM" record --plugin "$PLUGIN" -- "$XZ64" --version
err "valgrind missing" 2 "valgrind not found in PATH" \
	env PATH="$tmp/empty" "$MMUSIM" record -- ./prog
err "plugin missing" 2 "nonexistent.so: the QEMU plugin is not there" \
	"$MMUSIM" record --plugin "$tmp/nonexistent.so" -- "$XZ64" --version
err "no program" 2 "no program given" "$MMUSIM" record

# ---- where the plugin is found (sim/installed.h) --------------------------
# An installation moved to another prefix uses its own plugin: a copy of the
# program as NEW/bin/mmusim finds NEW/lib/mmusim/libmmusim-trace.so (for
# the configured bindir and pkglibdir under one prefix, as by default),
# before the configured $(pkglibdir).  (The make that runs this test must
# not pass its flags on: with -j they print directories into the answer.)
dir_of() { MAKEFLAGS= MFLAGS= make -s -C "$top_builddir" --no-print-directory -f Makefile -f - \
	print-dir V=0 <<EOF 2>/dev/null
print-dir: ; @echo \$($1)
EOF
}
prefix=$(dir_of prefix)
bindir=$(dir_of bindir)
pkglibdir=$(dir_of pkglibdir)
case $bindir:$pkglibdir in
"$prefix"/*:"$prefix"/*)
	new=$tmp/moved
	mkdir -p "$new${bindir#"$prefix"}" "$new${pkglibdir#"$prefix"}"
	cp "$MMUSIM" "$new${bindir#"$prefix"}/mmusim"
	cp "$PLUGIN" "$new${pkglibdir#"$prefix"}/"
	"$new${bindir#"$prefix"}/mmusim" record --no-progress -o moved.mmt.zst -- "$XZ64" --version \
		>/dev/null 2>moved.err &&
		grep -q -F "with the plugin $new${pkglibdir#"$prefix"}/libmmusim-trace.so)" moved.err &&
		ok || bad "a moved installation does not use its own plugin: $(cat moved.err)"
	rm -rf "$new" moved.mmt.zst moved.err
	;;
*)	bad "cannot read the configured directories from $top_builddir/Makefile" ;;
esac
err "-o -" 2 "not standard output" "$MMUSIM" record -o - -- ./prog
err "no such directory" 2 "cannot write in" "$MMUSIM" record -o "$tmp/no/dir/x" -- ./prog
err "--limit 0" 2 "limit: expected a number 1.." "$MMUSIM" record --limit 0 -- ./prog
[ ! -e no ] && ! ls | grep -q tmp && ok || bad "a failed recording left a file"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
