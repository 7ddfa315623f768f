/*
 * sim/sim_impl.h - the engine's own structures and the functions its files
 * share (sim/sim.h is the interface for everyone else; only sim/sim.c,
 * replay.c, fill.c, virt.c and sched.c include this).
 *
 * struct sim owns the run: the configuration (const once created), memory,
 * the OS model, the CPUs and the statistics; struct sim_cpu is one CPU's
 * translation hierarchy and the context it runs in; struct sim_wl, with
 * its VMs, spaces, tasks and per-CPU scheduling state, exists for the runs
 * of the workload model only (sim_create_spaces(), sim_create_workload()).
 */
#ifndef MMUSIM_SIM_SIM_IMPL_H
#define MMUSIM_SIM_SIM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/pmem.h"
#include "mmu/translate.h"
#include "sim/config.h"
#include "sim/cost.h"
#include "sim/err.h"
#include "sim/ptcache.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "tlb/hier.h"
#include "tlb/tlb.h"
#include "tlb/tlbi.h"
#include "tlb/walkcache.h"
#include "workloads/asid.h"
#include "workloads/gen.h"
#include "workloads/os.h"
#include "workloads/trace.h"
#include "workloads/workload.h"

/* Run-wide counters; the X-macro keeps names and fields in step.  The
 * cycle counters are sim/cost.h's; they are registered between
 * walk_s2_refs_saved and walk_faults (their place in every output). */
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
	X(WALK_FAULTS, "walk_faults")           /* walks that faulted after mapping */ \
	X(CONTROL, "control_records")           /* switches and TLBIs in the trace */ \
	X(TLBI, "tlbi") \
	X(DIRTY_WALKS, "dirty_update_walks")    /* walks of a write that hit a \
						 * writable-clean entry (HD) */ \
	X(FAULT_RETRIES, "fault_retries")       /* accesses retried after the OS \
						 * or hypervisor fixed a fault */ \
	X(FAULT_TLBIS, "fault_tlbis")           /* TLBIs those fault handlers issued */

enum sim_counter {
#define X(id, name) SIM_C_##id,
	SIM_COUNTERS(X)
#undef X
	SIM_C__COUNT
};

/*
 * One CPU (PE): its own TLB hierarchy, walk caches, stage-2 TLB and
 * page-table line cache, and the translation context it runs in now.
 * Everything a lookup or a walk
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
	struct cost_walk cw;            /* the cycles of the walk under way */

	struct tlb *l1[2];              /* first TLB of each side's path, if fast */
};

struct sim_wl;

struct sim {
	const struct sim_config cfg;    /* written once, by sim_alloc() */
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
	struct stats_hist h_walk_refs, h_walk_s1_refs, h_walk_s2_refs;
	struct cost cost;               /* every cycle, and its counters */
	struct stats_registry reg;
	uint64_t warmup_left;           /* accesses until the statistics snapshot */
	size_t step_failed_at;          /* index in the batch of sim_step()'s failure */
	bool control_ignored;           /* the one-level preset: control records
					 * are counted, not acted on */
	struct sim_wl *wl;              /* a workload run's VMs, processes and
					 * schedule (virt.c, sched.c); NULL for a
					 * single trace */
};

/* ==== the workload model (sim/virt.c, sim/sched.c) ==== */

#define WL_BUF 512              /* records buffered per task */
#define WL_HBUF 256             /* handler records per batch */

struct sim_space;

struct sim_vm {
	struct os_vm *ovm;
	const struct wl_vm *w;          /* NULL: the host, or created on demand */
	char name[WL_NAME_MAX];
	uint32_t id;                    /* number in VM-switch records; 0 = host */
	bool guest;                     /* runs under stage 2 */
	uint64_t vmid_word;             /* the VMID allocator's id word */
	uint16_t vmid;                  /* the tag of its entries */
	struct asid_alloc *asids;       /* allocator of its processes' ASIDs */
	struct sim_space **spaces;
	size_t nspaces, spaces_cap;
	struct sim_space *vmm;          /* guests: the host process of its VMM */
	uint64_t exit_every, exit_accesses, exit_host_accesses;
	struct wl_kstream kernel;
	uint64_t kernel_base;           /* VA of its kernel footprint */
	struct gen **kgen;              /* per CPU: its kernel's access stream */
};

