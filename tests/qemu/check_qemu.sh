#!/bin/sh
# tests/qemu/check_qemu.sh - compare `mmusim walk` with QEMU's AT instructions
# on random scenarios (what `make check-qemu` runs).
#
# For each CPU profile, generate COUNT scenarios from consecutive seeds,
# pack them BATCH at a time into a blob, boot the bare-metal prober once
# per blob under qemu-system-aarch64 (EL2, virtualization=on), and compare
# its PAR_EL1 lines with mmusim's, scenario by scenario.  A scenario that
# differs is kept as OUT/fail-CPU-SEED.scn, with the first differing request
# and both answers appended as comments.
#
# Environment (make check-qemu sets the tool paths):
#   MMUSIM, GEN_SCN, SCN_PACK, GUEST_ELF   programs (defaults: build tree)
#   QEMU            qemu-system-aarch64
#   QEMU_CPUS       profiles to run, default "a57 max"
#   QEMU_SEED       first seed, default 1
#   QEMU_COUNT      scenarios per profile, default 2000
#   QEMU_BATCH      scenarios per QEMU boot, default 250
#   QEMU_OUT        output folder, default tests/qemu/out
#   QEMU_KEEP       if set, a folder that receives every scenario as
#                   CPU-SEED.scn with QEMU's answers as CPU-SEED.expected
# Last line: "N passed, M failed" (scenarios); exit status 1 on any failure.

MMUSIM=${MMUSIM:-./mmusim}
GEN_SCN=${GEN_SCN:-./tests/qemu/gen_scn}
SCN_PACK=${SCN_PACK:-./tests/qemu/scn_pack}
GUEST_ELF=${GUEST_ELF:-./tests/qemu/guest.elf}
QEMU=${QEMU:-qemu-system-aarch64}
QEMU_CPUS=${QEMU_CPUS:-"a57 max"}
QEMU_SEED=${QEMU_SEED:-1}
QEMU_COUNT=${QEMU_COUNT:-2000}
QEMU_BATCH=${QEMU_BATCH:-250}
QEMU_OUT=${QEMU_OUT:-tests/qemu/out}

for p in "$MMUSIM" "$GEN_SCN" "$SCN_PACK"; do
	if [ ! -x "$p" ]; then
		echo "check_qemu.sh: $p is not an executable program" >&2
		exit 2
	fi
done
if [ ! -f "$GUEST_ELF" ]; then
	echo "check_qemu.sh: no prober $GUEST_ELF" >&2
	exit 2
fi
if ! command -v "$QEMU" >/dev/null 2>&1; then
	echo "check_qemu.sh: $QEMU not found (Debian: apt-get install qemu-system-arm)" >&2
	exit 2
fi

mkdir -p "$QEMU_OUT" ${QEMU_KEEP:+"$QEMU_KEEP"} || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/checkqemu.XXXXXX") || exit 2
trap 'rm -rf "$work"' 0
trap 'exit 1' 1 2 15

pass=0
fail=0
"$QEMU" --version | head -n 1

for cpu in $QEMU_CPUS; do
	case $cpu in
	a57) model=cortex-a57 mmfr0=0x1124 ;;
	max) model=max mmfr0=0x32310201126 ;;
	*) echo "check_qemu.sh: unknown profile $cpu" >&2; exit 2 ;;
	esac
	seed=$QEMU_SEED
	end=$((QEMU_SEED + QEMU_COUNT))
	cfail=0
	while [ "$seed" -lt "$end" ]; do
		n=$QEMU_BATCH
		[ $((seed + n)) -gt "$end" ] && n=$((end - seed))
		rm -rf "$work/b"
		mkdir "$work/b" || exit 2
		"$GEN_SCN" -c "$cpu" -s "$seed" -n "$n" -o "$work/b" || exit 2
		files=
		k=$seed
		while [ "$k" -lt $((seed + n)) ]; do
			files="$files $work/b/$k.scn"
			k=$((k + 1))
		done
		# shellcheck disable=SC2086
		"$SCN_PACK" -m "$mmfr0" "$work/blob.bin" $files || exit 2
		timeout 600 "$QEMU" -M virt,virtualization=on -cpu "$model" -m 1G \
			-nographic -nic none -monitor none \
			-kernel "$GUEST_ELF" \
			-device loader,file="$work/blob.bin",addr=0x48000000,force-raw=on \
			</dev/null >"$work/qemu.out" 2>"$work/qemu.err"
		tr -d '\r' <"$work/qemu.out" >"$work/q.txt"
		got=$(sed -n '1s/^mmfr0 \([^ ]*\) el 2$/\1/p' "$work/q.txt")
		if [ "$got" != "$mmfr0" ]; then
			echo "check_qemu.sh: -cpu $model: prober says '$(head -n 1 "$work/q.txt")', expected mmfr0 $mmfr0 at EL2" >&2
			cat "$work/qemu.err" >&2
			exit 2
		fi
		if ! grep -q '^@ done$' "$work/q.txt"; then
			echo "check_qemu.sh: QEMU run of seeds $seed.. did not finish:" >&2
			tail -n 5 "$work/q.txt" "$work/qemu.err" >&2
			exit 2
		fi
		awk -v d="$work/b" -v s="$seed" '
			/^@ done$/ { f = ""; next }
			/^@ / { f = d "/" (s + $2) ".q"; printf "" > f; next }
			f != "" { print > f }' "$work/q.txt"
		k=$seed
		while [ "$k" -lt $((seed + n)) ]; do
			scn=$work/b/$k.scn
			if [ -n "${QEMU_KEEP:-}" ] && [ -f "$work/b/$k.q" ]; then
				cp "$scn" "$QEMU_KEEP/$cpu-$k.scn"
				cp "$work/b/$k.q" "$QEMU_KEEP/$cpu-$k.expected"
			fi
			"$MMUSIM" walk "$scn" >"$work/b/$k.m" 2>"$work/b/$k.err"
			if [ -f "$work/b/$k.q" ] && cmp -s "$work/b/$k.q" "$work/b/$k.m"; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				cfail=$((cfail + 1))
				keep=$QEMU_OUT/fail-$cpu-$k.scn
				cp "$scn" "$keep"
				# The first differing request, both answers.
				awk -v qf="$work/b/$k.q" -v mf="$work/b/$k.m" '
					/^at / { req[++n] = $0 }
					END {
						i = 0
						while (1) {
							qe = (getline q < qf) <= 0
							me = (getline m < mf) <= 0
							i++
							if (qe && me) break
							if (qe) q = "(none)"
							if (me) m = "(none)"
							if (q != m) {
								printf "# first difference, request %d: %s\n", i, req[i]
								printf "#   qemu:   %s\n", q
								printf "#   mmusim: %s\n", m
								break
							}
						}
					}' "$scn" >>"$keep"
				sed 's/^/#   mmusim stderr: /' "$work/b/$k.err" >>"$keep"
				echo "FAIL: $cpu seed $k: kept as $keep"
				grep '^#   \|^# first' "$keep" | sed 's/^#/ /'
			fi
			k=$((k + 1))
		done
		seed=$((seed + n))
	done
	echo "$cpu (-cpu $model): $QEMU_COUNT scenarios from seed $QEMU_SEED, $cfail differ"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
