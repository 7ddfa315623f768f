#!/bin/sh
# tests/run_slurm.sh - `mmusim sweep --emit slurm` on a real single-node
# Slurm cluster, started here on the loopback interface.
#
# Starts munged (with a fresh key), slurmctld and slurmd from a private
# configuration in a temporary directory (ports chosen from this process's
# id, nothing outside 127.0.0.1), submits the sweep's job arrays and their
# dependent merge job with the generated submit-slurm.sh, waits for the
# merge, checks that every cell ran once and was merged, and stops the
# daemons it started (by their pid files).  The cluster's MaxArraySize is
# 4, so the 6 cells go as two arrays (4 and 2 tasks): submit-slurm.sh reads
# the limit from scontrol.
#
# Skipped (exit 77) unless run as root with munged, slurmctld, slurmd and
# sbatch installed (Debian: slurmctld slurmd slurm-client, which bring
# munge).  Environment: MMUSIM (the program).  Prints a final
# "N passed, M failed".

MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac

skip() { echo "SKIP: $*"; echo "0 passed, 0 failed"; exit 77; }
for p in munged slurmctld slurmd sbatch squeue; do
	command -v $p >/dev/null 2>&1 || [ -x /usr/sbin/$p ] || skip "$p is not installed"
done
[ "$(id -u)" -eq 0 ] || skip "the test Slurm daemons need root"
PATH=$PATH:/usr/sbin

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {
	desc=$1; shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$desc"; fi
}

sd=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-slurm.XXXXXX") || exit 1
chmod 755 "$sd"
stop() {
	# each daemon by the pid it wrote, and only while that pid is still the
	# daemon (a pid file can outlive its process, and the pid be reused)
	for d in slurmd:slurmd.pid slurmctld:slurmctld.pid munged:munge/pid; do
		name=${d%%:*}
		f=$sd/${d#*:}
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		case $pid in ''|*[!0-9]*) continue ;; esac
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && kill "$pid" 2>/dev/null
	done
	sleep 1
	rm -rf "$sd"
}
trap stop EXIT INT TERM
mkdir -p "$sd/state" "$sd/spool" "$sd/log" "$sd/munge" "$sd/work/traces"
chmod 700 "$sd/munge"
dd if=/dev/urandom of="$sd/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$sd/munge/munge.key"
munged -f --socket="$sd/munge/sock" --key-file="$sd/munge/munge.key" \
	--log-file="$sd/munge/log" --pid-file="$sd/munge/pid" --seed-file="$sd/munge/seed" ||
	skip "munged does not start here"

port=$((20000 + ($$ % 20000) * 2))
ncpu=$(nproc 2>/dev/null || echo 1)
cat > "$sd/slurm.conf" <<EOF
ClusterName=mmusimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$sd/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$sd/state
SlurmdSpoolDir=$sd/spool
SlurmctldPidFile=$sd/slurmctld.pid
SlurmdPidFile=$sd/slurmd.pid
SlurmctldLogFile=$sd/log/slurmctld.log
SlurmdLogFile=$sd/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
MaxArraySize=4
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$ncpu State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
SLURM_CONF=$sd/slurm.conf
export SLURM_CONF
slurmctld -c -f "$SLURM_CONF" || skip "slurmctld does not start here"
slurmd -f "$SLURM_CONF" -N localhost || skip "slurmd does not start here"
up=false
for i in $(seq 1 30); do
	if sinfo -h -o %t 2>/dev/null | grep -q idle; then up=true; break; fi
	sleep 1
done
$up || skip "the test Slurm node did not come up (see $sd/log)"

cd "$sd/work" || exit 1
for t in a b; do
	awk -v s=$(printf %d "'$t") 'BEGIN { for (i = 0; i < 3000; i++) {
		s = (s * 1103515245 + 12345) % 2147483648;
		printf(" L %x,8\n", 1073741824 + (s % 4096) * 4096) } }' > traces/$t.lackey
done
cat > s.ini <<'EOF'
[sweep]
set = tlb.L2.ways = 4
vary = tlb.L2.entries: 256, 512, 1024
workload = traces/a.lackey
workload = traces/b.lackey
EOF
check "--emit slurm" "$MMUSIM" sweep --emit slurm -o out s.ini
check "sbatch --test-only accepts an array" sbatch --test-only --array=0-3 out/sweep.sbatch 0
sh out/submit-slurm.sh > submit.log 2>&1
check "submit-slurm.sh submits two arrays (MaxArraySize 4) and the merge ($(cat submit.log))" \
	grep -q "submitted job array(s) [0-9]* [0-9]* (6 cells, at most 4 per array) and merge job [0-9]*" submit.log
for i in $(seq 1 60); do
	[ -z "$(squeue -h 2>/dev/null)" ] && [ -s out/results.csv ] && break
	sleep 1
done
check "every array task wrote its cell" [ "$(ls out/cells/*.json 2>/dev/null | wc -l)" -eq 6 ]
check "the merge job wrote results.csv with 6 rows" [ "$(sed 1d out/results.csv | wc -l)" -eq 6 ]
check "each cell once" [ "$(sed 1d out/results.csv | cut -d, -f1 | sort -u | wc -l)" -eq 6 ]
check "the merge ran after the array" sh -c 'ls out/logs/slurm-merge-*.out'
"$MMUSIM" sweep -o out s.ini > rerun.log 2>&1
check "a local rerun finds every cell done" grep -q "6 cells: 0 run now, 6 already done" rerun.log

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
