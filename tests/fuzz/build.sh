#!/bin/sh
# tests/fuzz/build.sh - build the libFuzzer targets of mmusim.
#
# The fuzzers need clang with libFuzzer (Debian: clang libclang-rt-14-dev).
# The library is built in a private, out-of-tree configuration of its own
# with clang, ASan and UBSan, so the normal (gcc) build is never touched:
#
#   $MMUSIM_FUZZ_BUILD/lib/libmmusim.a    the instrumented library
#   $MMUSIM_FUZZ_BUILD/fuzz_TARGET        one fuzzer per target
#
# Environment:
#   MMUSIM_FUZZ_BUILD  where to build (default: ./fuzz-build, i.e. under the
#                      directory this is run from; 'make fuzz' uses
#                      $(top_builddir)/fuzz-build)
#   MMUSIM_FUZZ_CC     the compiler (default: clang)
#   MAKE               the make program (default: make)
#   MMUSIM_FUZZ_JOBS   parallel make jobs (default: the number of CPUs)
#
# Usage: tests/fuzz/build.sh [TARGET...]    (default: every target)
# Exit status: 0 built, 1 failed, 77 no usable clang/libFuzzer (skipped).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
# shellcheck source=tests/fuzz/targets.sh disable=SC1091
. "$here/targets.sh"

B=${MMUSIM_FUZZ_BUILD:-$PWD/fuzz-build}
CC_FUZZ=${MMUSIM_FUZZ_CC:-clang}
MAKE=${MAKE:-make}
JOBS=${MMUSIM_FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
LIB_CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $SAN"

targets=${*:-$MMUSIM_FUZZ_TARGETS}

if ! command -v "$CC_FUZZ" >/dev/null 2>&1; then
	echo "build.sh: $CC_FUZZ not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 77
fi
mkdir -p "$B"
B=$(cd "$B" && pwd)

# Probe libFuzzer: clang without compiler-rt links nothing with -fsanitize=fuzzer.
probe="$B/probe"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe.c"
if ! "$CC_FUZZ" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
	echo "build.sh: $CC_FUZZ cannot link libFuzzer (Debian: apt-get install libclang-rt-14-dev); see $probe.log" >&2
	exit 77
fi
rm -f "$probe" "$probe.c" "$probe.log"

if [ -f "$srcdir/config.status" ]; then
	echo "build.sh: $srcdir is configured in-tree; the fuzz build needs an out-of-tree" >&2
	echo "build.sh: configuration (run 'make distclean' there and build out of tree)" >&2
	exit 1
fi
if [ ! -x "$srcdir/configure" ]; then
	echo "build.sh: $srcdir/configure missing; run 'autoreconf -fi' in $srcdir" >&2
	exit 1
fi

# The instrumented library, configured once; make rebuilds what changed.
mkdir -p "$B/lib"
if [ ! -f "$B/lib/config.status" ] || [ -n "$(find "$srcdir/configure" -newer "$B/lib/config.status")" ]; then
	echo "build.sh: configuring the instrumented library in $B/lib"
	(cd "$B/lib" && "$srcdir/configure" CC="$CC_FUZZ" CFLAGS="$LIB_CFLAGS" \
		--without-jemalloc --disable-tests >configure.log 2>&1) || {
		echo "build.sh: configure failed; see $B/lib/configure.log" >&2
		exit 1
	}
fi
"$MAKE" -s -C "$B/lib" -j"$JOBS" libmmusim.a

libs="$(pkg-config --libs zlib libzstd liblzma) -lbz2"
for t in $targets; do
	echo "build.sh: fuzz_$t"
	# shellcheck disable=SC2086 # word splitting of flag lists is intended
	"$CC_FUZZ" -std=gnu11 -O1 -g -Wall -Wextra -fsanitize=fuzzer $SAN \
		-I"$srcdir" -I"$B/lib" "$here/fuzz_$t.c" "$B/lib/libmmusim.a" $libs -lm \
		-o "$B/fuzz_$t.tmp"
	mv "$B/fuzz_$t.tmp" "$B/fuzz_$t"
done
