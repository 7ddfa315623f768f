/*
 * sim/sim.h - the replay engine: simulated CPUs' translation hierarchies
 * driven by memory traces.
 *
 * struct sim owns everything a run needs and nothing is global, so two
 * simulations can run side by side in one process: the configuration
 * (const once created), simulated physical memory holding the real page
 * tables, the guest-OS/hypervisor model that builds them on first touch,
 * the CPUs (struct sim_cpu: each with its TLB hierarchy, stage-1 and
 * stage-2 walk caches, stage-2 TLB and the page-table line cache that
 * prices each walk reference), and the statistics.  A run from a single
 * trace (sim_create()) has one CPU and one address space; a trace whose
 * switch records name several runs on sim_create_spaces().  A workload run
 * (sim_create_workload(), workloads/WORKLOADS.md) has several CPUs, VMs
 * and processes, context switches through the ASID allocator, guest
 * entries through the VMID allocator, VM exits, system calls and TLB
 * maintenance under the [policy] choices; sim.c describes that model
 * where it implements it.  The page tables are shared by every CPU; the
 * TLBs, walk caches and line caches are each CPU's own.
 *
 * Per access: look the page up in the TLB hierarchy (instruction or data
 * side); on a miss everywhere, make sure the OS model has mapped the page,
 * walk it with the exact walker (mmu/translate.c) starting from the deepest
 * walk-cache hit and taking stage-2 translations from the stage-2 TLB where
 * it has them, charge every memory reference of the walk through the line
 * cache, and fill the TLBs with the combined translation (its size is the
 * smaller of the two stages' mappings).  An access that crosses a page
 * boundary translates each page it touches (run.crossing = split) or only
 * its first (first).  Only the successful walk of a page is charged: the
 * demand-paging fault that maps a page on first touch is counted
 * separately (os.* counters), not priced.
 */
#ifndef MMUSIM_SIM_SIM_H
#define MMUSIM_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "workloads/os.h"
#include "mmu/pmem.h"
#include "mmu/translate.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/ptcache.h"
#include "sim/stats.h"
#include "tlb/hier.h"
#include "tlb/tlb.h"
#include "tlb/walkcache.h"
#include "workloads/trace.h"

/* Run-wide counters; the X-macro keeps names and fields in step. */
#define SIM_COUNTERS(X) \
	X(ACCESSES, "accesses")                 /* trace memory accesses */ \
	X(TRANSLATIONS, "translations")         /* page lookups (crossings add) */ \
	X(CROSSINGS, "page_crossings")          /* accesses spanning pages */ \
	X(WALKS, "walks")                       /* misses in every TLB level */ \
	X(WALK_REFS, "walk_memory_refs")        /* descriptor reads of all walks */ \
	X(WALK_S1_REFS, "walk_s1_refs") \
	X(WALK_S2_REFS, "walk_s2_refs") \
	X(WALK_WRITES, "walk_writes")           /* hardware AF/dirty updates */ \
	X(S1_SAVED, "walk_s1_refs_saved")       /* reads the walk caches supplied */ \
	X(S2_SAVED, "walk_s2_refs_saved")       /* ... and the stage-2 TLB */ \
	X(WALK_CYCLES, "walk_cycles") \
	X(TLB_CYCLES, "tlb_cycles")             /* TLB lookup latencies */ \
	X(TRANS_CYCLES, "translation_cycles")   /* tlb_cycles + walk_cycles */ \
	X(WALK_FAULTS, "walk_faults")           /* walks that faulted after mapping */ \
	X(CONTROL, "control_records")           /* switches and TLBIs in the trace */ \
	X(TLBI, "tlbi")

enum sim_counter {
#define X(id, name) SIM_C_##id,
	SIM_COUNTERS(X)
#undef X
	SIM_C__COUNT
};

