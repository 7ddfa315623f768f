# scripts/common.sh - shared by run.sh and test.sh: install the Debian
# packages mmusim needs (if missing) and configure/build one flavour of the
# tree out of source under build/FLAVOUR.  Safe to run any number of times.

MMUSIM_DEBS="gcc make autoconf automake pkg-config check libsubunit-dev \
libjemalloc-dev zlib1g-dev libzstd-dev gnuplot-nox valgrind libxml2-utils slurmctld slurmd slurm-client \
liblzma-dev libbz2-dev xz-utils bzip2 gzip zstd groff-base man-db"

log() { printf '%s\n' "$*" >&2; }

# ensure_debs [EXTRA-PACKAGE...]: install what is missing of MMUSIM_DEBS
# and the extra packages.
ensure_debs() {
	missing=""
	for p in $MMUSIM_DEBS "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "mmusim: installing Debian packages:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		log "mmusim: missing packages:$missing; install them as root (apt-get install$missing)"
		exit 1
	fi
	$SUDO apt-get update -qq >&2 || { log "mmusim: apt-get update failed"; exit 1; }
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2 ||
		{ log "mmusim: apt-get install failed for:$missing"; exit 1; }
}

# build_flavour NAME CONFIGURE-ARGS...: configure (once) and build build/NAME.
build_flavour() {
	name=$1
	shift
	top=$(pwd)
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		log "mmusim: autoreconf -fi"
		autoreconf -fi >&2 || { log "mmusim: autoreconf failed"; exit 1; }
	fi
	mkdir -p "build/$name"
	if [ ! -f "build/$name/Makefile" ]; then
		log "mmusim: configuring build/$name ($*)"
		(cd "build/$name" && "$top/configure" "$@" >configure.out 2>&1) ||
			{ cat "build/$name/configure.out" >&2; log "mmusim: configure failed (build/$name)"; exit 1; }
	fi
	log "mmusim: building build/$name"
	make -C "build/$name" -j"$(nproc 2>/dev/null || echo 2)" >&2 ||
		{ log "mmusim: build failed (build/$name)"; exit 1; }
}

# ensure_record_tools DIR: what the tests of `mmusim record` need: QEMU
# (user and system emulators, without the recommended binfmt registration),
# clang's assembler for the bare-metal guest, the arm64 C library and
# liblzma (the arm64 architecture is added to dpkg if missing), and Debian's
# arm64 xz, unpacked under DIR/root rather than installed: xz-utils:arm64
# would replace the machine's own xz.  Exports MMUSIM_ARM64_ROOT=DIR/root.
ensure_record_tools() {
	dir=$1
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "mmusim: adding the arm64 architecture to dpkg (for libc6:arm64, xz-utils:arm64)"
		$SUDO dpkg --add-architecture arm64 || { log "mmusim: dpkg --add-architecture arm64 failed"; exit 1; }
		$SUDO apt-get update -qq >&2 || { log "mmusim: apt-get update failed"; exit 1; }
	fi
	missing=""
	for p in qemu-user qemu-system-arm clang libc6:arm64 liblzma5:arm64; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "mmusim: installing Debian packages:$missing"
		$SUDO apt-get update -qq >&2 || { log "mmusim: apt-get update failed"; exit 1; }
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2 ||
			{ log "mmusim: apt-get install failed for:$missing"; exit 1; }
	fi
	mkdir -p "$dir"
	if [ ! -x "$dir/root/usr/bin/xz" ]; then
		log "mmusim: fetching xz-utils:arm64 into $dir"
		(cd "$dir" && rm -f xz-utils_*_arm64.deb && apt-get download -qq -o APT::Sandbox::User=root xz-utils:arm64 >&2 &&
			dpkg-deb -x xz-utils_*_arm64.deb root) ||
			{ log "mmusim: could not fetch and unpack xz-utils:arm64"; exit 1; }
	fi
	MMUSIM_ARM64_ROOT=$(cd "$dir" && pwd)/root
	export MMUSIM_ARM64_ROOT
}
