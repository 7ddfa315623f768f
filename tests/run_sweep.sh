#!/bin/sh
# tests/run_sweep.sh - checks of `mmusim sweep`.
#
# A 2 x 2 x 2 sweep (two vary lines, two workloads) runs on two cores and
# merges one row per cell; named [config] sections work; a sweep killed
# (SIGKILL) after three cells, while the fourth waits for its input, and
# started again runs only the missing cells and ends with every cell
# exactly once (the results written before the kill are not rewritten);
# --emit slurm writes a job array and a merge job that are valid bash;
# submit-slurm.sh, run with stand-ins for sbatch and scontrol, cuts the
# cells into arrays of at most MaxArraySize tasks (from scontrol,
# max_array_tasks, --max-array-size, MMUSIM_MAX_ARRAY_SIZE, or 1001) with
# the merge depending on all of them, and the tasks of those arrays run
# every cell exactly once; --emit parallel writes one command per cell,
# which run and merge; a cell that runs past the sweep's time limit is
# stopped, marked in its result and the merge, counted (exit status 3) and
# run again by a resumed sweep; malformed sweep files are rejected with
# FILE:LINE and exit 2, and so is a workload that is missing or not a trace
# (once, before any cell runs, without an output directory).
#
# Environment: MMUSIM (the program), top_srcdir (the source tree, for
# tests/data/sweep).  POSIX sh, awk, grep, sed, sort, wc, cksum, mkfifo,
# comm; bash for the Slurm scripts.  Prints one line per failure and a
# final "N passed, M failed".

