#!/bin/sh
# tests/run_config_keys.sh - no configuration key is silently ignored.
#
# The keys are the ones `mmusim run --help-config` lists, read at test time,
# so a new key without a check here fails the test.  For each key:
#
#  - "changes": a configuration, trace and non-default value where the key
#    applies; its result (the --json counters, ratios and histograms: all
#    but the echoed configuration and the command line) must differ from
#    the same run without it, and no warning may name the key;
#  - "same": a key whose effect is by design not on the statistics; the
#    reason is given next to it, and the results must be identical;
#  - "warns": a configuration where the key has no effect (the rules of
#    --help-config, "Keys without effect", and sim/CONFIG.md): mmusim run
#    must say so on standard error, naming the key, and the result must be
#    identical to the run without it.
#
# tlb.NAME and cache.NAME keys are checked on the level L1D (L2 where its
# geometry matters).  The traces are made here: t1, lackey text with
# fetches, loads, stores, modifies and page-crossing accesses over a hot
# set and a large random set (TLB and cache evictions); t4, loads spread
# over 1 GiB (walk-cache evictions); t2, a native trace with context and VM
# switches over 300 processes and 300 VMs, kernel accesses and TLBIs (for
# [policy]); t3, the same on two CPUs; w4, a scheduled workload with VM
# exits, system calls and page invalidations.
#
# Environment: MMUSIM, top_builddir (tests/mktrace).  POSIX sh, awk, cmp.

