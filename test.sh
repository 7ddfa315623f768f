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

ensure_debs
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
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