struct sim_space {
	struct os_proc *proc;
	struct sim_vm *vm;
	uint32_t id;
	uint64_t asid_word;             /* the ASID allocator's id word */
	uint16_t asid;                  /* the ASID it last ran with */
};

struct sim_task {
	const char *name;               /* the process's name */
	const char *file;               /* its trace, or NULL */
	struct sim_space *home, *cur;   /* its process, and what its records switched to */
	struct trace_reader *rd;
	struct gen *g;
	struct trace_rec *buf;
	size_t pos, len;
	uint64_t records;               /* records consumed */
	uint64_t syscall_every, syscall_accesses, syscall_left;
	uint64_t tlbi_every, tlbi_left;
	uint64_t last_va;               /* its last data access (0: none yet) */
	bool done;
};

struct sim_wcpu {
	struct sim_task **rq;           /* its run queue */
	size_t nrq, cur;
	uint64_t quantum, quantum_left;
	struct sim_space *running;      /* the space its user context runs */
	struct sim_vm *loaded;          /* the guest whose vCPU is loaded, or NULL */
	struct sim_vm *s2_vm;           /* no VMID tagging: the VM its stage-2 entries are of */
	uint64_t exit_left;             /* guest accesses until the next exit */
	bool kicked;                    /* old VMID scheme: must re-enter its guest */
	enum { H_NONE, H_SYSCALL, H_EXIT_HYP, H_EXIT_HOST } hstate;  /* handler running */
	uint64_t hleft;                 /* its accesses to go */
	struct gen *hgen;               /* its stream */
	struct gen *hyp_gen;            /* the exit handler's stream */
	struct trace_rec *hbuf;
};

#define WL_EVENTS(X) \
	X(CTX, "context_switches")      /* a CPU changed address space */ \
	X(WORLD, "world_switches")      /* guest -> host or host -> guest */ \
	X(EXITS, "vm_exits") \
	X(KICKS, "vm_kicks")            /* forced re-entries (old VMID scheme) */ \
	X(SYSCALLS, "syscalls") \
	X(PAGE_TLBI, "page_invalidations")

enum { WL_EVENTS_X_START = -1,
#define X(id, name) WL_E_##id,
	WL_EVENTS(X)
#undef X
	WL_E__COUNT };

#define WL_MAINT(X) \
	X(LOCAL, "local_tlbis")         /* TLBIs performed on one CPU */ \
	X(BCAST, "broadcast_tlbis")     /* inner-shareable TLBIs issued */ \
	X(IPI, "ipis") \
	X(WORLD_FLUSH, "world_switch_flushes") \
	X(S2_FLUSH, "stage2_flushes") \
	X(ASID_FLUSH, "asid_rollover_flushes") \
	X(VMID_FLUSH, "vmid_rollover_flushes")
	/* maintenance.cycles, the last of the block, is sim/cost.h's */

enum { WL_MAINT_X_START = -1,
#define X(id, name) WL_M_##id,
	WL_MAINT(X)
#undef X
	WL_M__COUNT };