MMUSIM=${MMUSIM:-./mmusim}
top_srcdir=${top_srcdir:-${srcdir:-.}}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_srcdir in /*) ;; *) top_srcdir=$here/$top_srcdir ;; esac

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}

if [ ! -x "$MMUSIM" ]; then
	echo "run_sweep.sh: $MMUSIM is not an executable program" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-sweep.XXXXXX") || exit 1
sweep_pid=
feeder=
cleanup() {
	[ -n "$sweep_pid" ] && kill -9 "$sweep_pid" 2>/dev/null
	[ -n "$feeder" ] && kill -9 "$feeder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cd "$tmp" || exit 1

mktrace() { # mktrace FILE N SEED: N loads to random pages of 256 MiB
	awk -v n="$2" -v s="$3" 'BEGIN { for (i = 0; i < n; i++) {
		s = (s * 1103515245 + 12345) % 2147483648;
		printf(" L %x,8\n", 1073741824 + (s % 65536) * 4096) } }' > "$1"
}
mkdir traces
mktrace traces/a.lackey 2000 1
mktrace traces/b.lackey 2000 2

# --- a small sweep ---------------------------------------------------------
cat > small.ini <<'EOF'
# two vary lines: a cross product of 2 x 2 configurations
[sweep]
set = tlb.L2.ways = 4
vary = tlb.L2.entries: 256, 1024
vary = stage2.ipa_bits: 36, 44
workload = traces/a.lackey
workload = second: traces/b.lackey
time_limit = 10m
EOF
"$MMUSIM" sweep -j 2 -o small.out small.ini > small.log 2>&1
check "small sweep exits 0 ($(tail -2 small.log))" [ $? -eq 0 ]
check "8 cells listed" [ "$(grep -vc '^#' small.out/cells.tsv)" -eq 8 ]
check "8 cell results" [ "$(ls small.out/cells/*.json | wc -l)" -eq 8 ]
check "results.csv: a header and 8 rows" [ "$(wc -l < small.out/results.csv)" -eq 9 ]
check "results.csv starts with the cell labels" \
	grep -q '^sweep.cell,config_name,workload,command,mmusim_version' small.out/results.csv
check "workloads are named" grep -q ',second,' small.out/results.csv
check "configurations are named by the varied settings" \
	grep -q ',tlb.L2.entries=1024 stage2.ipa_bits=36,a,' small.out/results.csv
check "a cell's result has the settings" \
	grep -q '"entries": 1024' "$(ls small.out/cells/a-tlb.L2.entries=1024_stage2.ipa_bits=44-*.json)"
"$MMUSIM" sweep -j 2 -o small.out small.ini > again.log 2>&1
check "a finished sweep reruns nothing" \
	grep -q "8 cells: 0 run now, 8 already done, 0 failed, 0 timed out" again.log
check "sweep --list marks every cell done" [ "$("$MMUSIM" sweep --list -o small.out small.ini | grep -c '	done	')" -eq 8 ]
check "report of the sweep directory" "$MMUSIM" report --no-charts -o small.rep small.out
check "report keeps the sweep's names" grep -q '<td>second</td>' small.rep/index.html

# --- comments as in results/README.md's example ------------------------------
cat > comments.ini <<'EOF'
; a sweep with comments
[sweep]
preset = neoverse-n1                  ; optional, the base of every configuration
vary = tlb.L2.entries, tlb.L2.ways: 1280/5, 2048/4   ; keys that change together
workload = traces/a.lackey            ; a trace
[config a76]                          ; a named configuration
preset = cortex-a76
EOF
"$MMUSIM" sweep --list -o comments.out comments.ini > comments.log 2>&1
check "inline ';' comments ($(head -2 comments.log))" [ "$(grep -c '	todo	' comments.log)" -eq 2 ]

# time_limit = none, as results/README.md documents (0 or none: no limit)
printf '[sweep]\nworkload = traces/a.lackey\ntime_limit = none\n' > none.ini
"$MMUSIM" sweep --emit parallel -o none.out none.ini > none.log 2>&1
check "time_limit = none ($(head -1 none.log))" sh -c "[ $? -eq 0 ] && ! grep -q -- --time-limit none.out/jobs.txt"

# --- named configurations -------------------------------------------------
cat > named.ini <<'EOF'
[sweep]
workload = traces/a.lackey
[config native]
set = run.mode=native
[config virt]
set = run.mode=virt
EOF
"$MMUSIM" sweep -j 2 -o named.out named.ini > named.log 2>&1
check "named configurations run ($(tail -1 named.log))" [ "$(wc -l < named.out/results.csv)" -eq 3 ]
check "named configurations keep their names" grep -q ',native,a,' named.out/results.csv

# --- killed part way and restarted ------------------------------------------
# At a known point, not after some time: the one workload is a FIFO, and
# with -j 1 each cell blocks opening it until the test writes the trace
# into it.  Three cells are fed; once their results exist the sweep is
# killed (SIGKILL) while the fourth waits for its trace, and the kernel
# sends that cell SIGTERM as the sweep dies (PR_SET_PDEATHSIG), before
# `wait` returns.  Then the FIFO is replaced by the trace itself (a cell
# is named by its workload's path, not its contents) and the sweep rerun.
mktrace traces/big.lackey 20000 3
mkfifo traces/fifo.lackey || { bad "mkfifo failed"; exit 1; }
cat > kill.ini <<'EOF'
[sweep]
vary = tlb.L2.entries, tlb.L2.ways: 256/4, 512/4, 1024/4, 2048/4, 4096/4, 8192/4, 1280/5, 640/5
workload = traces/fifo.lackey
EOF
"$MMUSIM" sweep -j 1 --no-progress -o kill.out kill.ini > kill1.log 2>&1 &
sweep_pid=$!
ncells() { ls kill.out/cells 2>/dev/null | grep -c '\.json$'; }
# feed N: write the trace into the FIFO for the next cell, then wait until
# N cells have their result; fails after 2 minutes (a limit against a
# hang: the sweep died, or something else read the FIFO).
feed() {
	cat traces/big.lackey > traces/fifo.lackey &
	feeder=$!
	i=0
	while [ $i -lt 1200 ]; do
		if ! kill -0 $feeder 2>/dev/null && [ "$(ncells)" -ge "$1" ]; then
			wait $feeder
			feeder=
			return 0
		fi
		kill -0 $sweep_pid 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	# SIGKILL: a TERM sent right after the fork can reach the child while
	# it still has this shell's trap handler, and be lost
	kill -9 $feeder 2>/dev/null
	wait $feeder 2>/dev/null
	feeder=
	return 1
}
fed=true
for k in 1 2 3; do
	feed $k || { fed=false; break; }
done
check "three cells run, one at a time, on the FIFO's trace ($(ncells) results; $(tail -2 kill1.log))" $fed
kill -9 $sweep_pid 2>/dev/null
wait $sweep_pid 2>/dev/null
sweep_pid=
done1=$(ncells)
check "killed with exactly 3 of 8 cells done (got $done1)" [ "$done1" -eq 3 ]
rm -f traces/fifo.lackey
cp traces/big.lackey traces/fifo.lackey
ls -i kill.out/cells/*.json 2>/dev/null | sort > before.txt
for f in kill.out/cells/*.json; do
	grep -q '"complete": true' "$f" || bad "cell result $f written before the kill is not complete"
done
"$MMUSIM" sweep -j 2 --no-progress -o kill.out kill.ini > kill2.log 2>&1
check "restarted sweep exits 0 ($(tail -2 kill2.log))" [ $? -eq 0 ]
done2=$(ls kill.out/cells | grep -c '\.json$')
check "every cell has its result after the restart" [ "$done2" -eq 8 ]
ls -i kill.out/cells/*.json | sort > after.txt
check "results written before the kill are kept, not rerun" \
	sh -c "[ -z \"\$(comm -23 before.txt after.txt)\" ]"
check "the restart ran only the missing cells" \
	grep -q "8 cells: $((8 - done1)) run now, $done1 already done, 0 failed" kill2.log
check "results.csv has each cell exactly once" \
	[ "$(sed 1d kill.out/results.csv | cut -d, -f1 | sort | uniq | wc -l)" -eq 8 ]
check "results.csv has 8 rows" [ "$(sed 1d kill.out/results.csv | wc -l)" -eq 8 ]
check "no temporary file is left" sh -c '! ls kill.out/cells | grep -q tmp'

# --- cluster job lists ---------------------------------------------------------
"$MMUSIM" sweep --emit slurm -o slurm.out small.ini > slurm.log 2>&1
check "--emit slurm exits 0" [ $? -eq 0 ]
check "sweep.sbatch: task I of the array with OFFSET runs cell OFFSET + I + 1" \
	grep -q 'sweep --time-limit 600 --cell "$((${1:-0} + SLURM_ARRAY_TASK_ID + 1))"' \
	slurm.out/sweep.sbatch
check "--emit slurm runs nothing" sh -c '! ls slurm.out/cells/*.json'
# (tests/run_slurm.sh submits them to a private Slurm cluster.)
check "sweep.sbatch is valid bash" bash -n slurm.out/sweep.sbatch
check "merge.sbatch is valid bash" bash -n slurm.out/merge.sbatch
check "submit-slurm.sh is valid sh" sh -n slurm.out/submit-slurm.sh
# submit-slurm.sh with stand-ins for sbatch (logs its arguments, answers
# job ids 101, 102, ...) and scontrol (answers $FAKE_MAX and $FAKE_SCHED,
# or fails without $FAKE_MAX); then the arrays' tasks are run as Slurm would.
mkdir fakebin
cat > fakebin/sbatch <<'EOF'
#!/bin/sh
n=$(($(cat "$FAKE_SLURM/next" 2>/dev/null || echo 100) + 1))
echo "$n" > "$FAKE_SLURM/next"
echo "$n $*" >> "$FAKE_SLURM/calls"
echo "$n;test"
EOF
cat > fakebin/scontrol <<'EOF'
#!/bin/sh
[ "$*" = "show config" ] && [ -n "$FAKE_MAX" ] || exit 1
printf 'Configuration data as of 2024-01-01T00:00:00\n'
printf 'MaxArraySize            = %s\n' "$FAKE_MAX"
printf 'SchedulerParameters     = %s\n' "${FAKE_SCHED:-(null)}"
EOF
chmod +x fakebin/sbatch fakebin/scontrol
FAKE_SLURM=$tmp/fake
export FAKE_SLURM
# submit DESCRIPTION EXPECTED-ARRAYS [VAR=VALUE...]: run submit-slurm.sh of
# slurm.out; the arrays it submitted, as "RANGE@OFFSET ...", must be
# EXPECTED-ARRAYS, and the merge must depend on every one.
submit() {
	d=$1; want=$2; shift 2
	rm -rf "$FAKE_SLURM"; mkdir "$FAKE_SLURM"
	env PATH="$tmp/fakebin:$PATH" "$@" sh slurm.out/submit-slurm.sh > submit.log 2>&1
	st=$?
	got=$(sed -n 's/.*--array=\([0-9-]*\) .*sweep.sbatch \([0-9]*\)$/\1@\2/p' "$FAKE_SLURM/calls" |
	      tr '\n' ' ')
	ids=$(grep 'sweep.sbatch' "$FAKE_SLURM/calls" | cut -d' ' -f1 | tr '\n' ':')
	if [ $st -eq 0 ] && [ "$got" = "$want" ] &&
	   grep -q "dependency=afterany:${ids%:} merge.sbatch\$" "$FAKE_SLURM/calls"; then ok; else
		bad "$d: arrays '$got', expected '$want' (status $st: $(cat submit.log); $(cat "$FAKE_SLURM/calls" 2>/dev/null))"
	fi
}
submit "MaxArraySize 3 from scontrol" "0-2@0 0-2@3 0-1@6 " FAKE_MAX=3
check "submit-slurm.sh names the arrays and the merge" \
	grep -q "submitted job array(s) 101 102 103 (8 cells, at most 3 per array) and merge job 104" submit.log
check "the arrays get the extra arguments" sh -c "rm -f '$FAKE_SLURM/calls'; env PATH='$tmp/fakebin:$PATH' FAKE_MAX=3 \
	sh slurm.out/submit-slurm.sh -p short >/dev/null && grep -q -- '--array=0-2 -p short sweep.sbatch 0' '$FAKE_SLURM/calls'"
submit "max_array_tasks below MaxArraySize" "0-4@0 0-2@5 " FAKE_MAX=100000 \
	FAKE_SCHED="bf_window=60,max_array_tasks=5,default_queue_depth=100"
submit "no scontrol answer: Slurm's default 1001" "0-7@0 "
submit "MMUSIM_MAX_ARRAY_SIZE" "0-1@0 0-1@2 0-1@4 0-1@6 " FAKE_MAX=3 MMUSIM_MAX_ARRAY_SIZE=2
rm -rf "$FAKE_SLURM"; mkdir "$FAKE_SLURM"
env PATH="$tmp/fakebin:$PATH" FAKE_MAX=0 sh slurm.out/submit-slurm.sh > submit.log 2>&1
check "job arrays disabled (MaxArraySize 0): exit 1, said" \
	sh -c "[ $? -eq 1 ] && grep -q 'job arrays are disabled' submit.log && [ ! -s '$FAKE_SLURM/calls' ]"
mv slurm.out slurm.keep
"$MMUSIM" sweep --emit slurm --max-array-size 5 -o slurm.out small.ini > /dev/null 2>&1
check "--emit slurm --max-array-size" [ $? -eq 0 ]
submit "--max-array-size 5 wins over scontrol" "0-4@0 0-2@5 " FAKE_MAX=3
# the tasks of those arrays, as Slurm runs them: every cell exactly once
cat > fakebin/mmusim-logged <<EOF
#!/bin/sh
[ "\$1" = sweep ] && echo "\$*" >> "$tmp/tasks.log"
exec "$MMUSIM" "\$@"
EOF
chmod +x fakebin/mmusim-logged
tasks_ok=true
while read -r id args; do
	case $args in *sweep.sbatch*) ;; *) continue ;; esac
	range=$(echo "$args" | sed -n 's/.*--array=0-\([0-9]*\).*/\1/p')
	offset=${args##* }
	for i in $(seq 0 "$range"); do
		MMUSIM=$tmp/fakebin/mmusim-logged SLURM_ARRAY_TASK_ID=$i bash slurm.out/sweep.sbatch "$offset" \
			> /dev/null 2>&1 || tasks_ok=false
	done
done < "$FAKE_SLURM/calls"
check "every array task runs" $tasks_ok
check "the tasks ran cells 1..8, each once" \
	[ "$(sed -n 's/.*--cell \([0-9]*\) .*/\1/p' tasks.log | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 " ]
check "every cell is done" [ "$("$MMUSIM" sweep --list -o slurm.out small.ini | grep -c '	done	')" -eq 8 ]
check "sweep.sbatch outside a job array is refused" \
	sh -c "! env -u SLURM_ARRAY_TASK_ID bash slurm.out/sweep.sbatch 0"
"$MMUSIM" sweep --max-array-size 5 -o x.out small.ini > /dev/null 2> err.txt
check "--max-array-size without --emit slurm: exit 2" sh -c "[ $? -eq 2 ] && grep -q 'goes with --emit slurm' err.txt"
rm -rf slurm.out && mv slurm.keep slurm.out

# what a task does: run cell 3, then see it is done
check "--cell runs one cell" "$MMUSIM" sweep --cell 3 slurm.out
check "--cell skips a done cell" sh -c "'$MMUSIM' sweep --cell 3 slurm.out | grep -q 'already done'"
check "--cell out of range is refused" sh -c "'$MMUSIM' sweep --cell 99 slurm.out; [ \$? -eq 2 ]"
check "--merge merges the done cells" "$MMUSIM" sweep --merge slurm.out
check "merged one row" [ "$(wc -l < slurm.out/results.csv)" -eq 2 ]

"$MMUSIM" sweep --emit parallel -o par.out small.ini > par.log 2>&1
check "--emit parallel exits 0" [ $? -eq 0 ]
check "jobs.txt has one job per cell" [ "$(wc -l < par.out/jobs.txt)" -eq 8 ]
check "the jobs have the time limit" grep -q -- "sweep --time-limit 600 --cell 1 " par.out/jobs.txt
check "parallel.sh is valid sh" sh -n par.out/parallel.sh
check "the jobs run" sh par.out/jobs.txt
check "--merge after the jobs" "$MMUSIM" sweep --merge par.out
check "merged every cell" [ "$(wc -l < par.out/results.csv)" -eq 9 ]

# --- the time limit ---------------------------------------------------------------
# slow.zst: 2^16 copies of tests/data/sweep/loads-65536.lackey.zst, a
# 103-byte zstd frame of 65536 lines ' L 40000000,8' (a stream of frames is
# one trace), so 2^32 loads: minutes of work on any machine, where a limit
# of 2 s always stops it.
frame=$top_srcdir/tests/data/sweep/loads-65536.lackey.zst
"$MMUSIM" run --quiet --json frame.json "$frame" > /dev/null 2>&1
check "the test frame holds 65536 loads" grep -q '"accesses": 65536,' frame.json
cp "$frame" slow.zst
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	cat slow.zst slow.zst > slow2.zst && mv slow2.zst slow.zst
done
cat > slow.ini <<'EOF'
[sweep]
workload = slow: slow.zst
time_limit = 2s
EOF
"$MMUSIM" sweep -j 1 --no-progress -o slow.out slow.ini > slow.log 2>&1
st=$?
check "a cell past the time limit: exit status 3 (got $st: $(tail -2 slow.log))" [ $st -eq 3 ]
check "a cell past the time limit is named" \
	grep -q "cell slow-default-[0-9a-f]* (default on slow) ran longer than the time limit of 2 s" slow.log
check "the summary counts it" grep -q "1 cells: 0 run now, 0 already done, 0 failed, 1 timed out" slow.log
cell=$(ls slow.out/cells/*.json 2>/dev/null | head -n 1)
check "its result is marked incomplete, with the reason" \
	sh -c "grep -q '\"complete\": false' '$cell' && grep -q '\"incomplete_reason\": \"time limit: still running after 2 s' '$cell'"
check "its result has the command" grep -q '"command": \["mmusim", "run", "--quiet"' "$cell"
check "its log says so" grep -q "time limit: still running after 2 s" slow.out/logs/*.log
merged_marked() {
	[ "$(wc -l < slow.out/results.csv)" -eq 2 ] &&
	sed -n 2p slow.out/results.csv | grep -q ',0,"time limit: still running'
}
check "the merge marks it" merged_marked
check "--list says timeout" sh -c "'$MMUSIM' sweep --list -o slow.out slow.ini | grep -q '	timeout	'"
"$MMUSIM" sweep -j 1 --no-progress --time-limit 1 -o slow.out slow.ini > slow2.log 2>&1
st=$?
check "a resumed sweep runs a timed-out cell again, --time-limit over time_limit (status $st)" \
	sh -c "[ $st -eq 3 ] && grep -q 'time limit of 1 s' slow2.log && grep -q '0 already done, 0 failed, 1 timed out' slow2.log"
"$MMUSIM" sweep --time-limit 1 --cell 1 slow.out > cell.log 2>&1
st=$?
check "--cell with --time-limit stops the cell (status $st)" \
	sh -c "[ $st -eq 3 ] && grep -q 'after 1 s' '$cell'"
"$MMUSIM" sweep --emit slurm -o slow.out slow.ini > /dev/null 2>&1
check "the Slurm tasks get the time limit" grep -q 'sweep --time-limit 2 --cell' slow.out/sweep.sbatch
"$MMUSIM" sweep --time-limit 5x -o slow.out slow.ini > /dev/null 2> err.txt
check "--time-limit 5x: exit 2, said" sh -c "[ $? -eq 2 ] && grep -q -- '--time-limit: expected a duration' err.txt"
"$MMUSIM" sweep --time-limit 5 --merge slow.out > /dev/null 2> err.txt
check "--time-limit with --merge: exit 2" [ $? -eq 2 ]

# --- malformed sweep files ------------------------------------------------------
expect_err() { # expect_err DESCRIPTION PATTERN (the file is bad.ini)
	"$MMUSIM" sweep -o bad.out bad.ini > /dev/null 2> err.txt
	st=$?
	if [ $st -eq 2 ] && grep -q -- "$2" err.txt; then ok; else
		bad "$1 (status $st, stderr: $(cat err.txt))"; fi
}
printf '[sweep]\nworkload = traces/a.lackey\nvary = tlb.L2.entries 256, 512\n' > bad.ini
expect_err "vary without ':'" "bad.ini:3: vary: expected"
printf '[sweep]\nworkload = traces/a.lackey\n\nvary = tlb.L2.nosuchkey: 1, 2\n' > bad.ini
expect_err "vary of an unknown key" "bad.ini:4: "
printf '[sweep]\nworkload = traces/a.lackey\nvary = tlb.L2.entries, tlb.L2.ways: 256/4, 512\n' > bad.ini
expect_err "vary value with too few parts" "bad.ini:3: vary: value '512' needs 2 parts"
rm -rf bad.out
printf '[sweep]\nworkload = traces/nosuch.lackey\n' > bad.ini
expect_err "missing workload file" "bad.ini:2: workload: .*traces/nosuch.lackey: cannot open"
check "missing workload file: no output directory" [ ! -e bad.out ]
# a workload that is not a trace is refused once, before any cell runs
printf 'some text\n' > traces/notes.txt
printf '[sweep]\nvary = run.warmup: 0, 10\nworkload = traces/a.lackey\nworkload = traces/notes.txt\n' > bad.ini
expect_err "text file as a workload" "bad.ini:4: workload: .*traces/notes.txt: no trace record in 1 line of text"
check "text file as a workload: one message" [ "$(wc -l < err.txt)" -eq 1 ]
check "text file as a workload: no output directory" [ ! -e bad.out ]
: > traces/empty.lackey
printf '[sweep]\nworkload = traces/empty.lackey\n' > bad.ini
expect_err "empty workload file" "bad.ini:2: workload: .*traces/empty.lackey: empty input"
printf '[sweep]\npreset = nosuch\nworkload = traces/a.lackey\n' > bad.ini
expect_err "unknown preset" "bad.ini:2: unknown preset"
printf '[sweep]\nworkload = traces/a.lackey\nfrobnicate = 1\n' > bad.ini
expect_err "unknown key" "bad.ini:3: unknown key 'frobnicate'"
printf '[sweep]\nworkload = traces/a.lackey\n[strange]\n' > bad.ini
expect_err "unknown section" "bad.ini:3: unknown section"
printf 'workload = traces/a.lackey\n' > bad.ini
expect_err "key outside a section" "bad.ini:1: key 'workload' outside any section; expected a \\[section\\] line first"
# the INI syntax errors of sim/ini.h, word for word as for configuration
# and workload files (tests/test_ini.c)
printf '# c\n\n[sweep]\nno equals sign\n' > bad.ini
expect_err "a line that is not INI" "bad.ini:4: expected '\\[section\\]', 'key = value' or a comment, got 'no equals sign'"
printf '[sweep\n' > bad.ini
expect_err "a malformed header" "bad.ini:1: malformed section header '\\[sweep' (expected '\\[NAME\\]', then nothing but a comment)"
printf '[sweep] x\nworkload = traces/a.lackey\n' > bad.ini
expect_err "text after a header" "bad.ini:1: malformed section header '\\[sweep\\] x'"
printf '[sweep]\n = 1\n' > bad.ini
expect_err "a key missing" "bad.ini:2: a key is missing before '='"
printf '[sweep]\nworkload = traces/a.lackey\n# \000\n' > bad.ini
expect_err "a NUL byte" "bad.ini:3: a NUL byte in the text"
{ printf '[sweep]\n#'; awk 'BEGIN { for (i = 0; i < 4096; i++) printf "x"; print "" }'; } > bad.ini
expect_err "a long line" "bad.ini:2: line longer than 4096 characters"
printf '[sweep]\nset = tlb.L2.entries\nworkload = traces/a.lackey\n' > bad.ini
expect_err "set without '='" "bad.ini:2: set: expected"
printf '[sweep]\nset = tlb.L2.entries=999\nworkload = traces/a.lackey\n' > bad.ini
expect_err "impossible configuration" "bad.ini:"
printf '[sweep]\n# nothing\n' > bad.ini
expect_err "no workload" "bad.ini:2: no workload"
printf '[sweep]\nworkload = traces/a.lackey\n[config x]\n[config x]\n' > bad.ini
expect_err "duplicate configuration" "bad.ini:4: configuration 'x' is already defined on line 3"
printf '[sweep]\nworkload = traces/a.lackey\ntime_limit = 10 minutes\n' > bad.ini
expect_err "time_limit not a duration" "bad.ini:3: time_limit: expected a duration"
printf '[sweep]\nworkload = traces/a.lackey\ntime_limit = 31d\n' > bad.ini
expect_err "time_limit too long" "bad.ini:3: time_limit: expected a duration"
printf '[sweep]\nworkload = traces/a.lackey\ntime_limit = 1 h\n' > bad.ini
expect_err "time_limit with a blank" "bad.ini:3: time_limit: expected a duration"
printf '[sweep]\nworkload = traces/a.lackey\n[config x]\ntime_limit = 1\n' > bad.ini
expect_err "time_limit in a [config]" "bad.ini:4: unknown key 'time_limit' in .config."
"$MMUSIM" sweep nosuch.ini > /dev/null 2> err.txt
check "missing sweep file: exit 2, named" sh -c "[ $? -eq 2 ] && grep -q nosuch.ini err.txt"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
