#!/bin/sh
# tests/run_manpage.sh - the manual page against the program.
#
#   - doc/mmusim.1 renders with groff without a warning;
#   - every command that `mmusim --help` lists has its section, and every
#     long option that the command's --help shows is in the page;
#   - every configuration section and key of `mmusim run --help-config` is in
#     the page's CONFIGURATION section;
#   - NAME, SYNOPSIS, EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES are there;
#   - every command answers --version with "mmusim VERSION" and exit 0, and
#     `record` leaves a --version after the program's name to the program.
#
# Environment: MMUSIM, top_srcdir (AM_TESTS_ENVIRONMENT).  Needs groff
# (groff-base; ./test.sh installs it).

MMUSIM=${MMUSIM:-./mmusim}
top_srcdir=${top_srcdir:-.}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac
page=$top_srcdir/doc/mmusim.1

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -x "$MMUSIM" ] || [ ! -f "$page" ] || ! command -v groff >/dev/null 2>&1; then
	echo "run_manpage.sh: need $MMUSIM, $page and groff (./test.sh installs groff-base)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/manpage.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15

groff -man -ww -z "$page" >"$tmp/warn" 2>&1
[ -s "$tmp/warn" ] && bad "groff warns: $(head -n 5 "$tmp/warn")" || ok
# The page as text, hyphens plain, one line per line.
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page" >"$tmp/page"

for s in NAME SYNOPSIS DESCRIPTION COMMANDS CONFIGURATION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
	grep -q "^\.SH \"*$s" "$tmp/page" && ok || bad "no $s section"
done

version=$("$MMUSIM" --version)
commands=$("$MMUSIM" --help | sed -n 's/^  \([a-z][a-z]*\)  *.*/\1/p')
[ -n "$commands" ] || bad "mmusim --help lists no command"
for c in $commands; do
	grep -q "^\.SS \"mmusim $c" "$tmp/page" && ok || bad "no section for mmusim $c"
	# the page's text of this command: from its .SS to the next command's
	awk -v c="$c" '/^\.SS "mmusim / { on = ($0 ~ "^\\.SS \"mmusim " c "[ \"]") } on' \
		"$tmp/page" >"$tmp/cmd"
	# the options of the option lines (prose may name other programs' options)
	"$MMUSIM" "$c" --help 2>&1 | grep -e '^ *-' | grep -o -e '--[a-z][a-z-]*' | sort -u >"$tmp/opts"
	while read -r o; do
		case $o in --help | --version) continue ;; esac
		grep -q -e "$o\\b" "$tmp/cmd" && ok || bad "mmusim $c: $o is not in the page"
	done <"$tmp/opts"
	out=$("$MMUSIM" "$c" --version 2>&1)
	[ $? -eq 0 ] && [ "$out" = "$version" ] && ok || bad "mmusim $c --version: $out"
done
out=$("$MMUSIM" record -- nosuchprogram --version 2>&1)
[ $? -eq 2 ] && echo "$out" | grep -q 'program not found' && ok ||
	bad "record took the program's --version: $out"

# configuration: sections and keys
awk '/^\.SH CONFIGURATION/ { on = 1; next } /^\.SH / { on = 0 } on' "$tmp/page" >"$tmp/conf"
"$MMUSIM" run --help-config >"$tmp/help"
for s in $(sed -n 's/^\[\(.*\)\]$/\1/p' "$tmp/help"); do
	grep -q -i -F "[$s]" "$tmp/conf" && ok || bad "configuration section [$s] is not in the page"
done
for k in $(sed -n 's/^  \([a-zA-Z0-9_.]*\):.*/\1/p' "$tmp/help"); do
	grep -q -w -e "${k##*.}" "$tmp/conf" && ok || bad "configuration key $k is not in the page"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
