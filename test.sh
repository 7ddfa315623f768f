#!/bin/sh
# Run every mmusim test on this machine, from a fresh checkout or not:
# installs the Debian packages it needs (as root, or through sudo), builds
# the tree twice out of source -- with -Werror (build/werror) and with
# AddressSanitizer + UBSan (build/asan) -- and runs `make check` in both;
# then installs build/werror with DESTDIR and checks the staged copy with
# the build tree moved away, and (full runs) runs `make distcheck` and a
# short run of every fuzzer.
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
# The installed program without its build tree; then (full runs) the
# release tarball built, tested, installed and uninstalled (make distcheck).
if [ -f build/werror/Makefile ]; then
	log "mmusim: install check (build/werror installed with DESTDIR, build tree moved away)"
	rc=0
	sh tests/install_check.sh build/werror >build/install-check.out 2>&1 || rc=$?
	echo "== install check =="
	grep -E '^FAIL|passed, [0-9]+ failed' build/install-check.out || true
	pass=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' build/install-check.out | tail -n 1)
	fail=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' build/install-check.out | tail -n 1)
	pass=${pass:-0}; fail=${fail:-0}
	[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && { cat build/install-check.out; fail=1; }
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))

fi
if [ -f build/werror/Makefile ] && [ "$flavours" = "werror asan" ]; then
	log "mmusim: make distcheck (build/werror)"
	rc=0
	make -C build/werror distcheck >build/distcheck.out 2>&1 || rc=$?
	echo "== make distcheck =="
	if [ "$rc" -eq 0 ] && grep -q 'archives ready for distribution' build/distcheck.out; then
		grep -E '^# (TOTAL|PASS|FAIL|ERROR):' build/distcheck.out | tr '\n' ' '
		echo
		echo "PASS: make distcheck"
		total_pass=$((total_pass + 1))
	else
		tail -n 80 build/distcheck.out
		echo "FAIL: make distcheck"
		total_fail=$((total_fail + 1))
	fi
fi
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
