#!/bin/sh
# tests/run_sweep.sh - checks of `mmusim sweep`.
#
# A 2 x 2 x 2 sweep (two vary lines, two workloads) runs on two cores and
# merges one row per cell; named [config] sections work; a sweep killed
# (SIGKILL) after three cells, while the fourth waits for its input, and
# started again runs only the missing cells and ends with every cell
# exactly once (the results written before the kill are not rewritten);
# --emit slurm writes a job array and a merge job that are valid bash;
# --emit parallel writes one command per cell, which run and merge;
# malformed sweep files are rejected with FILE:LINE and exit 2.
#
# Environment: MMUSIM (the program).  POSIX sh, awk, grep, sed, sort, wc,
# mkfifo, comm; bash for the syntax check of the Slurm scripts.
# Prints one line per failure and a final "N passed, M failed".

MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac

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
check "a finished sweep reruns nothing" grep -q "8 cells: 0 run now, 8 already done, 0 failed" again.log
check "sweep --list marks every cell done" [ "$("$MMUSIM" sweep --list -o small.out small.ini | grep -c '	done	')" -eq 8 ]
check "report of the sweep directory" "$MMUSIM" report --no-charts -o small.rep small.out
check "report keeps the sweep's names" grep -q '<td>second</td>' small.rep/index.html

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
check "sweep.sbatch is an array of 8 tasks" grep -q '^#SBATCH --array=1-8$' slurm.out/sweep.sbatch
check "sweep.sbatch runs one cell per task" \
	grep -q 'sweep --cell "$SLURM_ARRAY_TASK_ID"' slurm.out/sweep.sbatch
check "the merge job depends on the array" \
	grep -q 'dependency=afterany:"$array"' slurm.out/submit-slurm.sh
check "--emit slurm runs nothing" sh -c '! ls slurm.out/cells/*.json'
# (tests/run_slurm.sh submits them to a private Slurm cluster.)
check "sweep.sbatch is valid bash" bash -n slurm.out/sweep.sbatch
check "merge.sbatch is valid bash" bash -n slurm.out/merge.sbatch
check "submit-slurm.sh is valid sh" sh -n slurm.out/submit-slurm.sh
# what a task does: run cell 3, then see it is done
check "--cell runs one cell" "$MMUSIM" sweep --cell 3 slurm.out
check "--cell skips a done cell" sh -c "'$MMUSIM' sweep --cell 3 slurm.out | grep -q 'already done'"
check "--cell out of range is refused" sh -c "'$MMUSIM' sweep --cell 99 slurm.out; [ \$? -eq 2 ]"
check "--merge merges the done cells" "$MMUSIM" sweep --merge slurm.out
check "merged one row" [ "$(wc -l < slurm.out/results.csv)" -eq 2 ]

"$MMUSIM" sweep --emit parallel -o par.out small.ini > par.log 2>&1
check "--emit parallel exits 0" [ $? -eq 0 ]
check "jobs.txt has one job per cell" [ "$(wc -l < par.out/jobs.txt)" -eq 8 ]
check "parallel.sh is valid sh" sh -n par.out/parallel.sh
check "the jobs run" sh par.out/jobs.txt
check "--merge after the jobs" "$MMUSIM" sweep --merge par.out
check "merged every cell" [ "$(wc -l < par.out/results.csv)" -eq 9 ]

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
printf '[sweep]\nworkload = traces/nosuch.lackey\n' > bad.ini
expect_err "missing workload file" "bad.ini:2: workload: cannot read"
printf '[sweep]\npreset = nosuch\nworkload = traces/a.lackey\n' > bad.ini
expect_err "unknown preset" "bad.ini:2: unknown preset"
printf '[sweep]\nworkload = traces/a.lackey\nfrobnicate = 1\n' > bad.ini
expect_err "unknown key" "bad.ini:3: unknown key 'frobnicate'"
printf '[sweep]\nworkload = traces/a.lackey\n[strange]\n' > bad.ini
expect_err "unknown section" "bad.ini:3: unknown section"
printf 'workload = traces/a.lackey\n' > bad.ini
expect_err "key outside a section" "bad.ini:1: 'workload' outside a section"
printf '[sweep]\nset = tlb.L2.entries\nworkload = traces/a.lackey\n' > bad.ini
expect_err "set without '='" "bad.ini:2: set: expected"
printf '[sweep]\nset = tlb.L2.entries=999\nworkload = traces/a.lackey\n' > bad.ini
expect_err "impossible configuration" "bad.ini:"
printf '[sweep]\n# nothing\n' > bad.ini
expect_err "no workload" "bad.ini:2: no workload"
printf '[sweep]\nworkload = traces/a.lackey\n[config x]\n[config x]\n' > bad.ini
expect_err "duplicate configuration" "bad.ini:4: configuration 'x' is already defined on line 3"
"$MMUSIM" sweep nosuch.ini > /dev/null 2> err.txt
check "missing sweep file: exit 2, named" sh -c "[ $? -eq 2 ] && grep -q nosuch.ini err.txt"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
