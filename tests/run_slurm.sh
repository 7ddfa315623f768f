#!/bin/sh
# tests/run_slurm.sh - `mmusim sweep --emit slurm` on a real single-node
# Slurm cluster, started here on the loopback interface.
#
# Starts munged (with a fresh key), slurmctld and slurmd, as the user who
# runs the test (root or not), from a private configuration in a temporary
# directory: nothing outside 127.0.0.1 and that directory, on two TCP ports
# that no socket of this machine has bound (read from /proc/net/tcp and
# tcp6; another pair is tried if the cluster still does not come up).
# Submits the sweep's job arrays and their dependent merge job with the
# generated submit-slurm.sh, waits for the merge, checks that every cell
# ran once and was merged, and stops the daemons it started (by their pid
# files, and only while each pid is still that daemon), waiting until they
# have exited.  The cluster's MaxArraySize is 4, so the 6 cells go as two
# arrays (4 and 2 tasks): submit-slurm.sh reads the limit from scontrol.
#
# Fails, naming the Debian package, if a Slurm or munge program is missing
# (./test.sh installs slurmctld, slurmd and slurm-client, which bring
# munge).  The caller's SLURM_*, SBATCH_*, SQUEUE_*, SINFO_* and SALLOC_*
# variables are removed: they would reach the private cluster's commands.
# The waits for the cluster and for the jobs are limits against a hang
# (2 and 10 minutes), not assertions about speed.
# Environment: MMUSIM (the program).  Prints a final "N passed, M failed".
set -u
LC_ALL=C
export LC_ALL
MMUSIM=${MMUSIM:-./mmusim}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
PATH=$PATH:/usr/sbin
for v in $(env | sed -n 's/^\(\(SLURM\|SBATCH\|SQUEUE\|SINFO\|SALLOC\)_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done

die() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }
for p in munged:munge slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client \
	squeue:slurm-client sinfo:slurm-client; do
	command -v "${p%:*}" >/dev/null 2>&1 ||
		die "${p%:*} is not installed (Debian package ${p#*:}; ./test.sh installs it)"
done
user=$(id -un) || die "id -un failed"

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
# stop_daemons FILE...: stop the daemons of these pid files, wait until
# they have exited (30 s, then SIGKILL).
stop_daemons() {
	pids=
	for f in "$@"; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		rm -f "$f"
		case $pid in ''|*[!0-9]*) continue ;; esac
		# a pid file can outlive its process, and the pid be reused
		case $f in
		*slurmd.pid) name=slurmd ;;
		*slurmctld.pid) name=slurmctld ;;
		*) name=munged ;;
		esac
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || continue
		kill "$pid" 2>/dev/null && pids="$pids $pid"
	done
	for i in $(seq 1 300); do
		alive=
		for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
		[ -z "$alive" ] && return 0
		pids=$alive
		sleep 0.1
	done
	for pid in $pids; do kill -9 "$pid" 2>/dev/null; done
}
trap 'stop_daemons "$sd/slurmd.pid" "$sd/slurmctld.pid" "$sd/munge/pid"; rm -rf "$sd"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$sd/state" "$sd/spool" "$sd/log" "$sd/munge" "$sd/work/traces"
chmod 700 "$sd/munge"
dd if=/dev/urandom of="$sd/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$sd/munge/munge.key"
munged -f --socket="$sd/munge/sock" --key-file="$sd/munge/munge.key" \
	--log-file="$sd/munge/log" --pid-file="$sd/munge/pid" --seed-file="$sd/munge/seed" ||
	die "munged does not start: $(tail -n 5 "$sd/munge/log" 2>/dev/null)"

# free_ports START: the first even port from START on such that neither it
# nor the next one is bound by a TCP socket of this machine.
free_ports() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v start="$1" '
	function hex(s,    i, v) {
		v = 0
		s = tolower(s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	$2 ~ /:/ { n = split($2, a, ":"); used[hex(a[n])] = 1 }
	END {
		for (p = start; p < 65534; p += 2)
			if (!(p in used) && !((p + 1) in used)) { print p; exit }
	}'
}

ncpu=$(nproc 2>/dev/null || echo 1)
SLURM_CONF=$sd/slurm.conf
export SLURM_CONF
up=false
for attempt in 1 2 3; do
	port=$(free_ports $((20000 + (($$ + attempt * 4099) % 20000) * 2)))
	[ -n "$port" ] || die "no free pair of TCP ports for the test cluster"
	cat > "$SLURM_CONF" <<CONF
ClusterName=mmusimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$sd/munge/sock
CredType=cred/munge
SlurmUser=$user
SlurmdUser=$user
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
CONF
	if slurmctld -c -f "$SLURM_CONF" && slurmd -f "$SLURM_CONF" -N localhost; then
		i=0
		while [ $i -lt 1200 ]; do
			if sinfo -h -o %t 2>/dev/null | grep -q idle; then up=true; break; fi
			# a daemon that has exited (its port taken meanwhile) never comes up
			dead=false
			for f in "$sd/slurmctld.pid" "$sd/slurmd.pid"; do
				[ -s "$f" ] && ! kill -0 "$(cat "$f")" 2>/dev/null && dead=true
			done
			$dead && break
			sleep 0.1
			i=$((i + 1))
		done
	fi
	$up && break
	echo "note: the test cluster on ports $port and $((port + 1)) did not come up:"
	tail -n 5 "$sd/log/slurmctld.log" "$sd/log/slurmd.log" 2>/dev/null | sed 's/^/    /'
	stop_daemons "$sd/slurmd.pid" "$sd/slurmctld.pid"
	rm -rf "$sd/state" "$sd/spool"
	mkdir -p "$sd/state" "$sd/spool"
done
$up || die "the test Slurm cluster did not come up in 3 attempts (logs above)"

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
finished=false
i=0
while [ $i -lt 6000 ]; do
	if [ -z "$(squeue -h 2>/dev/null)" ] && [ -s out/results.csv ]; then finished=true; break; fi
	sleep 0.1
	i=$((i + 1))
done
check "the jobs finished (within the 10-minute limit)" $finished
check "every array task wrote its cell" [ "$(ls out/cells/*.json 2>/dev/null | wc -l)" -eq 6 ]
check "the merge job wrote results.csv with 6 rows" [ "$(sed 1d out/results.csv | wc -l)" -eq 6 ]
check "each cell once" [ "$(sed 1d out/results.csv | cut -d, -f1 | sort -u | wc -l)" -eq 6 ]
check "the merge ran after the array" sh -c 'ls out/logs/slurm-merge-*.out'
"$MMUSIM" sweep -o out s.ini > rerun.log 2>&1
check "a local rerun finds every cell done" grep -q "6 cells: 0 run now, 6 already done" rerun.log

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
