#!/bin/sh
# tests/run_trace_records.sh - what `mmusim run` makes of a single trace's
# records (sim/sim.h, workloads/WORKLOADS.md "A single trace with switch
# records"):
#
#  - a trace with context- or VM-switch records runs as the processes and
#    VMs it names, exactly as `mmusim run --workload W TRACE` with the
#    documented one-CPU workload W: the same JSON, whether the first switch
#    comes first (the run carries on) or after accesses (the file is read
#    again), and the [policy] widths allocate the ASIDs;
#  - from standard input a switch after accesses is an error (exit 2)
#    that says why; a switch as the first record is fine;
#  - run.mode = s2only: a context switch changes nothing, a VM switch enters
#    that VM's IPA space, a switch to VM 0 is an error naming the record;
#  - a trace without switch records (TLBIs or not) stays one address space;
#  - a record of CPU 1 with switch records is an error;
#  - errors name the file, the process and the record (single traces and
#    workload traces).
#
# Environment: MMUSIM, top_builddir (for tests/mktrace), as the top-level
# Makefile.am's AM_TESTS_ENVIRONMENT exports them.  POSIX sh, grep, sed.
# Prints one line per failure and a final "N passed, M failed".

MMUSIM=${MMUSIM:-./mmusim}
top_builddir=${top_builddir:-.}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_builddir in /*) ;; *) top_builddir=$here/$top_builddir ;; esac
MKTRACE=$top_builddir/tests/mktrace

for p in "$MMUSIM" "$MKTRACE"; do
	if [ ! -x "$p" ]; then
		echo "run_trace_records.sh: $p is not an executable program" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/records.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15
cd "$tmp" || exit 1

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run ARGS...: mmusim run --quiet ARGS; stderr in err, status in $status.
run() {
	"$MMUSIM" run --quiet --no-progress "$@" 2>err
	status=$?
}

expect_status() {
	if [ "$status" -eq "$2" ]; then ok; else
		bad "$1: exit status $status, expected $2"
		sed 's/^/  stderr: /' err | head -5
	fi
}

expect_err() {
	if grep -F -e "$2" err >/dev/null; then ok; else
		bad "$1: stderr does not say '$2'"
		sed 's/^/  stderr: /' err | head -5
	fi
}

# val FILE NAME: the value of the first JSON member "NAME": (one per line).
val() {
	sed -n "s/^ *\"$2\": \\([^,]*\\),*\$/\\1/p" "$1" | head -n 1
}

expect_val() {
	got=$(val "$2" "$3")
	if [ "$got" = "$4" ]; then ok; else bad "$1: $3 = '$got', expected $4"; fi
}

# same WHAT A B: two results are equal but for the command line.
same() {
	grep -v '^  "command": ' "$2" >a.cmp
	grep -v '^  "command": ' "$3" >b.cmp
	if [ -s a.cmp ] && cmp -s a.cmp b.cmp; then ok; else
		bad "$1: $2 and $3 differ"
		diff a.cmp b.cmp | grep -v buckets | head -10 | sed 's/^/  /'
	fi
}

trace() {
	if "$MKTRACE" "$1"; then ok; else bad "mktrace $1"; fi
}

# The workloads a single trace with switch records runs as (WORKLOADS.md).
printf '[workload]\ncpus = 1\n' >host.ini
printf '[workload]\ncpus = 1\n[vm.vm1]\nid = 1\n[proc.p1]\nvm = vm1\nid = 1\n' >guest.ini

# ---------------------------------------------------------------- switch records

# Natively: process 1 runs the first load; process 2 has its own tables
# and ASID, so its load of the same VA walks; back in process 1 the load
# hits its ASID-1 entry.  2 walks; 3 context switches (the CPU entering
# process 1 counts); 2 host ASIDs.  (Ignoring the switches gave 1 walk.)
trace sw.mmt <<EOF
load 0x400000 8
ctx 2
load 0x400000 8
ctx 1
load 0x400000 8
EOF
run --set run.mode=native --json sw.native.json sw.mmt
expect_status "native trace with context switches" 0
expect_val "native trace with context switches" sw.native.json walks 2
expect_val "native trace with context switches" sw.native.json context_switches 3
expect_val "native trace with context switches" sw.native.json allocations 2
run --set run.mode=native --workload host.ini --json sw.native.wl.json sw.mmt
same "native: a single trace runs as its documented workload" sw.native.json sw.native.wl.json

# virt: processes 1 and 2 of VM 1, one guest entry.
run --json sw.virt.json sw.mmt
expect_status "virt trace with context switches" 0
expect_val "virt trace with context switches" sw.virt.json walks 2
expect_val "virt trace with context switches" sw.virt.json world_switches 1
run --workload guest.ini --json sw.virt.wl.json sw.mmt
same "virt: a single trace runs as its documented workload" sw.virt.json sw.virt.wl.json

# VM switches: VM 2 (process 1 there, its own VMID) walks; VM 0 is the
# host, whose process 1 runs natively and walks too; back in VM 1 a hit.
trace vm.mmt <<EOF
load 0x400000 8
vm 2
load 0x400000 8
vm 0
load 0x400000 8
vm 1
load 0x400000 8
EOF
run --json vm.json vm.mmt
expect_status "virt trace with VM switches" 0
expect_val "virt trace with VM switches" vm.json walks 3
expect_val "virt trace with VM switches" vm.json world_switches 5
run --workload guest.ini --json vm.wl.json vm.mmt
same "VM switches: as the documented workload" vm.json vm.wl.json

# The first record a switch: the run carries on in place, also from a pipe.
trace first.mmt <<EOF
ctx 1
load 0x400000 8
ctx 2
load 0x400000 8
EOF
run --json first.json first.mmt
expect_status "switch first" 0
run --json first.stdin.json - <first.mmt
expect_status "switch first, standard input" 0
same "switch first: standard input as the file" first.json first.stdin.json
run --workload guest.ini --json first.wl.json first.mmt
same "switch first: as the documented workload" first.json first.wl.json

# Several traces: the switch in the second one replays both from the start.
trace plain.mmt <<EOF
load 0x500000 8
load 0x501000 8
EOF
run --json two.json plain.mmt sw.mmt
expect_status "two traces, switch in the second" 0
run --workload guest.ini --json two.wl.json plain.mmt sw.mmt
same "two traces: as the documented workload" two.json two.wl.json

# Standard input cannot be read again.
run --json pipe.json - <sw.mmt
expect_status "switch after accesses on standard input" 2
expect_err "switch after accesses on standard input" "<stdin>: record 2:"
expect_err "switch after accesses on standard input" "standard input cannot be read again"

# [policy] asid_bits: 300 processes of one VM, 8-bit ASIDs: 255 numbers a
# generation, so one rollover of the guest's allocator.
i=1
while [ $i -le 300 ]; do
	printf 'ctx %d\nload 0x400000 8\n' $i
	i=$((i + 1))
done >many.txt
trace many.mmt <many.txt
run --set policy.asid_bits=8 --json many.json many.mmt
expect_status "300 processes, 8-bit ASIDs" 0
grep -A 8 '"guest": {' many.json >many.guest
expect_val "300 processes, 8-bit ASIDs" many.guest rollovers 1
run --json many16.json many.mmt
grep -A 8 '"guest": {' many16.json >many16.guest
expect_val "300 processes, 16-bit ASIDs" many16.guest rollovers 0

# ---------------------------------------------------------------- s2only

# Stage 2 only: a context switch changes nothing (no stage 1, no ASID) and
# is only counted, so a trace with context switches alone stays one space.
trace s2ctx.mmt <<EOF
load 0x1000 8
ctx 2
load 0x1000 8
EOF
run --set run.mode=s2only --json s2ctx.json s2ctx.mmt
expect_status "s2only, context switch" 0
expect_val "s2only, context switch" s2ctx.json walks 1
expect_val "s2only, context switch" s2ctx.json control_records 1
# check_no_events WHAT FILE: the run stayed in the one-space model: every
# run has the workload's counters (zero where it has none), and the
# multi-space model would have allocated an ASID for the first process.
check_no_events() {
	expect_val "$1: one space" "$2" context_switches 0
	expect_val "$1: one space (asid.host)" "$2" allocations 0
}
check_no_events "s2only, context switch" s2ctx.json
# A VM switch enters that VM's IPA space (VMID 2): a walk; its context
# switches change nothing; back in VM 1 a hit.  2 VMIDs, no guest ASID.
trace s2vm.mmt <<EOF
load 0x1000 8
vm 2
load 0x1000 8
ctx 5
load 0x1000 8
vm 1
load 0x1000 8
EOF
run --set run.mode=s2only --json s2vm.json s2vm.mmt
expect_status "s2only, VM switch" 0
expect_val "s2only, VM switch" s2vm.json walks 2
grep -A 8 '"vmid": {' s2vm.json >s2vm.vmid
expect_val "s2only, VM switch" s2vm.vmid allocations 2
grep -A 8 '"guest": {' s2vm.json >s2vm.guest
expect_val "s2only, VM switch" s2vm.guest allocations 0
trace s2host.mmt <<EOF
load 0x1000 8
vm 0
load 0x1000 8
EOF
run --set run.mode=s2only s2host.mmt
expect_status "s2only, switch to the host" 2
expect_err "s2only, switch to the host" "s2host.mmt: record 2: a switch to VM 0"

# ---------------------------------------------------------------- no switch records

# TLBIs alone keep the one address space (ASID 1): no workload counters,
# the TLBI acts, unpriced.
trace tlbi.mmt <<EOF
load 0x400000 8
tlbi vae1 0 1 0x400000
load 0x400000 8
EOF
run --json tlbi.json tlbi.mmt
expect_status "TLBI without switches" 0
expect_val "TLBI without switches" tlbi.json walks 2
expect_val "TLBI without switches" tlbi.json tlbi 1
check_no_events "TLBI without switches" tlbi.json

# ---------------------------------------------------------------- CPUs

trace cpu1.mmt <<EOF
load 0x1000 8
ctx 2
cpu 1
load 0x1000 8
EOF
run cpu1.mmt
expect_status "switch records and a record of CPU 1" 2
expect_err "switch records and a record of CPU 1" "cpu1.mmt: record 3: record for CPU 1"
expect_err "switch records and a record of CPU 1" "[workload] cpus = 2"

# ---------------------------------------------------------------- errors name the record

# A VA in neither half of a 48-bit stage 1 (bit 48 set, bit 55 clear).
printf '==1== Lackey\nI  00400000,4\n L 1000000000000,8\n' >bad.lk
run bad.lk
expect_status "single trace, VA out of range" 2
expect_err "single trace, VA out of range" "bad.lk: record 2: VA 0x1000000000000 is in neither translation range"
printf '[vm.g]\n[proc.app]\nvm = g\ntrace = bad.lk\n' >bad.ini
run --workload bad.ini
expect_status "workload trace, VA out of range" 2
expect_err "workload trace, VA out of range" "proc app: "
expect_err "workload trace, VA out of range" "bad.lk: record 2: VA 0x1000000000000 is in neither translation range"

# ---------------------------------------------------------------- the one-level preset

# A cache whose block is a page: one address space, no flushes.  The
# switches and the TLBI are counted and ignored, so the misses are those of
# the same loads without them: page 0x400 misses once, then hits (3 lookups,
# 1 miss); a warning says the records were ignored.
trace ol.mmt <<EOF
load 0x400000 8
ctx 2
load 0x400000 8
tlbi vmalle1 0 0 0
vm 3
load 0x400000 8
EOF
run --preset one-level --json ol.json ol.mmt
expect_status "one-level, control records" 0
expect_val "one-level, control records" ol.json lookups 3
expect_val "one-level, control records" ol.json misses 1
expect_val "one-level, control records" ol.json control_records 3
expect_val "one-level, control records" ol.json tlbi 0
expect_val "one-level, control records" ol.json context_switches 0
expect_err "one-level, control records" "the one-level preset counts the trace's 3 control records"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