MMUSIM=${MMUSIM:-./mmusim}
top_builddir=${top_builddir:-.}
here=$(pwd)
case $MMUSIM in /*) ;; *) MMUSIM=$here/$MMUSIM ;; esac
case $top_builddir in /*) ;; *) top_builddir=$here/$top_builddir ;; esac
MKTRACE=$top_builddir/tests/mktrace

for p in "$MMUSIM" "$MKTRACE"; do
	if [ ! -x "$p" ]; then
		echo "run_config_keys.sh: $p is not an executable program" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keys.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 1' 1 2 15
cd "$tmp" || exit 1

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# ---------------------------------------------------------------- traces

awk 'BEGIN {
	print "==77== Lackey"
	x = 12345; pc = 4194304
	for (i = 0; i < 20000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		k = int(x / 65536) % 10
		if (k < 3) {
			if (int(x / 4096) % 64 == 0) pc = 4194304 + (int(x / 256) % 262144) * 4
			printf "I  %08x,4\n", pc; pc += 4
			continue
		}
		if (int(x / 16) % 2) va = 268435456 + (int(x / 64) % 64) * 4096 + int(x / 1024) % 4088
		else va = 536870912 + (int(x / 64) % 8192) * 4096 + int(x / 1024) % 4088
		if (k < 7) printf " L %08x,8\n", va
		else if (k < 9) printf " S %08x,8\n", va
		else printf " M %08x,8\n", int(va / 4096) * 4096 + 4092
	}
}' >t1.lk
awk 'BEGIN {
	print "==77== Lackey"
	x = 777
	for (i = 0; i < 20000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		page = int(x / 128) % 262144
		if (i % 4 == 0) page = int(x / 128) % 256
		printf " L %08x,8\n", 1073741824 + page * 4096 + 8 * (int(x / 8) % 500)
	}
}' >t4.lk
# t2: processes 1..300 of VM 1 (user and kernel loads; every 50th a TLBI
# VAE1IS, a local VMALLE1 and a visit to the host), then VMs 2..300.
awk 'BEGIN {
	for (i = 1; i <= 300; i++) {
		printf "ctx %d\nload 0x400000 8\nload 0x401000 8\n", i
		printf "load 0xffff000000010000 8\nload 0xffff0000%04x0000 8\n", i % 16
		if (i % 50 == 0)
			printf "tlbi vae1 1 %d 0x400000\ntlbi vmalle1 0 0 0\nvm 0\nload 0x400000 8\nvm 1\n", i
	}
	for (v = 2; v <= 300; v++) {
		printf "vm %d\nload 0x400000 8\nload 0xffff000000010000 8\n", v
		if (v % 60 == 0)
			print "tlbi vmalle1 1 0 0"
	}
}' >t2.txt
# t2s: stage 2 only (IPAs, no host): processes and VMs 1..300.
awk 'BEGIN {
	for (v = 1; v <= 300; v++)
		printf "vm %d\nload 0x400000 8\nctx %d\nload 0x401000 8\n", v, v
	print "tlbi vmalle1 1 0 0"
}' >t2s.txt
# t3: VMs 1..300 entered alternately on CPUs 0 and 1.
awk 'BEGIN {
	for (v = 1; v <= 300; v++) {
		printf "cpu %d\nvm %d\nload 0x400000 8\ncpu %d\nload 0x401000 8\n", v % 2, v, (v + 1) % 2
		if (v % 40 == 0)
			print "tlbi vmalle1 1 0 0"
	}
}' >t3.txt
for t in t2 t2s t3; do
	if ! "$MKTRACE" $t.mmt <$t.txt; then
		echo "run_config_keys.sh: mktrace $t failed" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done
printf '[workload]\ncpus = 2\n' >w2.ini
cat >w4.ini <<'EOF'
[workload]
cpus = 2
quantum = 2k
slice = 500
accesses = 60k
[vm.a]
exit_every = 1000
exit_accesses = 50
exit_host_accesses = 20
[vm.b]
exit_every = 2000
exit_accesses = 50
[proc.a1]
vm = a
pattern = random
footprint = 8m
code = 256k
syscall_every = 3000
syscall_accesses = 30
tlbi_every = 2500
[proc.b1]
vm = b
pattern = zipf
footprint = 16m
[proc.h]
pattern = seq
footprint = 4m
EOF
T1=t1.lk
T4=t4.lk
T2=t2.mmt
T2S=t2s.mmt
T3="--workload w2.ini t3.mmt"
W4="--workload w4.ini"

# ---------------------------------------------------------------- runs

# result FILE.json: the statistics of a result, without the configuration
# echo, the command line and the version.
result() {
	awk '/^  "config": \{/ { c = 1; next } c && /^  \},?$/ { c = 0; next }
	     !c && !/^  "command":/ && !/^  "mmusim_version":/' "$1"
}

n=0
# run ARGS...: one mmusim run; $out is its result, $errf its stderr,
# $rc its exit status.
run() {
	n=$((n + 1))
	out=r$n.res
	errf=r$n.err
	# shellcheck disable=SC2086
	"$MMUSIM" run --quiet --no-progress --json r$n.json "$@" 2>"$errf"
	rc=$?
	if [ -f r$n.json ]; then result r$n.json >"$out"; else : >"$out"; fi
}

# Base runs are cached: the same base and input give the same file.
base_of() {
	k=$(printf '%s' "$*" | cksum | tr ' ' _)
	if [ ! -f "base.$k.res" ]; then
		# shellcheck disable=SC2086
		run $*
		if [ "$rc" -ne 0 ]; then
			bad "base run failed: mmusim run $*"
			sed 's/^/  stderr: /' "$errf" | head -3
		fi
		mv "$out" "base.$k.res"
	fi
	base="base.$k.res"
}

sets() {
	for kv in "$@"; do printf -- ' --set %s' "$kv"; done
}

# check VERDICT KEY=VALUE "BASE SETS" "INPUT" ["EXTRA SETS"]:
#   VERDICT changes, same or warns (see the header).  EXTRA: settings the
#   changed run needs besides KEY=VALUE to be a valid configuration.
check() {
	verdict=$1 setting=$2 bset=$3 input=$4 extra=${5:-}
	key=${setting%%=*}
	checked="$checked $key "
	# shellcheck disable=SC2046,SC2086
	base_of $(sets $bset) $input
	# shellcheck disable=SC2046,SC2086
	run $(sets $bset) --set "$setting" $(sets $extra) $input
	what="$verdict: $setting${bset:+ [$bset]}${extra:+ + $extra} on ${input##* }"
	if [ "$rc" -ne 0 ]; then
		bad "$what: exit status $rc"
		sed 's/^/  stderr: /' "$errf" | head -3
		return
	fi
	case $verdict in
	changes)
		if cmp -s "$base" "$out"; then bad "$what: the result did not change"; else ok; fi
		if grep -F "warning: $key " "$errf" >/dev/null; then
			bad "$what: warned: $(head -n 1 "$errf")"
		else
			ok
		fi ;;
	same)
		if cmp -s "$base" "$out"; then ok; else bad "$what: the result changed"; fi ;;
	warns)
		if cmp -s "$base" "$out"; then ok; else bad "$what: the result changed"; fi
		if grep -F "warning: $key = ${setting#*=} has no effect" "$errf" >/dev/null; then ok; else
			bad "$what: no warning naming $key"
			sed 's/^/  stderr: /' "$errf" | head -3
		fi ;;
	esac
}

checked=""

# ---------------------------------------------------------------- [run]

check changes run.preset=cortex-a72 "" "$T1"
check changes run.mode=native "" "$T1"
check warns run.mode=virt "" "--preset one-level $T1"
check changes run.seed=7 "tlb.L1D.repl=random" "$T1"
check warns run.seed=7 "" "$T1"
check changes run.warmup=1000 "" "$T1"
check changes run.base_cycles=8 "" "$T1"
check changes run.crossing=first "" "$T1"
check warns run.crossing=first "" "--preset one-level $T1"
# run.fast_path: the shortcuts must give exactly the statistics of the
# full lookups (sim/sim.h); it changes speed only.
check same run.fast_path=0 "" "$T1"
check same run.fast_path=0 "" "$T2"

# ---------------------------------------------------------------- [stage1]

check changes stage1.granule=16k "" "$T1"
check changes stage1.va_bits=39 "" "$T1"
# stage1.start_level: an explicit stage-1 start level must equal the one
# va_bits and the granule give (AArch64.S1StartLevel); it is a check, and
# any other value is refused (below).
check same stage1.start_level=0 "" "$T1"
check changes stage1.blocks=l2 "" "$T1"
# stage1.pa_bits (the guest's IPS) bounds its RAM: below 4 GiB its stage-2
# level-1 descriptors share one cache line
check changes stage1.pa_bits=32 "stage1.blocks=l2 stage2.huge_fraction=0.5" "$T1"
check changes stage1.ha=0 "" "$T1"
check changes stage1.ha=0 "stage1.hd=0" "$T1"
check changes stage1.fault_around=0 "" "$T1"
# t1's stores after loads of the same pages: hardware dirty updates, or
# permission faults the OS fixes
check changes stage1.hd=0 "" "$T1"
check changes stage1.contiguous=last "" "$T1"
check changes stage1.contiguous=block "stage1.blocks=l2" "$T1"
check changes stage1.contiguous=both "stage1.blocks=l2 stage1.huge_fraction=0.5" "$T1"
# fragmented guest memory: THP falls back to pages; without blocks the
# guest's table pages move (its stage-2 mappings differ)
check changes stage1.huge_fraction=0.5 "stage1.blocks=l2" "$T1"
check changes stage1.huge_fraction=0.5 "" "$T1"
check changes stage1.huge_fraction=0 "run.mode=native" "$T1"
check changes stage1.old_share=0.5 "" "$T1"
check changes stage1.old_share=0.5 "stage1.ha=0" "$T1"
for kv in stage1.granule=16k stage1.va_bits=39 stage1.start_level=0 stage1.blocks=l2 \
	stage1.pa_bits=36 stage1.ha=0 stage1.fault_around=0 stage1.hd=0 stage1.contiguous=last \
	stage1.huge_fraction=0.5 stage1.old_share=0.5; do
	check warns $kv "run.mode=s2only" "$T1"
done
for kv in stage1.granule=16k stage1.blocks=l2 stage1.start_level=0 stage1.hd=0; do
	check warns $kv "" "--preset one-level $T1"
done
check warns stage1.ha=0 "stage1.blocks=l2 stage1.hd=0" "$T1"
check warns stage1.fault_around=0 "stage1.blocks=l2" "$T1"
check warns stage1.ha=0 "stage1.fault_around=0 stage1.hd=0" "$T1"
check warns stage1.hd=0 "stage1.ha=0" "$T1"
check warns stage1.contiguous=block "" "$T1"
check warns stage1.contiguous=last "stage1.blocks=l2" "$T1"
"$MMUSIM" run --quiet --set stage1.start_level=1 "$T1" 2>err.txt
if [ $? -eq 2 ] && grep -q "start_level" err.txt; then ok; else
	bad "stage1.start_level=1 with 48-bit 4K stage 1 is not refused"
fi

# ---------------------------------------------------------------- [stage2]

check changes stage2.granule=16k "" "$T1"
check changes stage2.ipa_bits=48 "" "$T1"
check changes stage2.start_level=0 "" "$T1"
check changes stage2.blocks=none "" "$T1"
# 4T level-1 blocks at stage 2 need the 64K granule and a 52-bit PA
check changes stage2.pa_bits=52 \
	"stage1.granule=64k stage2.granule=64k stage2.ipa_bits=48 stage2.blocks=l1" "$T1"
check changes stage2.huge_fraction=0.5 "" "$T1"
# without blocks: host pages from fragmented memory
check changes stage2.huge_fraction=0.5 "stage2.blocks=none" "$T1"
# (the stage-2 TLB keeps aged IPAs usable: without it they are walked)
check changes stage2.ha=0 "stage2.old_share=0.5 s2tlb.entries=0" "$T1"
check changes stage2.ha=0 "stage2.dirty_log=1 stage2.hd=1" "$T1"
check changes stage2.hd=1 "stage2.dirty_log=1" "$T1"
check changes stage2.dirty_log=1 "" "$T1"
check changes stage2.contiguous=last "stage2.blocks=none" "$T1"
check changes stage2.contiguous=block "" "$T1"
check changes stage2.old_share=0.5 "" "$T1"
# guest RAM of [3G, 4G) (IPS 32 bits) fits one stage-2 level-2 table
check changes stage2.ram_base=3g "stage1.pa_bits=32 stage1.blocks=l2" "$T1"
for kv in stage2.granule=16k stage2.ipa_bits=48 stage2.start_level=0 stage2.blocks=none \
	stage2.pa_bits=44 stage2.huge_fraction=0.5 stage2.ha=0 stage2.hd=1 stage2.dirty_log=1 \
	stage2.contiguous=last stage2.old_share=0.5 stage2.ram_base=2g; do
	check warns $kv "run.mode=native" "$T1"
done
check warns stage2.ha=0 "" "$T1"
check warns stage2.ha=0 "run.mode=s2only" "$T1"
check warns stage2.hd=1 "" "$T1"
check warns stage2.hd=1 "stage2.dirty_log=1 stage2.ha=0" "$T1"
check warns stage2.contiguous=last "" "$T1"
check warns stage2.contiguous=last "stage2.dirty_log=1 stage2.blocks=none" "$T1"
check warns stage2.contiguous=block "stage2.blocks=none" "$T1"
check warns stage2.ram_base=512g "run.mode=s2only" "$T1"

# ---------------------------------------------------------------- [tlb]

# A new level needs a level to pass it misses (else it is a second first
# level for both sides): L2's.
check changes tlb.levels=L1I,L1D,L2,L3 "" "$T1" "tlb.L2.next=L3"
check warns tlb.levels=L1,L2 "" "--preset one-level $T1"
check changes tlb.L1D.entries=32 "" "$T1"
check changes tlb.L1D.ways=12 "" "$T1"
check changes tlb.L1D.repl=fifo "" "$T1"
check changes tlb.L2.repl=fifo "" "$T1"
check changes tlb.L2.entries=640 "" "$T1"
check changes tlb.L2.ways=10 "" "$T1"
check warns tlb.L1D.repl=fifo "tlb.L1D.entries=32 tlb.L1D.ways=1" "$T1"
# serves: the first levels must serve each side exactly once, so a single
# change of serves is never a valid hierarchy; swapping the sides of the
# 16-entry L1I and the 48-entry L1D is.
check changes tlb.L1D.serves=inst "tlb.L1I.entries=16" "$T1" "tlb.L1I.serves=data"
# with stage-1 blocks over a half-huge stage 2, translations of 4K and 2M
check changes tlb.L1D.sizes=4k "stage1.blocks=l2 stage2.huge_fraction=0.5" "$T1"
check changes tlb.L1D.org=split "stage1.blocks=l2 stage2.huge_fraction=0.5" "$T1"
check warns tlb.L1D.org=split "tlb.L1D.sizes=4k" "$T1"
check changes tlb.L1D.latency=2 "" "$T1"
check changes tlb.L1D.next=none "" "$T1"
for kv in tlb.L1.entries=8 tlb.L1.ways=2 tlb.L1.repl=fifo tlb.L1.serves=data tlb.L1.sizes=4k,2m \
	tlb.L1.org=split tlb.L1.latency=3 tlb.L1.next=L2; do
	check warns $kv "" "--preset one-level $T1"
done

# ---------------------------------------------------------------- walk caches, stage-2 TLB

check changes walkcache.s1.entries=16 "" "$T4"
check changes walkcache.s1.ways=2 "" "$T4"
check changes walkcache.s1.repl=fifo "" "$T4"
check changes walkcache.s1.latency=1 "" "$T1"
# stage-2 pages, so that stage-2 walks read several levels
check changes walkcache.s2.entries=16 "stage2.blocks=none" "$T4"
check changes walkcache.s2.ways=2 "stage2.blocks=none walkcache.s2.entries=8" "$T4"
check changes walkcache.s2.repl=fifo "stage2.blocks=none walkcache.s2.entries=8" "$T4"
check changes walkcache.s2.latency=1 "" "$T1"
check changes s2tlb.entries=16 "stage2.blocks=none" "$T4"
check changes s2tlb.ways=2 "stage2.blocks=none" "$T4"
check changes s2tlb.repl=fifo "stage2.blocks=none" "$T4"
check changes s2tlb.latency=1 "" "$T1"
for s in walkcache.s1 walkcache.s2 s2tlb; do
	for kv in ways=2 repl=fifo latency=1; do
		check warns $s.$kv "$s.entries=0" "$T1"
	done
	check warns $s.entries=16 "" "--preset one-level $T1"
done
for kv in entries=16 ways=2 repl=fifo latency=1; do
	check warns walkcache.s1.$kv "run.mode=s2only" "$T1"
	check warns walkcache.s2.$kv "run.mode=native" "$T1"
	check warns s2tlb.$kv "run.mode=native" "$T1"
	check warns s2tlb.$kv "run.mode=s2only" "$T1"
done

# ---------------------------------------------------------------- caches, memory

check changes cache.levels=L1D,L2 "" "$T4"
check changes cache.L1D.size=32k "" "$T1"
check changes cache.L1D.ways=2 "" "$T1"
check changes cache.L1D.line=128 "" "$T1"
check changes cache.L1D.latency=5 "" "$T1"
check changes memory.latency=100 "" "$T1"

# ---------------------------------------------------------------- [one_level]

for kv in one_level.entries=32 one_level.ways=4 one_level.page=16k one_level.split=1 \
	one_level.crossing=first; do
	check changes $kv "" "--preset one-level $T1"
	check warns $kv "" "$T1"
done

# ---------------------------------------------------------------- [policy]

check changes policy.asid_bits=8 "" "$T2"
check changes policy.vmid_bits=8 "" "$T2"
# VMID rollovers of the two schemes differ when another CPU runs a guest
check changes policy.vmid_scheme=old "policy.vmid_bits=8" "$T3"
check changes policy.vmid_tagging=0 "" "$T2"
check changes policy.kernel_global=0 "" "$T2"
check changes policy.vhe=0 "" "$T2"
check changes policy.vhe=0 "" "$W4"
check changes policy.el2_extra_level=1 "policy.vhe=0 stage1.va_bits=39" "$W4"
check changes policy.tlbi_scope=local "" "$T2"
check changes policy.tlbi_local_cycles=7 "" "$T2"
check changes policy.tlbi_broadcast_cycles=7 "" "$T2"
check changes policy.ipi_cycles=7 "policy.tlbi_scope=local" "$T3"
for kv in policy.asid_bits=8 policy.vmid_bits=8 policy.vmid_scheme=old policy.vmid_tagging=0 \
	policy.kernel_global=0 policy.vhe=0 policy.el2_extra_level=1 policy.tlbi_scope=local \
	policy.tlbi_local_cycles=7 policy.tlbi_broadcast_cycles=7 policy.ipi_cycles=7; do
	check warns $kv "" "$T1"
done
for kv in policy.vmid_bits=8 policy.vmid_scheme=old policy.vmid_tagging=0 policy.vhe=0 \
	policy.el2_extra_level=1; do
	check warns $kv "run.mode=native" "$T2"
done
check warns policy.vmid_bits=8 "policy.vmid_tagging=0" "$T2"
check warns policy.vmid_scheme=old "policy.vmid_tagging=0" "$T3"
check warns policy.el2_extra_level=1 "run.mode=s2only policy.vhe=0" "$T2S"
check warns policy.el2_extra_level=1 "" "$W4"
check warns policy.el2_extra_level=1 "policy.vhe=0" "$W4"
check warns policy.el2_extra_level=1 "policy.vhe=0 stage1.va_bits=39" "$T3"
check warns policy.tlbi_broadcast_cycles=7 "policy.tlbi_scope=local" "$T2"
check warns policy.ipi_cycles=7 "" "$T3"
check warns policy.ipi_cycles=7 "policy.tlbi_scope=local" "$T2"

# ---------------------------------------------------------------- every key is checked

"$MMUSIM" run --help-config >help.txt
sed -n 's/^  \([a-z0-9_]*\.[A-Za-z0-9_.]*\): .*/\1/p' help.txt >keys.txt
nkeys=$(wc -l <keys.txt | tr -d ' ')
if [ "$nkeys" -ge 60 ]; then ok; else bad "only $nkeys keys read from --help-config"; fi
while read -r key; do
	k=$(printf '%s' "$key" | sed 's/^tlb\.NAME\./tlb.L1D./; s/^cache\.NAME\./cache.L1D./')
	case $checked in
	*" $k "*) ok ;;
	*) bad "key $key (--help-config) has no check in run_config_keys.sh" ;;
	esac
done <keys.txt
# ... and the rules the warnings follow are listed there
if grep -q "^Keys without effect" help.txt; then ok; else
	bad "--help-config does not list the keys without effect"
fi

echo "$pass passed, $fail failed ($n runs)"
[ "$fail" -eq 0 ]