struct sim_wl {
	const struct workload *w;       /* the caller's (borrowed), or @owned */
	struct workload *owned;         /* a single trace's (sim_create_spaces()) */
	bool traced;                    /* a single trace's run: one CPU, records only */
	bool s2only;                    /* run.mode = s2only (traced runs only) */
	uint64_t limit;                 /* [workload] accesses */
	uint64_t slice;
	bool native, vhe, tagging, kernel_global;
	struct sim_vm **vms;            /* [0] is the host */
	size_t nvms, vms_cap;
	struct sim_space *hyp;          /* without VHE: the EL2 regime's space */
	uint64_t hyp_base;
	struct wl_kstream hyp_stream;
	struct asid_alloc host_asids, vmids;
	bool have_vmids;
	struct sim_wcpu *cpu;
	struct sim_task *tasks;
	size_t ntasks;
	uint64_t ev[WL_E__COUNT];
	uint64_t maint[WL_M__COUNT];
	/* sums over CPUs and VMs, registered when there are several */
	uint64_t (*tlb_sum)[TLB_C__COUNT];
	uint64_t wc_s1_sum[WC_C__COUNT], wc_s2_sum[WC_C__COUNT], s2tlb_sum[TLB_C__COUNT];
	uint64_t ptc_sum[PTC_LEVELS_MAX][PTC_C__COUNT], ptc_mem_sum;
	uint64_t guest_asid_sum[ASID_C__COUNT];
};

/* ---- sim.c: construction and statistics ---- */

/* What every simulation needs before its CPUs and spaces: memory, the
 * histograms, the OS model (@workload: apply [policy] kernel_global to the
 * host kernel). */
int sim_alloc(struct sim **sp, const struct sim_config *cfg, unsigned ncpus, bool workload,
	      struct sim_error *err);
/* CPU @i with its TLBs and caches; @s2_granules: bit n set when some VM's
 * stage 2 uses the 2^n granule. */
int sim_build_cpu(struct sim *s, unsigned i, unsigned s2_granules, struct sim_error *err);
/* Register every counter (the workload's as absent blocks without one). */
int sim_register_stats(struct sim *s, struct sim_error *err);
/* Bring the sums over CPUs and VMs the registry reads up to date. */
void sim_sync_stats(struct sim *s);
/*
 * Make @cpu run @p under @asid and @vmid: the translation context of its
 * walks, and the regime, kind and lookup context of its TLB entries.
 * @el: the exception level of its accesses (0 user, 1 or 2 privileged).
 */
void sim_cpu_set_context(struct sim_cpu *cpu, struct os_proc *p, uint16_t asid, uint16_t vmid,
			 bool two_stage, uint8_t el);
enum os_map_policy sim_map_policy(enum cfg_blocks b);
/* The OS model's stage-1 configuration ([stage1]); a VM's ([stage2], its
 * stage 1, @huge_ppm for its stage-2 blocks). */
void sim_os_s1_cfg(const struct sim_config *c, struct os_s1_cfg *g);
void sim_os_vm_cfg(const struct sim_config *c, uint32_t huge_ppm, struct os_vm_cfg *v);

/* ---- replay.c: the per-access path ---- */

/* Replay recs[0..n) on @cpu; on failure *@failed_at is the record's index. */
int sim_cpu_replay(struct sim_cpu *cpu, const struct trace_rec *recs, size_t n, size_t *failed_at,
		   struct sim_error *err);

/* ---- fill.c: from walks to fills, and invalidations ---- */

/*
 * TLB entry attributes (struct tlb_entry.attrs): the MMU_PROT_* bits of the
 * translation, and SIM_ATTR_HW_DIRTY when a write they refuse is for the
 * PE to allow: a stage's leaf is writable-clean (DBM set, not writable)
 * and that stage manages dirty state in hardware (HA and HD), so the write
 * walks again and the walk sets the dirty state (Arm ARM D8.5.2).
 */
#define SIM_ATTR_PROT     0xffu
#define SIM_ATTR_HW_DIRTY 0x100u

/* The walk-cache and stage-2 TLB hooks of @cpu's walks. */
struct mmu_hooks sim_cpu_hooks(struct sim_cpu *cpu);
/* Fill @side's TLB path with the successful translation @res of @va. */
void sim_fill_tlbs(struct sim_cpu *cpu, enum tlb_side side, uint64_t va,
		   const struct mmu_result *res);
