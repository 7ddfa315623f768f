#!/bin/sh
# tests/fuzz/smoke.sh - a short run of every libFuzzer target under ASan and
# UBSan: fails on any crash, sanitizer report, leak, hang or runaway memory.
#
# Builds the fuzzers first (tests/fuzz/build.sh; needs clang and
# libclang-rt-14-dev).  Each target starts from its committed seed corpus
# (corpus/TARGET/) and regression inputs (regressions/TARGET/), which are
# only read: new inputs go to a scratch directory.
#
# Environment:
#   MMUSIM_FUZZ_SECONDS  seconds per target (default 30)
#   MMUSIM_FUZZ_TARGETS  targets to run (default: all, see targets.sh)
#   MMUSIM_FUZZ_BUILD    build directory (default ./fuzz-build)
#   MMUSIM_FUZZ_KEEP     if set, keep the scratch directory (crash inputs)
#   MMUSIM_FUZZ_JOBS     targets run at once (default: the number of cores)
#   MMUSIM_FUZZ_SEED     libFuzzer's -seed (default 1), so that a run can be
#                        repeated; its extent still depends on the machine's
#                        speed (a time budget), and libFuzzer's length
#                        control makes even equal runs differ a little
# ASAN_OPTIONS and UBSAN_OPTIONS are set here, not taken from the caller.
#
# Exit status: 0 all passed, 1 a target failed or no clang with libFuzzer
# (Debian packages clang and libclang-rt-14-dev, which ./test.sh installs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/fuzz/targets.sh disable=SC1091
. "$here/targets.sh"
SECONDS_PER=${MMUSIM_FUZZ_SECONDS:-30}
TARGETS=${MMUSIM_FUZZ_TARGETS:-$MMUSIM_FUZZ_TARGETS}
B=${MMUSIM_FUZZ_BUILD:-$PWD/fuzz-build}
export MMUSIM_FUZZ_BUILD="$B"

# shellcheck disable=SC2086 # the target list is split on purpose
"$here/build.sh" $TARGETS
rc=$?
if [ $rc -eq 77 ]; then
	echo "smoke.sh: FAIL: no clang with libFuzzer (Debian packages clang and libclang-rt-14-dev; ./test.sh installs them)"
	echo "0 passed, 1 failed"
	exit 1
elif [ $rc -ne 0 ]; then
	echo "smoke.sh: building the fuzzers failed"
	echo "0 passed, 1 failed"
	exit 1
fi
B=$(cd "$B" && pwd)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-fuzz.XXXXXX")
[ -n "${MMUSIM_FUZZ_KEEP:-}" ] || trap 'rm -rf "$scratch"' EXIT INT TERM

# Stop at the first UBSan report; report leaks (libFuzzer's -detect_leaks).
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS ASAN_OPTIONS
SEED=${MMUSIM_FUZZ_SEED:-1}

JOBS=${MMUSIM_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}

# run_target T: one target's run; its exit status goes to $scratch/T.status.
run_target() {
	t=$1
	mkdir -p "$scratch/$t/corpus" "$scratch/$t/artifacts"
	dict=
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
	dirs="$here/corpus/$t"
	[ -d "$here/regressions/$t" ] && dirs="$dirs $here/regressions/$t"
	# shellcheck disable=SC2086
	"$B/fuzz_$t" -seed="$SEED" -max_total_time="$SECONDS_PER" -timeout=10 \
		-rss_limit_mb=2048 -malloc_limit_mb=1024 -detect_leaks=1 \
		-print_final_stats=1 $dict \
		-artifact_prefix="$scratch/$t/artifacts/" \
		"$scratch/$t/corpus" $dirs >"$scratch/$t.log" 2>&1
	echo $? >"$scratch/$t.status"
}

# Run the targets JOBS at a time (each is single-threaded).
running=0
for t in $TARGETS; do
	run_target "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

pass=0
fail=0
for t in $TARGETS; do
	log="$scratch/$t.log"
	st=$(cat "$scratch/$t.status" 2>/dev/null || echo 1)
	stats=$(grep -E '^#[0-9]+.*(cov|DONE)' "$log" | tail -n 1)
	if [ $st -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS: fuzz_$t ($SECONDS_PER s) $stats"
	else
		fail=$((fail + 1))
		echo "FAIL: fuzz_$t exited $st; last lines of its log:"
		tail -n 40 "$log" | sed 's/^/    /'
		for a in "$scratch/$t/artifacts"/*; do
			[ -f "$a" ] || continue
			echo "    input: $a"
			if [ "$(wc -c <"$a")" -le 4096 ] && command -v base64 >/dev/null; then
				echo "    base64 of the input:"
				base64 <"$a" | sed 's/^/      /'
			fi
			echo "    (MMUSIM_FUZZ_KEEP=1 keeps it; minimise with fuzz_$t -minimize_crash=1 -runs=10000 INPUT)"
		done
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
