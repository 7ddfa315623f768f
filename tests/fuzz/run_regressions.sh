#!/bin/sh
# tests/fuzz/run_regressions.sh - feed every fuzzing regression input and
# seed (tests/fuzz/regressions/TARGET/, tests/fuzz/corpus/TARGET/) to the
# mmusim program the way a user would, and require a clean outcome: exit 0,
# or exit 2 with a message on standard error; never a signal, a sanitizer
# report, another status or a hang.  Needs no clang: 'make check' runs it.
#
#   scenario  mmusim walk FILE  and  mmusim walk --refs FILE
#   trace     mmusim run --quiet FILE  and  mmusim convert FILE TMP/out.mmt
#   config    mmusim run --quiet --config FILE tests/data/run/small.lk
#   results   mmusim report --no-charts -o DIR FILE FILE
#   workload  mmusim run --quiet --workload FILE
#   champsim  mmusim run --quiet --format champsim FILE, and champsim-cloudsuite
#
# Of the seed corpora, only the named seeds run by default; the inputs the
# fuzzers added (named by their SHA-1) run too with MMUSIM_REGRESSION_ALL=1
# (about 1400 runs, 20 s in a gcc build).
#
# Environment: MMUSIM (the program; default ./mmusim), top_srcdir,
# MMUSIM_REGRESSION_TIMEOUT (seconds per run, default 60),
# MMUSIM_REGRESSION_ALL.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$here/../..}
MMUSIM=${MMUSIM:-./mmusim}
LIMIT=${MMUSIM_REGRESSION_TIMEOUT:-60}
small="$srcdir/tests/data/run/small.lk"

if [ ! -x "$MMUSIM" ]; then
	echo "run_regressions.sh: $MMUSIM is not built" >&2
	exit 99
fi
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout -s KILL $LIMIT"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-regr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0
check() {       # check FILE COMMAND...: run, judge, count
	f=$1
	shift
	if [ -z "${MMUSIM_REGRESSION_ALL:-}" ] && [ "$d" = corpus ]; then
		case ${f##*/} in
		????????????????????????????????????????)
			case ${f##*/} in *[!0-9a-f]*) ;; *) return ;; esac ;;
		esac
	fi
	# shellcheck disable=SC2086 # $TO is empty or a command prefix
	(cd "$tmp" && exec $TO "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	if [ $st -eq 0 ] || { [ $st -eq 2 ] && [ -s "$tmp/err" ]; }; then
		if grep -qE 'Sanitizer|runtime error:|LeakSanitizer' "$tmp/err"; then
			st=sanitizer
		else
			pass=$((pass + 1))
			return
		fi
	fi
	fail=$((fail + 1))
	case $st in
	137) why="killed (timeout of ${LIMIT}s?)" ;;
	2) why="exit 2 without a message" ;;
	*) why="exit $st" ;;
	esac
	echo "FAIL: $* -> $why"
	sed -n '1,30s/^/    /p' "$tmp/err"
}

for d in corpus regressions; do
	for f in "$here/$d/scenario"/*; do
		[ -f "$f" ] || continue
		check "$f" "$MMUSIM" walk "$f"
		check "$f" "$MMUSIM" walk --refs "$f"
	done
	for f in "$here/$d/trace"/*; do
		[ -f "$f" ] || continue
		check "$f" "$MMUSIM" run --quiet --no-progress "$f"
		check "$f" "$MMUSIM" convert "$f" "$tmp/out.mmt"
	done
	for f in "$here/$d/config"/*; do
		[ -f "$f" ] || continue
		check "$f" "$MMUSIM" run --quiet --no-progress --config "$f" "$small"
	done
	for f in "$here/$d/results"/*; do
		[ -f "$f" ] || continue
		rm -rf "$tmp/report"
		check "$f" "$MMUSIM" report --no-charts -o "$tmp/report" "$f" "$f"
	done
	for f in "$here/$d/workload"/*; do
		[ -f "$f" ] || continue
		check "$f" "$MMUSIM" run --quiet --no-progress --workload "$f"
	done
	for f in "$here/$d/champsim"/*; do
		[ -f "$f" ] || continue
		check "$f" "$MMUSIM" run --quiet --no-progress --format champsim "$f"
		check "$f" "$MMUSIM" run --quiet --no-progress --format champsim-cloudsuite "$f"
	done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
