#!/bin/sh
# Run every mmusim test on this machine, from a fresh checkout or not:
# installs the Debian packages it needs (as root, or through sudo), builds
# the tree twice out of source -- with -Werror (build/werror) and with
# AddressSanitizer + UBSan (build/asan) -- and runs `make check` in both.
# Options: --quick builds and tests only the -Werror flavour.
set -eu
cd "$(dirname "$0")"
. ./scripts/common.sh

flavours="werror asan"
[ "${1:-}" = "--quick" ] && flavours="werror"

# The fuzzers' smoke run (full runs only) needs clang and libFuzzer.
FUZZ_DEBS="clang libclang-rt-14-dev"
if [ "$flavours" = "werror asan" ]; then
	ensure_debs $FUZZ_DEBS
else
	ensure_debs
fi
ensure_record_tools build/arm64
total_pass=0
total_fail=0
for f in $flavours; do
	case $f in
	werror) build_flavour werror --enable-werror ;;
	asan)   build_flavour asan --enable-werror --enable-sanitizers ;;
	esac
	log "mmusim: make check (build/$f)"
	rc=0
	make -C "build/$f" -j"$(nproc 2>/dev/null || echo 2)" check >"build/$f/check.out" 2>&1 || rc=$?
	echo "== build/$f: test results =="
	# Each Check suite's own summary line, then automake's totals.
	find "build/$f/tests" -name '*.log' ! -name test-suite.log | sort | while read -r l; do
		grep -h -E '^[0-9]+%: Checks:|^[0-9]+ passed, [0-9]+ failed' "$l" |
			sed "s|^|${l#build/$f/}: |" || true
	done
	pass=$(sed -n 's/^# PASS: *//p' "build/$f/check.out" | tail -n 1)
	fail=$(sed -n 's/^# FAIL: *//p' "build/$f/check.out" | tail -n 1)
	errs=$(sed -n 's/^# ERROR: *//p' "build/$f/check.out" | tail -n 1)
	pass=${pass:-0}; fail=${fail:-0}; errs=${errs:-0}
	if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ] || [ "$errs" -ne 0 ]; then
		cat "build/$f/check.out"
		[ -f "build/$f/test-suite.log" ] && cat "build/$f/test-suite.log"
	fi
	if [ "$pass" -eq 0 ] && [ "$rc" -eq 0 ]; then
		echo "mmusim: no test ran in build/$f" >&2
		rc=1
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail + errs + (rc != 0 && fail + errs == 0)))
done
# A short run of every libFuzzer target under ASan and UBSan (about 30 s
# each, two at a time on two cores); any crash, leak or hang fails.
if [ "$flavours" = "werror asan" ]; then
	log "mmusim: fuzz smoke run (build/asan/fuzz-build)"
	rc=0
	MMUSIM_FUZZ_SECONDS=${MMUSIM_FUZZ_SECONDS:-30} \
		make -C build/asan fuzz-smoke >build/asan/fuzz-smoke.out 2>&1 || rc=$?
	echo "== fuzz smoke run =="
	grep -E '^(PASS|FAIL|SKIP|smoke.sh)' build/asan/fuzz-smoke.out || true
	pass=$(grep -c '^PASS: fuzz_' build/asan/fuzz-smoke.out || true)
	fail=$(grep -c '^FAIL: fuzz_' build/asan/fuzz-smoke.out || true)
	if [ "$rc" -ne 0 ]; then
		tail -n 60 build/asan/fuzz-smoke.out
		[ "$fail" -eq 0 ] && fail=1
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
