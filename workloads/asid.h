/*
 * workloads/asid.h - the operating system's ASID and VMID allocators: which
 * number an address space (a process, or a VM) runs under on each CPU,
 * when the numbers run out (a rollover), and which TLB flushes that costs.
 *
 * What is modelled (Linux arch/arm64/mm/context.c, arch/arm64/kvm/vmid.c, and the older
 * arch/arm64/kvm/arm.c update_vmid()):
 *  - ASIDs as Linux arm64 hands them out (arch/arm64/mm/context.c, recent
 *    versions): a generation counter held in the bits above the ASID, a
 *    bitmap of the 2^B numbers, per-CPU "active" and "reserved" ids, a
 *    next-fit cursor, a lock-free fast path when the CPU's active id is set
 *    and the space's generation is current, re-use of a space's old number
 *    after a rollover when it is still free (or was reserved because it was
 *    running), and a lazy flush: after a rollover every CPU does exactly one
 *    local TLBI VMALLE1, at its next slow-path switch.  ASID 0 is never
 *    handed out.  Optionally KPTI: odd numbers are pre-reserved, each space
 *    gets an even kernel ASID and the odd user ASID next to it, which halves
 *    the numbers available.
 *  - VMIDs as KVM hands them out since about 5.18 (arch/arm64/kvm/vmid.c):
 *    the same algorithm, called before every guest entry; VMID 0 is the
 *    host's and never handed out; vcpu_put (asid_put()) marks the CPU's
 *    active id as "invalid" so a VM that is not running does not keep its
 *    number across a rollover; the rollover flush is one broadcast
 *    TLBI ALLE1IS, issued at once, and no CPU is left owing a local flush.
 *  - Optionally the older KVM scheme (before about 5.18): a global next-VMID
 *    counter and generation, no reserved numbers; a VM of a stale
 *    generation takes the next number; when the counter has wrapped to 0,
 *    the next allocation bumps the generation, forces every vCPU out of its
 *    guest and issues TLBI ALLE1IS.  With B bits that is a rollover every
 *    2^B - 1 allocations.
 *  - The generation step is a parameter: 2^16 by default (what Linux does
 *    since the fix described in Linux commit c0900d15d31c), or 2^B as older kernels
 *    did.  The number to program is always masked to B bits; the result
 *    also reports the unmasked low 16 bits of the id word, i.e. what a
 *    kernel without that fix would have written to TTBR1_EL1.ASID.
 *
 * Where the model departs from Linux:
 *  - Single-threaded: switches happen one at a time, so there are no races
 *    and the allocator lock is implicit; the fast path's compare-and-swap
 *    always succeeds.
 *  - Pinned ASIDs (used by SVA) are not modelled.
 *  - Linux does not run the ASID allocator when the next task shares the
 *    previous task's mm; whether to call asid_switch() then is the caller's
 *    choice.  Calling it is harmless (fast path, or a slow path that keeps
 *    the same number) but may move the CPU's pending flush earlier.
 *  - Other KVM maintenance (the local VMALLE1 when another vCPU of the same
 *    VM last ran on this CPU, stage-2 unmaps) is not this module's business.
 *
 * State lives entirely in struct asid_alloc; the per-space id word belongs
 * to the caller (one uint64_t per process or VM, 0 before first use).
 * Switches vastly outnumber rollovers: the fast path is a load, a compare
 * and a store.
 */
#ifndef MMUSIM_WORKLOADS_ASID_H
#define MMUSIM_WORKLOADS_ASID_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/types.h"

enum asid_kind {
	ASID_KIND_ASID = 0,     /* process ASIDs (TTBRn_EL1.ASID) */
	ASID_KIND_VMID = 1,     /* VM VMIDs (VTTBR_EL2.VMID) */
};

#define ASID_GEN_STEP_BITS_DEFAULT 16   /* the 2^16 step of Linux c0900d15d31c */
#define ASID_GEN_STEP_BITS_MAX 32       /* leaves 2^32 generations at least */
#define ASID_MAX_CPUS 4096

