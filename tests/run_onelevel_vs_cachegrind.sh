#!/bin/sh
# The one-level preset against an established cache simulator: Valgrind's
# Cachegrind, configured with 4 KiB lines so that its I1 and D1 caches are
# the instruction and data TLBs of `--preset one-level --set
# one_level.split=1`.  Lackey records the same program's memory accesses;
# mmusim replays them.  Every geometry must give exactly Cachegrind's miss
# counts, once the one documented difference is taken out: an access that
# straddles two pages is two lookups in mmusim, each of which can miss, and
# one reference in Cachegrind, which misses once if either line misses.
# (Lookup counts differ too: Cachegrind counts a modify as one reference,
# mmusim as a load and a store whose store always hits.)
set -u
: "${MMUSIM:=./mmusim}"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind is not installed (Debian package: valgrind)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# Any deterministic program will do; both tools run it in the same environment.
prog="/bin/ls -l /usr/lib"

valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/trace.lackey" $prog >/dev/null 2>&1 ||
	{ echo "lackey failed" >&2; exit 1; }

pass=0
fail=0
for geo in "64 64" "32 32" "16 4" "8 2" "8 1" "128 8"; do
	set -- $geo
	size=$(( $1 * 4096 ))
	cg=$(valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
		--I1=$size,$2,4096 --D1=$size,$2,4096 --LL=1048576,16,4096 $prog 2>&1 >/dev/null |
		awk '/I1  misses:/ { gsub(",", "", $4); i = $4 } /D1  misses:/ { gsub(",", "", $4); d = $4 }
		     END { print i, d }')
	"$MMUSIM" run --preset one-level --set one_level.split=1 --set one_level.entries=$1 \
		--set one_level.ways=$2 --no-progress "$tmp/trace.lackey" >"$tmp/out.txt" ||
		{ echo "mmusim run failed" >&2; exit 1; }
	# Misses from the summary's [tlb.L1I] and [tlb.L1D] sections, less the
	# page-crossing accesses whose two pages both missed: mmusim counts a
	# lookup per page (one_level.crossing = split), Cachegrind at most one
	# miss per access that straddles two lines.
	mm=$(awk '/^\[/ { sec = $1 }
		  $1 == "misses" && sec == "[tlb.L1I]" { i += $2 }
		  $1 == "misses" && sec == "[tlb.L1D]" { d += $2 }
		  $1 == "inst" && sec == "[page_crossings_walked_twice]" { i -= $2 }
		  $1 == "data" && sec == "[page_crossings_walked_twice]" { d -= $2 }
		  END { print i, d }' "$tmp/out.txt")
	if [ -n "$cg" ] && [ "$cg" = "$mm" ]; then
		echo "PASS entries=$1 ways=$2: misses I=${cg% *} D=${cg#* }"
		pass=$((pass + 1))
	else
		echo "FAIL entries=$1 ways=$2: cachegrind (I1 D1) = '$cg', mmusim (L1I L1D) = '$mm'"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
