#!/bin/sh
# tests/run_walk_golden.sh - golden checks of `mmusim walk`.
#
# For every tests/golden/walk/NAME.scn: if NAME.expected exists, the output
# of `mmusim walk NAME.scn` must equal it byte for byte (exit status 0,
# nothing on stderr); if NAME.refs.expected exists, the same with --refs.
# For every tests/bad/walk/NAME.scn: `mmusim walk NAME.scn` must exit with
# status 2, print nothing on stdout, and print exactly NAME.err on stderr.
# Each program runs from the folder of its scenario with the bare file name,
# so the FILE:LINE prefixes of the messages are stable.
#
# Environment: top_srcdir (source tree) and MMUSIM (the program), as the
# top-level Makefile.am's AM_TESTS_ENVIRONMENT exports them.
# Prints one line per failure and a final "N passed, M failed".

top_srcdir=${top_srcdir:-.}
MMUSIM=${MMUSIM:-./mmusim}

here=$(pwd)
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac

if [ ! -x "$MMUSIM" ]; then
	echo "run_walk_golden.sh: $MMUSIM is not an executable program" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/walkgolden.XXXXXX") || exit 1
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

# golden_one SCN EXPECTED [--refs]
golden_one() {
	scn=$1
	exp=$2
	shift 2
	"$MMUSIM" walk "$@" "$scn" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 0 ]; then
		bad "golden/walk/$scn${*:+ $*}: exit status $status (expected 0)"
		sed 's/^/  stderr: /' "$tmp/err"
		return
	fi
	if [ -s "$tmp/err" ]; then
		bad "golden/walk/$scn${*:+ $*}: unexpected output on stderr"
		sed 's/^/  stderr: /' "$tmp/err"
		return
	fi
	if cmp -s "$exp" "$tmp/out"; then
		ok
	else
		bad "golden/walk/$scn${*:+ $*}: output differs from $exp"
		diff -u "$exp" "$tmp/out" | sed 's/^/  /'
	fi
}

cd "$top_srcdir/tests/golden/walk" || exit 1
found=0
for scn in *.scn; do
	[ -f "$scn" ] || continue
	found=1
	base=${scn%.scn}
	checked=0
	if [ -f "$base.expected" ]; then
		golden_one "$scn" "$base.expected"
		checked=1
	fi
	if [ -f "$base.refs.expected" ]; then
		golden_one "$scn" "$base.refs.expected" --refs
		checked=1
	fi
	[ "$checked" -eq 1 ] || bad "golden/walk/$scn: no $base.expected or $base.refs.expected"
done
[ "$found" -eq 1 ] || bad "no scenarios in tests/golden/walk"

cd "$top_srcdir/tests/bad/walk" || exit 1
found=0
for scn in *.scn; do
	[ -f "$scn" ] || continue
	found=1
	base=${scn%.scn}
	if [ ! -f "$base.err" ]; then
		bad "bad/walk/$scn: no $base.err"
		continue
	fi
	"$MMUSIM" walk "$scn" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 2 ]; then
		bad "bad/walk/$scn: exit status $status (expected 2)"
	elif [ -s "$tmp/out" ]; then
		bad "bad/walk/$scn: unexpected output on stdout"
		sed 's/^/  stdout: /' "$tmp/out"
	elif ! cmp -s "$base.err" "$tmp/err"; then
		bad "bad/walk/$scn: stderr differs from $base.err"
		diff -u "$base.err" "$tmp/err" | sed 's/^/  /'
	else
		ok
	fi
done
[ "$found" -eq 1 ] || bad "no scenarios in tests/bad/walk"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