/*
 * Fast path (run.fast_path): the recent first-level TLB hits of one side,
 * direct-mapped by page.  A slot says "a lookup of this page (of the TLB's
 * smallest held size) hit entry e at (array, set, way)".  While the slot
 * holds, sim.c does what tlb_lookup() would do - count a lookup and a hit,
 * touch e's replacement state, set the TLB's own last-hit memo - without
 * probing every way of every held size; the statistics are identical.  The
 * slot holds when either
 *  - the TLB has had no fill and no invalidation since (gen, the sum of its
 *    fill and invalidation counters, grows with every change of its
 *    contents): unchanged contents give the same first match for every
 *    address of the page; or
 *  - e still matches the page, every first-level entry has the smallest
 *    held size (l1_one_size: no walk has produced a larger translation) and
 *    every walk ran in one lookup context (l1_one_ctx).  A TLB is filled
 *    only after it missed, so no second entry can then cover a page that e
 *    covers: e is the only match, hence the hit.
 */
#define SIM_L1MEMO 64

struct sim_l1memo {
	const struct tlb_entry *e;      /* NULL: empty */
	uint64_t page;                  /* va >> the TLB's smallest held shift */
	uint64_t ctx;                   /* lookup context */
	uint64_t gen;                   /* the TLB's fills + invalidations then */
	struct tlb_sa *a;               /* where e lives */
	unsigned set, way;
};

/*
 * One CPU (PE): its own TLB hierarchy, walk caches, stage-2 TLB and
 * page-table line cache, the translation context it runs in now, and the
 * fast-path memos of its first-level TLBs.  Everything a lookup or a walk
 * touches lives here, so CPUs never share cached translations; what they
 * share (physical memory, the page tables, the statistics) is struct sim's.
 */
struct sim_cpu {
	struct sim *sim;
	unsigned index;

	/* the context it runs in */
	struct os_proc *proc;           /* the address space */
	struct mmu_ctx mctx;            /* its translation context */
	bool two_stage;
	enum mmu_regime regime;         /* of the stage-1 entries it fills */
	enum tlb_kind kind;             /* what its TLB entries translate */
	uint8_t el;                     /* exception level of its accesses */
	uint64_t tlb_ctx;               /* lookup context in the TLBs */

	struct tlb_hier tlbs;
	struct wc wc_s1, wc_s2;
	struct tlb s2tlb;
	bool have_wc_s1, have_wc_s2, have_s2tlb;
	struct ptcache ptc;
	struct mmu_hooks hooks;
	struct mmu_refs refs;
	unsigned walk_hook_cycles;      /* cache lookup latency within one walk */

	struct tlb *l1[2];              /* first TLB of each side's path, if fast */
	unsigned l1_min_shift;          /* smallest size the l1[] TLBs hold */
	bool l1_one_size;               /* no translation larger than that yet */
	uint64_t l1_ctx;                /* the lookup context at creation */
	bool l1_one_ctx;                /* every walk so far ran in it */
	struct sim_l1memo l1memo[2][SIM_L1MEMO];
};

struct sim_wl;

struct sim {
	struct sim_config cfg;
	struct pmem pm;
	struct mmu_mem mem;
	struct os os;
	struct os_vm *vm;               /* single trace: the guest (virt, s2only) or the host */
	struct os_proc *proc;           /* single trace: the process it runs in */
	unsigned page_shift;            /* crossing granularity */
	unsigned ncpus;
	struct sim_cpu *cpu;            /* ncpus CPUs */

	uint64_t c[SIM_C__COUNT];
	/* Page-crossing accesses whose first and later page both missed every
	 * TLB, per side (enum tlb_side): what a simulator that counts at most
	 * one miss per access would count fewer. */
	uint64_t cross_walked_twice[2];
	struct stats_hist h_walk_refs, h_walk_s1_refs, h_walk_s2_refs, h_walk_cycles;
	struct stats_registry reg;
	uint64_t warmup_left;           /* accesses until the statistics snapshot */
	size_t step_failed_at;          /* index in the batch of sim_step()'s failure */
	struct sim_wl *wl;              /* a workload run's VMs, processes and
					 * schedule (sim.c); NULL for a single trace */
};

