#!/bin/sh
# tests/memcheck/long_replay.sh - replay a long trace through 'mmusim run'
# under Valgrind memcheck: no invalid access, no use of uninitialised
# values, no leak, and the expected number of accesses simulated.
#
# A small native trace (mmusim gen: random data accesses over 64 MiB, some
# crossing pages, 30% stores, interleaved instruction fetches) is written
# once and given to one 'mmusim run' as many times as needed: the run
# replays its arguments in order as one stream, so the TLBs, walk caches,
# page tables and statistics live through the whole replay.
#
# Not part of 'make check' (100 M accesses take about 10 minutes of CPU
# under memcheck).  Usage, from a configured (ideally --without-jemalloc,
# non-sanitizer) build directory:
#
#   MMUSIM=./mmusim sh SRC/tests/memcheck/long_replay.sh
#
# Environment:
#   MMUSIM                     the program (default ./mmusim)
#   MMUSIM_MEMCHECK_ACCESSES   accesses in all (default 100000000)
#   MMUSIM_MEMCHECK_CHUNK      accesses per copy of the trace (default 1000000)
#   MMUSIM_MEMCHECK_ARGS       extra 'mmusim run' options, e.g. "--preset cortex-a72"
#   VALGRIND                   the valgrind program (default valgrind)
# Exit status: 0 clean, 1 memcheck errors, a wrong count or no valgrind.
set -u

MMUSIM=${MMUSIM:-./mmusim}
TOTAL=${MMUSIM_MEMCHECK_ACCESSES:-100000000}
CHUNK=${MMUSIM_MEMCHECK_CHUNK:-1000000}
VALGRIND=${VALGRIND:-valgrind}

if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "long_replay.sh: FAIL: $VALGRIND not found (Debian package valgrind)"
	exit 1
fi
if [ ! -x "$MMUSIM" ]; then
	echo "long_replay.sh: $MMUSIM is not built" >&2
	exit 1
fi
if [ $((TOTAL % CHUNK)) -ne 0 ]; then
	echo "long_replay.sh: MMUSIM_MEMCHECK_ACCESSES must be a multiple of MMUSIM_MEMCHECK_CHUNK" >&2
	exit 1
fi
copies=$((TOTAL / CHUNK))

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-memcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

trace="$tmp/replay.mmt"
"$MMUSIM" gen --pattern random --footprint 64M --writes 0.3 --misalign 4 \
	--fetch-ratio 1 --code 256K --accesses "$CHUNK" --seed 7 "$trace" \
	>/dev/null 2>"$tmp/gen.err" || {
	cat "$tmp/gen.err" >&2
	echo "long_replay.sh: mmusim gen failed" >&2
	exit 1
}

# The argument list: the trace, $copies times.
set --
i=0
while [ $i -lt $copies ]; do
	set -- "$@" "$trace"
	i=$((i + 1))
done

echo "long_replay.sh: $TOTAL accesses ($copies x $CHUNK) under memcheck"
start=$(date +%s)
# shellcheck disable=SC2086 # MMUSIM_MEMCHECK_ARGS is a list of options
"$VALGRIND" --tool=memcheck --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect,possible --track-origins=no \
	--log-file="$tmp/memcheck.log" \
	"$MMUSIM" run --quiet --no-progress --json "$tmp/out.json" \
	${MMUSIM_MEMCHECK_ARGS:-} "$@"
st=$?
end=$(date +%s)
echo "long_replay.sh: exit $st after $((end - start)) s"
grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|in use at exit' \
	"$tmp/memcheck.log" | sed 's/^==[0-9]*== /    /'

fail=0
if [ $st -ne 0 ]; then
	echo "long_replay.sh: FAIL: memcheck reported errors or mmusim failed:"
	sed -n '1,200p' "$tmp/memcheck.log"
	fail=1
fi
# The run must have simulated every access of every copy.
acc=$(sed -n 's/.*"accesses": *\([0-9][0-9]*\).*/\1/p' "$tmp/out.json" | head -n 1)
if [ "${acc:-}" != "$TOTAL" ]; then
	echo "long_replay.sh: FAIL: $TOTAL accesses expected, the JSON result says '${acc:-none}'"
	fail=1
else
	echo "long_replay.sh: $acc accesses simulated"
fi
[ $fail -eq 0 ] && echo "long_replay.sh: PASS"
exit $fail
