#!/bin/sh
# tests/run_results.sh - checks of `mmusim report` and of the "command"
# member `mmusim run` writes into its JSON results.
#
# Two tiny synthetic lackey traces (made here with awk) are replayed under
# a few configurations (L2 TLB sizes, stage-2 address sizes, native mode);
# the report of the JSON results must hold every chart type as a PNG (the
# PNG signature, a non-trivial size) and an SVG that parses as XML, an
# index.html whose every src=/href= names a file that exists, a report.md,
# the tables, the versions and the commands.  A report from the CSV of the
# same runs, a --plot chart of an arbitrary column, and the errors for a
# missing, malformed or foreign result file (exit status 2, the file named)
# are checked too.
#
# Where the chart scripts come from: the build tree's mmusim uses the
# source tree's; a copy of it elsewhere does not; an installation (make
# install DESTDIR=...) uses its own, and without them fails although the
# source tree is right here; missing gnuplot or scripts are exit status 1,
# each named, with the tables still written.
#
# Environment: MMUSIM (the build tree's program), top_srcdir (the source
# tree), top_builddir (the build tree, for make install); a GNUPLOT or
# MMUSIM_PLOTDIR of the caller's environment is removed, so the charts are
# drawn by the gnuplot on PATH with the scripts the program finds itself.
# Uses POSIX sh, awk, grep, od, wc, make, gnuplot (Debian package
# gnuplot-nox) and xmllint (libxml2-utils), which ./test.sh installs:
# without them the test fails.
# Prints one line per failure and a final "N passed, M failed".