/*
 * struct asid_alloc_cfg - what to model; zero fields take the defaults.
 * @kind:            ASIDs or VMIDs.
 * @bits:            B, the number's width: 8 or 16 (0: 16).
 * @ncpus:           CPUs switching address spaces (0: 1).  With the
 *                   reserving schemes there must be more usable numbers
 *                   than CPUs, so a rollover always finds a free one.
 * @gen_step_bits:   log2 of the generation step, B..32 (0: 16).
 * @kpti:            ASIDs only: odd numbers pre-reserved for user space.
 * @old_vmid_scheme: VMIDs only: the pre-5.18 counter scheme.
 */
struct asid_alloc_cfg {
	enum asid_kind kind;
	unsigned bits;
	unsigned ncpus;
	unsigned gen_step_bits;
	bool kpti;
	bool old_vmid_scheme;
};

/*
 * Counters (an X-macro keeps the enum and the names in sync):
 *  allocations       - numbers taken from the bitmap (or, in the old VMID
 *                      scheme, from the counter) for a space;
 *  fast_switches     - switches that took the lock-free fast path;
 *  slow_switches     - all other switches;
 *  reuses            - stale spaces that kept their old number (it was
 *                      reserved at the rollover, or still free);
 *  rollovers         - generation bumps;
 *  local_flushes     - TLBI VMALLE1 done by a CPU for a pending rollover;
 *  broadcast_flushes - TLBI ALLE1IS issued at a VMID rollover.
 * Every switch is either fast or slow; every slow switch with a stale
 * space is either an allocation or a reuse.
 */
#define ASID_COUNTERS(X) \
	X(ALLOC, "allocations") \
	X(FAST, "fast_switches") \
	X(SLOW, "slow_switches") \
	X(REUSE, "reuses") \
	X(ROLLOVER, "rollovers") \
	X(LOCAL_FLUSH, "local_flushes") \
	X(BCAST_FLUSH, "broadcast_flushes")

enum asid_counter {
#define X(id, name) ASID_C_##id,
	ASID_COUNTERS(X)
#undef X
	ASID_C__COUNT
};

struct asid_stats {
	uint64_t c[ASID_C__COUNT];
};

extern const char *const asid_counter_names[ASID_C__COUNT];

/* How a switch found the number it returns. */
enum asid_how {
	ASID_HOW_FAST = 0,      /* fast path: current generation, CPU active */
	ASID_HOW_CURRENT,       /* slow path, but the space's id was current */
	ASID_HOW_REUSE_RESERVED, /* stale id that a CPU held at the rollover */
	ASID_HOW_REUSE_FREE,    /* stale id whose number was still free */
	ASID_HOW_NEW,           /* a newly allocated number */
};

/*
 * struct asid_switch_result - what one switch did.
 * @asid:       the number to program (TTBR1_EL1.ASID, or VTTBR_EL2.VMID),
 *              masked to B bits.  Under KPTI the kernel's (even) ASID.
 * @user_asid:  under KPTI the user ASID, @asid | 1; else @asid.
 * @unmasked:   bits [15:0] of the space's id word: what a kernel that did
 *              not mask the number (Linux c0900d15d31c) would program.  Equal
 *              to @asid whenever gen_step_bits >= 16.
 * @generation: the generation the space's id now belongs to (1, 2, ...).
 * @how:        how the number was found.
 * @fast:       the fast path was taken (@how == ASID_HOW_FAST).
 * @rollover:   this switch bumped the generation.
 * @flush:      a TLB flush is due now: @flush_op (with @flush_flags, 0 or
 *              TLBI_F_IS) on this CPU before it runs @asid: TLBI VMALLE1
 *              (local, ASIDs) or TLBI ALLE1 with TLBI_F_IS (broadcast to
 *              every CPU, VMIDs).  Meaningless when !@flush.
 * @kick_all:   old VMID scheme only: every other CPU must leave its guest
 *              now; its next asid_switch() gives its VM a new VMID.
 */
struct asid_switch_result {
	uint16_t asid;
	uint16_t user_asid;
	uint16_t unmasked;
	uint64_t generation;
	enum asid_how how;
	bool fast;
	bool rollover;
	bool flush;
	enum tlbi_op flush_op;
	unsigned flush_flags;
	bool kick_all;
};

