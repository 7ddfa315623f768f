#!/bin/sh
# tests/install_check.sh BUILDDIR - an installed mmusim works without its
# build tree.
#
# Installs BUILDDIR with `make install DESTDIR=...`, moves BUILDDIR away
# (it is moved back on exit, also on failure or interrupt), and checks the
# staged copy as a user would: the program runs a trace of the source tree
# and answers --version; `man` finds mmusim(1) in the staged man directory
# and renders it; README and the format documents are in the documentation
# directory; `mmusim record` finds the installed QEMU plugin by itself and
# records Debian's arm64 xz ($MMUSIM_ARM64_ROOT, as for tests/run_record.sh);
# the chart scripts are installed and the staged report draws with them
# (check_report below).
#
# Not part of `make check` (it moves the build tree that make runs in);
# ./test.sh runs it after the tests.  Last line: "N passed, M failed".
set -u

build=${1:?usage: install_check.sh BUILDDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd) || exit 1
moved="$build.moved-away.$$"

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

dest=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-dest.XXXXXX") || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-inst.XXXXXX") || exit 1
restore() {
	[ -d "$moved" ] && [ ! -e "$build" ] && mv "$moved" "$build"
	rm -rf "$dest" "$work"
}
trap restore 0
trap 'exit 1' 1 2 15

# Where the Makefile installs things (configure's directories, expanded).
dir_of() { make -s -C "$build" --no-print-directory -f Makefile -f - print-dir V=0 <<EOF 2>/dev/null
print-dir: ; @echo \$($1)
EOF
}
bindir=$(dir_of bindir)
mandir=$(dir_of mandir)
docdir=$(dir_of docdir)
pkglibdir=$(dir_of pkglibdir)
pkgdatadir=$(dir_of pkgdatadir)
if [ -z "$bindir" ] || [ -z "$mandir" ] || [ -z "$docdir" ]; then
	echo "install_check.sh: cannot read the install directories of $build" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

if make -C "$build" install DESTDIR="$dest" >"$work/install.log" 2>&1; then
	ok
else
	bad "make install DESTDIR=$dest: $(tail -n 5 "$work/install.log")"
fi
mv "$build" "$moved" || { bad "cannot move $build away"; exit 1; }

M=$dest$bindir/mmusim
# the program, from anywhere, without its build tree
cd "$work" || exit 1
out=$("$M" --version 2>&1) && [ "$out" = "mmusim $(sed -n 's/^AC_INIT(\[mmusim\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")" ] &&
	ok || bad "installed mmusim --version: $out"
out=$("$M" run --version 2>&1) && [ "$out" = "$("$M" --version)" ] && ok || bad "run --version: $out"
"$M" run --quiet --no-progress --json r.json "$src/tests/data/run/small.lk" 2>run.err &&
	grep -q '"complete": true' r.json && ok || bad "installed mmusim run: $(cat run.err)"

# the manual
[ -f "$dest$mandir/man1/mmusim.1" ] && ok || bad "no $mandir/man1/mmusim.1"
page=$(MANPATH="$dest$mandir" man -w mmusim 2>&1)
[ "$page" = "$dest$mandir/man1/mmusim.1" ] && ok || bad "man -w mmusim: $page"
MANPATH="$dest$mandir" MANWIDTH=80 man mmusim 2>man.err | grep -q 'mmusim record \[options\] -- program' &&
	ok || bad "man mmusim does not render: $(cat man.err)"

# the documentation directory
for f in README FORMAT.md CHAMPSIM.md WORKLOADS.md GENERATORS.md CONFIG.md SCHEMA.md \
	walk-scenario.md results/README.md qemu-plugin/README.md; do
	[ -s "$dest$docdir/$f" ] && ok || bad "no $docdir/$f"
done

# the QEMU plugin, found by the staged program beside itself
if [ -f "$dest$pkglibdir/libmmusim-trace.so" ]; then
	ok
	xz64=${MMUSIM_ARM64_ROOT:-/nonexistent}/usr/bin/xz
	if [ -x "$xz64" ]; then
		"$M" record --no-progress -o xz.mmt.zst -- "$xz64" --version >/dev/null 2>rec.err &&
			"$M" run --quiet xz.mmt.zst && ok || bad "installed mmusim record: $(cat rec.err)"
		grep -q -F "with the plugin $dest$pkglibdir/libmmusim-trace.so)" rec.err && ok ||
			bad "installed mmusim record did not use the staged plugin: $(cat rec.err)"
	else
		bad "no arm64 xz to record (MMUSIM_ARM64_ROOT; ./test.sh unpacks it)"
	fi
else
	bad "no $pkglibdir/libmmusim-trace.so (configure found no QEMU?)"
fi

# check_report: the chart scripts of `mmusim report`: installed, and the
# staged program draws its charts from them with its build tree moved away
# (an installed mmusim never falls back to a source or build tree, and
# MMUSIM_PLOTDIR is not set here).
check_report() {
	n=$(ls "$dest$pkgdatadir/plot/"*.gp 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && [ -f "$dest$pkgdatadir/plot/common.gp" ] && ok ||
		bad "no chart scripts in $pkgdatadir/plot"
	if env -u MMUSIM_PLOTDIR "$M" report -o rep r.json >report.out 2>&1; then
		ok
	else
		bad "installed mmusim report: $(tail -n 3 report.out)"
	fi
	n=$(ls rep/charts/*.svg 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && ok || bad "installed mmusim report drew no chart"
}
check_report

cd / || exit 1
restore
trap - 0
[ -d "$build" ] && ok || bad "$build was not moved back"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