top_srcdir=${top_srcdir:-${srcdir:-.}}
top_builddir=${top_builddir:-.}
MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
case $top_builddir in /*) ;; *) top_builddir=$here/$top_builddir ;; esac
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
unset MMUSIM_PLOTDIR
unset GNUPLOT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}

if [ ! -x "$MMUSIM" ]; then
	echo "run_results.sh: $MMUSIM is not an executable program" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for p in gnuplot:gnuplot-nox xmllint:libxml2-utils; do
	if ! command -v "${p%:*}" >/dev/null 2>&1; then
		echo "FAIL: ${p%:*} is not installed (Debian package ${p#*:}; ./test.sh installs it)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-results.XXXXXX") || exit 1
tmp=$(cd "$tmp" && pwd -P)      # as the program sees its own path
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1

# rand: loads to 1024 random pages; seq: stores walking 1.5 MiB.  Both with
# an instruction stream over 2 KiB of code.
awk 'BEGIN { s = 12345; for (i = 0; i < 1500; i++) {
	printf("I  %x,4\n", 4194304 + (i % 512) * 4);
	s = (s * 1103515245 + 12345) % 2147483648;
	printf(" L %x,8\n", 1073741824 + (s % 1024) * 4096 + (i % 64) * 8) } }' > rand.lackey
awk 'BEGIN { for (i = 0; i < 1500; i++) {
	printf("I  %x,4\n", 4194304 + (i % 512) * 4);
	printf(" S %x,8\n", 1073741824 + i * 1024) } }' > seq.lackey

mkdir res
runs_ok=true
for w in rand seq; do
	for e in 256 1024; do
		"$MMUSIM" run --quiet --set tlb.L2.entries=$e --set tlb.L2.ways=4 \
			--json res/$w-l2-$e.json --csv res/all.csv $w.lackey || runs_ok=false
	done
	"$MMUSIM" run --quiet --set stage2.ipa_bits=44 --json res/$w-ipa44.json \
		--csv res/all.csv $w.lackey || runs_ok=false
	# native runs have no stage-2 counters: a CSV of their own
	"$MMUSIM" run --quiet --set run.mode=native --json res/$w-native.json \
		--csv res/native.csv $w.lackey || runs_ok=false
done
check "mmusim run of the test traces" $runs_ok

# --- the "command" member -------------------------------------------------
check "JSON result holds the command line" \
	grep -q '"command": \["mmusim", "run", "--quiet", "--set", "tlb.L2.entries=256", "--set", "tlb.L2.ways=4", "--json", "res/rand-l2-256.json", "--csv", "res/all.csv", "rand.lackey"\]' \
	res/rand-l2-256.json
check "CSV columns are unchanged by the command line" \
	sh -c '! head -1 res/all.csv | grep -q command'

# --- the report of the JSON results ---------------------------------------
"$MMUSIM" report -o rep res/*.json > rep.out 2> rep.err
st=$?
check "report exits 0 (stderr: $(head -3 rep.err))" [ $st -eq 0 ]
check "report says where it wrote" grep -q "wrote rep/index.html and rep/report.md" rep.out
for f in index.html report.md plot.sh data/results.csv; do
	check "report wrote $f" test -s rep/$f
done

png_ok() { # a PNG signature and more than 2000 bytes
	[ "$(od -An -tx1 -N8 "$1" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	[ "$(wc -c < "$1")" -gt 2000 ]
}
svg_ok() { # well-formed XML with an <svg> root
	xmllint --noout "$1" && grep -q '<svg' "$1"
}

for c in walk_by_s2_levels overhead_by_config missrate_vs_tlb_size \
	 walk_latency_cdf refs_per_walk_1 flush_policy; do
	check "chart $c.png is a PNG image" png_ok rep/charts/$c.png
	check "chart $c.svg is well-formed SVG" svg_ok rep/charts/$c.svg
	check "chart $c has its data" test -s rep/data/$c.tsv
	check "index.html shows chart $c" grep -q "src=\"charts/$c.svg\"" rep/index.html
done

# every local src= and href= of index.html, and every link of report.md, exists
links_ok=true
for l in $(grep -o '\(src\|href\)="[^"]*"' rep/index.html | sed 's/^[a-z]*="//; s/"$//') \
	 $(grep -o '](\([^)]*\))' rep/report.md | sed 's/^](//; s/)$//'); do
	case $l in http:*|https:*|\#*) continue ;; esac
	if [ ! -e "rep/$l" ]; then links_ok=false; echo "  broken link: $l"; fi
done
check "every link of the report resolves" $links_ok
check "index.html names the mmusim version" grep -q "Results from mmusim [0-9]" rep/index.html
check "index.html shows a reproducing command" \
	grep -q 'mmusim run --quiet --set stage2.ipa_bits=44 --json res/seq-ipa44.json' rep/index.html
check "index.html lists the settings that differ" grep -q '<td>tlb.L2.entries</td>' rep/index.html
check "index.html lists every parameter" grep -q 'walkcache.s1.entries = ' rep/index.html
check "report.md has the tables" grep -q '^| workload |' rep/report.md
check "the walk table groups by stage-2 levels" \
	grep -q "^workload	no_stage_2	stage2_3_levels	stage2_4_levels" rep/data/walk_by_s2_levels.tsv
check "results.csv has every result" [ "$(wc -l < rep/data/results.csv)" -eq 9 ]
check "plot.sh is valid sh" sh -n rep/plot.sh
rm -f rep/charts/flush_policy.svg
check "plot.sh redraws the charts" sh rep/plot.sh
check "plot.sh redrew flush_policy.svg" svg_ok rep/charts/flush_policy.svg

# --- any column, by name ---------------------------------------------------
"$MMUSIM" report -o rep2 --format svg --plot tlb.L2.misses res/*.json > /dev/null 2>&1
check "--plot charts a column by name" test -s rep2/data/column_tlb.L2.misses.tsv
check "--plot draws it" svg_ok rep2/charts/column_tlb.L2.misses.svg
check "--format svg draws no PNG" sh -c '! ls rep2/charts/*.png'

# --- a report from the CSV ------------------------------------------------
check "report from CSVs of runs" "$MMUSIM" report -o rep3 --no-charts res/all.csv res/native.csv
check "CSV report has the overhead table" test -s rep3/data/overhead_by_config.tsv

# --- where the chart scripts come from ---------------------------------------
plotdir_of() { # the plotdir plot.sh names
	sed -n 's/^plotdir=\${MMUSIM_PLOTDIR:-\(.*\)}$/\1/p' "$1/plot.sh" | tr -d "'"
}
pd=$(plotdir_of rep)
check "the build tree's mmusim draws with its source tree's scripts ($pd)" \
	[ "$pd/common.gp" -ef "$top_srcdir/results/plot/common.gp" ]
mkdir elsewhere
cp "$MMUSIM" elsewhere/mmusim
elsewhere/mmusim report -o repx res/rand-native.json > /dev/null 2> repx.err
st=$?
check "a copy of the program outside the build tree: exit 1 (status $st)" [ $st -eq 1 ]
check "a copy of the program outside the build tree: the scripts are missing" \
	grep -q "the chart scripts are missing ($tmp/share/mmusim/plot, the directory of this installation" repx.err
check "a copy of the program outside the build tree: the tables are written" \
	grep -q "The charts were not drawn: the chart scripts are missing" repx/index.html
elsewhere/mmusim report --no-charts -o repx2 res/rand-native.json > /dev/null 2>&1
check "--no-charts needs no chart scripts" [ $? -eq 0 ]
GNUPLOT=$tmp/nosuch/gnuplot "$MMUSIM" report -o repg res/rand-native.json > /dev/null 2> repg.err
st=$?
check "GNUPLOT names no program: exit 1 (status $st)" [ $st -eq 1 ]
check "GNUPLOT names no program: said so" \
	grep -q "gnuplot was not found ('$tmp/nosuch/gnuplot' is not an executable program)" repg.err
check "GNUPLOT names no program: the tables are written" test -s repg/data/results.csv
mkdir emptybin
env PATH="$tmp/emptybin" "$MMUSIM" report -o repp res/rand-native.json > /dev/null 2> repp.err
st=$?
check "no gnuplot on PATH: exit 1 (status $st)" [ $st -eq 1 ]
check "no gnuplot on PATH: said so" grep -q "'gnuplot' is not an executable program on PATH" repp.err
if [ -f "$top_builddir/Makefile" ] &&
   make -C "$top_builddir" install DESTDIR="$tmp/dest" > install.log 2>&1; then
	ok
	inst=$(find "$tmp/dest" -type f -name mmusim | head -n 1)
	ipd=$(find "$tmp/dest" -type f -name common.gp | head -n 1)
	ipd=${ipd%/common.gp}
	check "make install DESTDIR: the program and the chart scripts ($inst, $ipd)" \
		[ -x "$inst" ] && [ -n "$ipd" ]
	"$inst" report -o repi res/rand-native.json > /dev/null 2> repi.err
	st=$?
	if $have_gnuplot; then
		check "the installed program draws the charts (status $st: $(head -2 repi.err))" [ $st -eq 0 ]
		check "the installed program draws with the installed scripts ($(plotdir_of repi))" \
			[ "$(plotdir_of repi)" = "$ipd" ]
		check "the installed program drew a chart" svg_ok repi/charts/overhead_by_config.svg
	fi
	rm -r "$ipd"
	"$inst" report -o repj res/rand-native.json > /dev/null 2> repj.err
	st=$?
	check "installed, without its chart scripts: exit 1 (status $st)" [ $st -eq 1 ]
	check "installed, without its chart scripts: never the source tree's" \
		grep -q "the chart scripts are missing ($ipd, the directory of this installation" repj.err
else
	bad "make install DESTDIR=$tmp/dest in $top_builddir: $(tail -3 install.log 2>/dev/null)"
fi

# --- errors ---------------------------------------------------------------
expect_err() { # expect_err DESCRIPTION PATTERN ARGS...
	d=$1; p=$2; shift 2
	"$MMUSIM" report -o err "$@" > /dev/null 2> err.txt
	st=$?
	if [ $st -eq 2 ] && grep -q -- "$p" err.txt; then ok; else
		bad "$d (status $st, stderr: $(cat err.txt))"; fi
}
expect_err "missing result file" "nosuch.json: No such file" nosuch.json
printf '{\n  "mmusim_version": "x",\n  "complete": tru\n}\n' > broken.json
expect_err "malformed JSON names file:line:col" "broken.json:3:15:" broken.json
printf '{"a": 1}\n' > foreign.json
expect_err "JSON that is not a result" "foreign.json: not an mmusim result" foreign.json
printf 'mmusim_version,complete\n0.1,1,extra\n' > rows.csv
expect_err "CSV row with too many fields" "rows.csv:2:" rows.csv
: > empty.json
expect_err "empty result file" "empty.json: empty file" empty.json
expect_err "a good file before a bad one" "broken.json:3" res/rand-native.json broken.json

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
