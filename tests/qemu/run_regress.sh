#!/bin/sh
# tests/qemu/run_regress.sh - the committed QEMU regression scenarios.
#
# For every tests/qemu/regress/NAME.scn, `mmusim walk NAME.scn` must print
# exactly NAME.expected: the answers of QEMU's AT instructions (PAR_EL1),
# recorded by check_qemu.sh with QEMU_KEEP and checked to be what the Arm
# ARM requires (see README.md).  Runs without QEMU.
#
# Environment: top_srcdir and MMUSIM, as AM_TESTS_ENVIRONMENT exports them.
# Prints one line per failure and a final "N passed, M failed".

top_srcdir=${top_srcdir:-.}
MMUSIM=${MMUSIM:-./mmusim}

here=$(pwd)
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac

if [ ! -x "$MMUSIM" ]; then
	echo "run_regress.sh: $MMUSIM is not an executable program" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/qemuregress.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15

pass=0
fail=0
cd "$top_srcdir/tests/qemu/regress" || exit 1
for scn in *.scn; do
	[ -f "$scn" ] || continue
	base=${scn%.scn}
	if [ ! -f "$base.expected" ]; then
		fail=$((fail + 1))
		echo "FAIL: qemu/regress/$scn: no $base.expected"
		continue
	fi
	"$MMUSIM" walk "$scn" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 0 ]; then
		fail=$((fail + 1))
		echo "FAIL: qemu/regress/$scn: exit status $status"
		sed 's/^/  stderr: /' "$tmp/err"
	elif cmp -s "$base.expected" "$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: qemu/regress/$scn: output differs from $base.expected (QEMU)"
		diff -u "$base.expected" "$tmp/out" | sed 's/^/  /'
	fi
done
[ $((pass + fail)) -gt 0 ] || { fail=1; echo "FAIL: no scenarios in tests/qemu/regress"; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