/* One allocator.  Callers read st and cfg; the rest is workloads/asid.c's. */
struct asid_alloc {
	struct asid_alloc_cfg cfg;      /* defaults resolved */
	struct asid_stats st;
	uint64_t num;                   /* 2^B numbers */
	uint64_t low_mask;              /* num - 1 */
	unsigned step_bits;             /* log2 of the generation step */
	uint64_t gen;                   /* current generation << step_bits */
	uint64_t cur;                   /* next-fit cursor; old scheme: next */
	uint64_t *map;                  /* num bits: 1 = number taken */
	uint64_t *active;               /* per CPU: id running, 0 after a
					 * rollover, invalid after a put */
	uint64_t *reserved;             /* per CPU: id kept at the rollover */
	bool *pending;                  /* per CPU: owes a local flush */
};

/**
 * asid_alloc_init() - build an allocator.
 * @a:   the allocator, overwritten.
 * @cfg: what to model (see struct asid_alloc_cfg).
 * @err: filled on error; may be NULL.
 *
 * The first generation is 1 and the cursor starts at number 1.
 *
 * Return: 0; SIM_E_CONFIG for an impossible configuration (bits not 8 or
 * 16, KPTI with VMIDs, the old scheme with ASIDs, a generation step
 * narrower than B or wider than 32 bits, more CPUs than usable numbers);
 * SIM_E_NOMEM.  On error @a needs no asid_alloc_destroy().
 */
int asid_alloc_init(struct asid_alloc *a, const struct asid_alloc_cfg *cfg,
		    struct sim_error *err);

/**
 * asid_alloc_destroy() - free what asid_alloc_init() allocated.
 * @a: the allocator; may be NULL.  Safe to call twice.
 */
void asid_alloc_destroy(struct asid_alloc *a);

/**
 * asid_switch() - CPU @cpu switches to an address space (ASIDs: a context
 * switch to another process; VMIDs: vcpu_load before a guest entry).
 * @a:        the allocator.
 * @cpu:      0 .. ncpus - 1.
 * @space_id: the space's id word (generation | number), owned by the
 *            caller, 0 before the space's first switch.  Updated when the
 *            space gets or re-validates a number.
 * @r:        filled with what the switch did.
 *
 * The caller must apply @r->flush before running under @r->asid: for
 * ASIDs a local VMALLE1 on @cpu; for VMIDs an ALLE1 on every CPU.  In the
 * old VMID scheme @r->kick_all asks it to take every other CPU out of its
 * guest.  Counters are updated.
 *
 * Return: 0; SIM_E_INVAL if @cpu is out of range or *@space_id is not an
 * id this allocator could have handed out (a later generation, number 0 or
 * beyond B bits, an odd number under KPTI); SIM_E_UNSUPPORTED if a
 * rollover would overflow the 64-bit id word (after 2^(64 - gen_step_bits)
 * - 1 rollovers).  Nothing changes on error.
 */
int asid_switch(struct asid_alloc *a, unsigned cpu, uint64_t *space_id,
		struct asid_switch_result *r);

/**
 * asid_put() - CPU @cpu leaves its guest for good (KVM's vcpu_put): its
 * active VMID no longer needs to survive a rollover.
 * @a:   a VMID allocator.
 * @cpu: 0 .. ncpus - 1.
 *
 * The CPU's active id becomes a non-zero value with number 0, so its next
 * asid_switch() may still take the fast path, while a rollover in between
 * reserves nothing for it.  Nothing to do in the old VMID scheme.
 *
 * Return: 0; SIM_E_INVAL if @cpu is out of range or @a allocates ASIDs
 * (Linux has no such step for processes).
 */
int asid_put(struct asid_alloc *a, unsigned cpu);

/**
 * asid_usable() - how many numbers one generation can hand out: 2^B - 1
 * (number 0 excluded), or 2^(B-1) - 1 under KPTI (even numbers but 0).
 * @a: the allocator.
 */
uint64_t asid_usable(const struct asid_alloc *a);

#endif /* MMUSIM_WORKLOADS_ASID_H */
