#!/bin/sh
# tests/run_record_system.sh - the QEMU plugin under the system emulator:
# physical addresses.
#
# A bare-metal guest (tests/data/record/guest.S, assembled here with clang's
# integrated assembler) maps VA 0 to PA 0x40000000 with a 1 GiB block, then
# stores and loads 16 doublewords at VA 0x2000.  Under qemu-system-aarch64
# with the plugin, the trace must carry after each of those loads and
# stores the physical address 0x40002000 + 8k, after the page-table stores
# made with the MMU off their own address, and after no fetch anything;
# `mmusim run` replays it and `mmusim convert` keeps the addresses.
#
# Environment: MMUSIM, top_builddir, top_srcdir (AM_TESTS_ENVIRONMENT).
# Needs qemu-system-aarch64 (qemu-system-arm), clang, objcopy: ./test.sh
# installs them; a missing tool is a failure.

MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_builddir in /*) ;; *) top_builddir=$here/$top_builddir ;; esac
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
TOOL=$top_builddir/tests/trace_tool
PLUGIN=$top_builddir/qemu-plugin/libmmusim-trace.so

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

missing=
[ -x "$MMUSIM" ] && [ -x "$TOOL" ] || missing="$missing the build"
[ -f "$PLUGIN" ] || missing="$missing $PLUGIN"
for t in qemu-system-aarch64 clang objcopy; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "run_record_system.sh: missing:$missing; ./test.sh installs what this test needs" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/recsys.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15
cd "$tmp" || exit 1

clang --target=aarch64-linux-gnu -c "$top_srcdir/tests/data/record/guest.S" -o guest.o &&
	objcopy -I elf64-little -O binary -j .text guest.o guest.bin || bad "assembling the guest"
TO=
command -v timeout >/dev/null 2>&1 && TO="timeout 60"
$TO qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256M -nographic -monitor none \
	-serial none -nic none \
	-device loader,file=guest.bin,addr=0x40200000,force-raw=on \
	-device loader,addr=0x40200000,cpu-num=0 \
	-plugin "$PLUGIN,out=sys.mmt.zst" >qemu.out 2>&1
rc=$?
[ $rc -eq 0 ] && [ -f sys.mmt.zst ] && ok || bad "qemu-system-aarch64: exit $rc: $(cat qemu.out)"

"$TOOL" dump --phys sys.mmt.zst >sys.txt || bad "dump: the trace does not read"
# Every load and store is followed by its physical address; fetches are not.
awk '
	function hex(s,  v, i, c) { v = 0; for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c } return v }
	want != "" { if ($2 != "phys") { bad = "no physical address after " prev; exit }
		if (hex($3) != want) { bad = "after " prev ": phys " $3; exit }
		want = ""; next }
	$2 == "phys" { bad = "a physical address after " prev; exit }
	$2 == "load" || $2 == "store" { v = hex($3)
		want = v < 1073741824 ? v + 1073741824 : v; prev = $0
		if (v >= 8192 && v < 8192 + 128) data[$2]++ ; next }
	{ prev = $0 }
	END { if (!bad && (data["store"] != 16 || data["load"] != 16))
		bad = data["store"] " stores and " data["load"] " loads at VA 0x2000, expected 16 each"
	      if (bad) { print bad; exit 1 } }' sys.txt >awk.out && ok ||
	bad "physical addresses: $(cat awk.out)"
grep -q '^0 store 2000 8$' sys.txt && grep -A1 '^0 store 2000 8$' sys.txt | grep -q '^0 phys 40002000$' &&
	ok || bad "the first data store and its physical address"

"$MMUSIM" run --quiet --no-progress sys.mmt.zst 2>run.err && ok || bad "run: $(cat run.err)"
"$MMUSIM" convert sys.mmt.zst conv.mmt 2>conv.err && "$TOOL" dump --phys conv.mmt >conv.txt &&
	cmp -s sys.txt conv.txt && grep -q ' and [0-9]* physical addresses' conv.err && ok ||
	bad "convert does not keep the physical addresses: $(cat conv.err)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