/**
 * sim_create() - build a simulation for a finalized configuration.
 * @sp:  the new simulation, freed with sim_destroy()
 * @cfg: copied; must have passed cfg_finalize()
 * @err: why not
 * Return: 0, SIM_E_CONFIG (geometry the model cannot build), SIM_E_NOMEM.
 */
int sim_create(struct sim **sp, const struct sim_config *cfg, struct sim_error *err);

void sim_destroy(struct sim *s);

/* sim_step(): a single-trace simulation met a switch record (below). */
#define SIM_STEP_SPACES 1

/**
 * sim_step() - replay a batch of trace records.
 *
 * A simulation of sim_create() has one address space.  Its TLBI records
 * act on that space's CPU (the ASID operand as given: the space runs with
 * ASID 1), unpriced, and with stage 1 off (run.mode = s2only) a context
 * switch changes nothing and is only counted.  Any other context switch,
 * and any VM switch, needs the processes and VMs the trace names: sim_step()
 * stops before that record and returns SIM_STEP_SPACES, and the caller
 * replays the trace from its first record on sim_create_spaces().
 *
 * Return: 0; SIM_STEP_SPACES with s->step_failed_at the index of the switch
 * record; or a negative enum sim_err (out of simulated or real memory, an
 * address the OS model cannot map) with @err filled and s->step_failed_at
 * the index of the record that failed; the statistics so far stay valid.
 */
int sim_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err);

/**
 * sim_create_spaces() - build a simulation for a single trace with switch
 * records: the workload model of sim_create_workload() on one CPU, driven by
 * sim_step(), with the workload workloads/WORKLOADS.md gives ("A single
 * trace with switch records"): natively, the host's processes (the first
 * records run in process 1); in virt and s2only mode VM 1, whose process 1
 * runs the first records, with every VM's geometry from [stage2].  [policy]
 * applies.  In s2only mode a context switch changes nothing (no stage 1,
 * no ASIDs), a VM switch enters that VM's IPA space, and a switch to VM 0
 * (the host) is an error.  A record of a CPU other than 0 is an error.
 * Return: as sim_create_workload().
 */
int sim_create_spaces(struct sim **sp, const struct sim_config *cfg, struct sim_error *err);

struct workload;

/**
 * sim_create_workload() - build a simulation of a workload (workloads/
 * workload.h, WORKLOADS.md): its CPUs, each with its own TLBs and walk
 * caches, the host, its VMs and processes, and the sources that feed them.
 * @sp:  the new simulation, freed with sim_destroy()
 * @cfg: copied; must have passed cfg_finalize(); [policy] applies
 * @wl:  borrowed: must outlive the simulation
 * @err: why not
 *
 * The run is driven by sim_run(), or record by record with sim_step(),
 * which then replays each record on the CPU it names and honours context
 * and VM switches.  Statistics: the single-trace set, with tlb.*,
 * walkcache.* and s2tlb counters summed over the CPUs (and per CPU under
 * cpu.N.tlb.* when there are several), plus events.*, maintenance.*,
 * asid.host.*, asid.guest.* (every VM's allocator) and vmid.*.
 *
 * Return: 0; SIM_E_CONFIG (s2only mode, a VM geometry the configuration
 * cannot build, naming its section and line; a footprint outside its VA
 * range), SIM_E_IO and the trace readers' errors for a trace that cannot
 * be opened, SIM_E_NOMEM.
 */
int sim_create_workload(struct sim **sp, const struct sim_config *cfg, const struct workload *wl,
			struct sim_error *err);

/**
 * sim_run() - advance a workload run by about @max_accesses accesses (all
 * CPUs together; at least one turn of the CPUs).
 * @done: set when every source has ended or [workload] accesses is reached
 *
 * Return: 0, or a negative enum sim_err with @err naming the process, its
 * trace and the record; the statistics so far stay valid.
 */
int sim_run(struct sim *s, uint64_t max_accesses, bool *done, struct sim_error *err);

/* The registry every emitter reads (counters since the warmup snapshot). */
static inline const struct stats_registry *sim_stats(const struct sim *s)
{
	return &s->reg;
}

#endif /* MMUSIM_SIM_SIM_H */