/* Apply a TLBI selection to every structure of @cpu; @last_level: leave
 * the walk caches alone. */
void sim_cpu_invalidate(struct sim_cpu *cpu, const struct tlb_match *m, bool last_level);

/* ---- fault.c: the faults the OS and the hypervisor resolve ---- */

/* A walk of @va for @acc faulted (@f): the handler's fix, its TLBIs; set
 * *@retry when the access is to be executed again, else count the fault
 * in walk_faults. */
int sim_walk_fault(struct sim_cpu *cpu, uint64_t va, struct mmu_access acc,
		   const struct mmu_fault *f, bool *retry, struct sim_error *err);
/* A TLB entry refused a write to @va: the OS's or hypervisor's fix if it
 * is a dirty-state fault (*@retry set), else nothing. */
int sim_write_refused(struct sim_cpu *cpu, uint64_t va, bool *retry, struct sim_error *err);

/* ---- virt.c: VMs, spaces, world switches, maintenance ---- */

/* The host, the hypervisor's space, the VMs and the workload's processes. */
int sim_virt_build(struct sim *s, const struct workload *wl, struct sim_error *err);
/* Free what sim_virt_build() made. */
void sim_virt_destroy(struct sim *s);
/* A TLBI performed on @cpu alone. */
void sim_maint_local(struct sim_cpu *cpu, const struct tlb_match *m, bool last_level);
/* A TLBI that must reach every CPU, issued by @issuer ([policy] tlbi_scope). */
void sim_maint_all(struct sim_cpu *issuer, const struct tlb_match *m, bool last_level);
/* The TLBI selection of @op from the context @cpu runs, ASID @asid. */
int sim_tlbi_from(struct sim_cpu *cpu, enum tlbi_op op, uint16_t asid, uint64_t addr,
		  struct tlb_match *m, struct sim_error *err);
struct sim_space *sim_space_find(const struct sim_vm *vm, uint32_t id);
/* The VM's own space @id, created on first use. */
int sim_space_get(struct sim *s, struct sim_vm *vm, uint32_t id, struct sim_space **out,
		  struct sim_error *err);
/* The VM numbered @id in records, created on first use. */
int sim_vm_get(struct sim *s, uint32_t id, struct sim_vm **out, struct sim_error *err);
/* A kernel or hypervisor access stream over @k's footprint from @base. */
int sim_kgen_create(const struct wl_kstream *k, uint64_t base, uint64_t seed, struct gen **g,
		    struct sim_error *err);
/* CPU @cpu's stream of @vm's kernel, created on first use. */
int sim_vm_kgen(struct sim *s, struct sim_vm *vm, unsigned cpu, struct gen **g,
		struct sim_error *err);
/* The context @cpu runs @sp in: its regime, ASID, VMID. */
void sim_enter_context(struct sim_cpu *cpu, struct sim_space *sp, uint8_t el);
/* A world switch of @cpu between a guest and the host, in either
 * direction; @vm is the guest entered, or NULL when leaving one. */
void sim_world_switch(struct sim_cpu *cpu, struct sim_vm *vm);
/* KVM's guest entry on @cpu: the VMID allocator (every entry), then the
 * world switch. */
int sim_guest_entry(struct sim_cpu *cpu, struct sim_vm *vm, struct sim_error *err);
/* Make @cpu run @sp (user context). */
int sim_switch_to(struct sim_cpu *cpu, struct sim_space *sp, struct sim_error *err);

/* ---- sched.c: CPUs, processes, handlers, control records ---- */

/* A control record in a workload run. */
int sim_wl_control(struct sim_cpu *cpu, const struct trace_rec *r, struct sim_error *err);
/* sim_step() of a workload run: each record on the CPU it names. */
int sim_wl_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err);
/* Free the workload model (NULL-safe: a single-trace run has none). */
void sim_wl_destroy(struct sim *s);

#endif /* MMUSIM_SIM_SIM_IMPL_H */
