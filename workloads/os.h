/*
 * workloads/os.h - a guest-OS and hypervisor model that builds page tables
 * on demand, as the software above the MMU would.
 *
 * Objects:
 *  - struct os: the machine: one host-physical frame allocator shared by
 *    everything, the host's own address spaces, and the VMs.
 *  - struct os_vm: a (guest-)physical address space with its own frame
 *    allocator and a kernel half (TTBR1 tables) shared by its processes.
 *    VM 0 is the host, whose "guest-physical" space is the physical one and
 *    which has no stage 2; VMs 1.. have stage-2 tables with their own
 *    granule, IPA size and start level, and may run with stage 1 off
 *    (stage-2 only: the addresses touched are IPAs).
 *  - struct os_proc: a process (TTBR0 tables) in a VM or on the host, or the
 *    EL2 (hypervisor) regime's single address space on the host.
 *
 * os_touch() models the page-fault path: on the first touch of an unmapped
 * VA the OS maps a page or a block in stage 1 from the space's frames; then
 * the hypervisor maps the resulting IPA in stage 2 from host frames (and it
 * maps every page of every guest stage-1 table when the guest allocates it,
 * so walks of guest tables translate).  What exists afterwards is ordinary
 * descriptors in struct pmem, walkable by walk_stage()/mmu_translate().
 */
#ifndef MMUSIM_WORKLOADS_OS_H
#define MMUSIM_WORKLOADS_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/pgtable.h"
#include "mmu/pmem.h"
#include "mmu/regime.h"
#include "mmu/walk.h"
#include "sim/err.h"
#include "sim/types.h"

/* Mapping-size policy of one stage. */
enum os_map_policy {
	OS_MAP_DEFAULT = 0,     /* inherit: a process its space's; a space pages */
	OS_MAP_PAGES,           /* base pages only */
	OS_MAP_L2,              /* the granule's level-2 block (2M/32M/512M) */
	OS_MAP_L1,              /* level-1 blocks where geom_block_allowed()
				 * (4K 1G; 64K 4T with 52-bit PA), else level 2 */
};

/* Contiguous mappings an OS or hypervisor makes (OR of the bits): runs of
 * last-level pages, and of level-2 blocks, each group mapped with the
 * Contiguous bit where its frames allow. */
#define OS_CONT_LAST  1u
#define OS_CONT_BLOCK 2u

/* A stage-1 configuration (host or guest OS).  Zero fields take defaults. */
struct os_s1_cfg {
	unsigned granule_shift;         /* 0: 12 */
	unsigned va_bits;               /* per half; 0: 48 */
	enum os_map_policy policy;
	bool kernel_ng;                 /* kernel half non-global (KPTI-like,
					 * or the pre-VMID sharing problem) */
	unsigned oa_bits;               /* a guest's TCR_EL1.IPS: its RAM and its
					 * stage-1 output addresses lie below
					 * 2^min(oa_bits, IPA size); 0: the IPA
					 * size.  The host's is os_cfg.pa_bits */
	bool hw_af;                     /* the CPU manages the access flag and
					 * the OS enables it: TCR_ELx.HA = 1 */
	uint64_t fault_around;          /* bytes of Linux's fault-around window
					 * (fault_around_bytes), a power of two
					 * within one last-level table; at most
					 * one page (or 0): none */
	bool hw_dirty;                  /* TCR_ELx.HD: the CPU manages dirty
					 * state (used with hw_af only) */
	bool map_dirty;                 /* no dirty tracking: user pages are
					 * writable and dirty from their first
					 * touch */
	unsigned contiguous;            /* OS_CONT_* */
	/* The space's free memory: with frag, a share huge_fraction (0..1) of
	 * it lies in free runs, so a block or a contiguous group finds its
	 * frames with that probability, and single pages come from fragmented
	 * memory; without frag every request finds them and pages pack. */
	bool frag;
	double huge_fraction;
	/* Share 0..1 of the walks of an already mapped user page that find it
	 * old: reclaim's aging cleared its access flag since it was last
	 * walked. */
	double old_share;
};

struct os_cfg {
	unsigned pa_bits;               /* implemented PA size (PAMax); 0: 48 */
	uint64_t ram_base;              /* first host frame handed out */
	uint64_t seed;                  /* of every seeded choice */
	struct os_s1_cfg host;          /* host kernel and native processes */
	/* The host's physical memory as stage 2 sees it: single pages from
	 * fragmented memory (host_frag), in units of host_granule_shift (0:
	 * the host's stage-1 granule), free runs of that granule's level-2
	 * block.  Without VMs the host's own host.frag decides. */
	bool host_frag;
	unsigned host_granule_shift;
};

struct os_vm_cfg {
	unsigned s2_granule_shift;      /* 0: 12 */
	unsigned ipa_bits;              /* 0: 40 */
	bool s2_start_forced;           /* else geom_s2_default_start_level() */
	int s2_start_level;
	enum os_map_policy s2_policy;
	bool s2_only;                   /* guest stage 1 off: touches are IPAs */
	bool s2_hw_af;                  /* VTCR_EL2.HA (KVM sets it wherever the
					 * CPU has the feature) */
	uint64_t ipa_base;              /* first guest frame handed out */
	/* Share (0..1) of the host's free memory in free runs, as this VM's
	 * stage-2 mappings see it: a stage-2 block or contiguous group finds
	 * its host frames with this probability, else the hypervisor maps
	 * smaller. */
	double huge_fraction;
	bool s2_hw_dirty;               /* VTCR_EL2.HD (used with s2_hw_af) */
	bool s2_dirty_log;              /* the hypervisor tracks the pages the
					 * guest writes (KVM's dirty logging):
					 * stage 2 in pages, written first */
	unsigned s2_contiguous;         /* OS_CONT_* at stage 2 */
	double s2_old_share;            /* as os_s1_cfg.old_share, at stage 2 */
	struct os_s1_cfg guest;         /* the guest OS's stage 1 */
};

struct os_proc_cfg {
	enum mmu_regime regime;         /* EL1&0 (default), EL2&0, or EL2 (host only) */
	unsigned va_bits;               /* TTBR0 VA size; 0: the space's.  For
					 * EL2, a larger size than the kernel's
					 * adds the idmap's extra level */
	enum os_map_policy policy;      /* 0: the space's */
};

#define OS_COUNTERS(X) \
	X(TOUCHES, "touches") \
	X(S1_FAULTS, "s1_faults") \
	X(S2_FAULTS, "s2_faults") \
	X(S1_PAGES, "s1_pages") \
	X(S1_BLOCKS_L1, "s1_blocks_l1") \
	X(S1_BLOCKS_L2, "s1_blocks_l2") \
	X(S1_FAULT_AROUND, "s1_fault_around") \
	X(S2_PAGES, "s2_pages") \
	X(S2_BLOCKS_L1, "s2_blocks_l1") \
	X(S2_BLOCKS_L2, "s2_blocks_l2") \
	X(S1_TABLES, "s1_tables") \
	X(S2_TABLES, "s2_tables") \
	X(SPLINTERED, "splintered") \
	X(S1_CONT, "s1_contiguous_groups") \
	X(S2_CONT, "s2_contiguous_groups") \
	X(S1_NO_RUN, "s1_no_free_run") \
	X(S2_NO_RUN, "s2_no_free_run") \
	X(S1_AGED, "s1_aged") \
	X(S2_AGED, "s2_aged") \
	X(S1_AF_FAULTS, "s1_af_faults") \
	X(S1_DIRTY_FAULTS, "s1_dirty_faults") \
	X(S2_AF_FAULTS, "s2_af_faults") \
	X(S2_DIRTY_FAULTS, "s2_dirty_faults")

enum os_counter {
#define X(id, name) OS_C_##id,
	OS_COUNTERS(X)
#undef X
	OS_C__COUNT
};

/*
 * Counters: touches; first touches that created a stage-1 / stage-2
 * mapping; leaves created per stage and level; the stage-1 pages among
 * them that fault-around mapped besides the faulting page; granule-sized
 * table pages
 * allocated per stage (start tables included); stage-1 blocks created
 * over a smaller stage-2 mapping of the touched IPA (a TLB can then cache
 * only the smaller size: "splintered"); groups mapped with the Contiguous
 * bit per stage (their leaves count as pages or blocks too); block or
 * group requests that found no free run (the mapping fell back to a
 * smaller size); leaves aging made old; and the faults the OS (stage 1)
 * and the hypervisor (stage 2) took and fixed: access-flag faults (an old
 * page without hardware AF management) and dirty-state faults (the first
 * write to a writable-clean page without hardware dirty management).
 */
struct os_stats {
	uint64_t c[OS_C__COUNT];
};

extern const char *const os_counter_names[OS_C__COUNT];

#define OS_RMEMO 64             /* guest-table IPA->PA memo entries */

struct os;

struct os_vm {
	struct os *os;
	uint32_t id;                    /* 0: the host */
	bool is_host;
	struct os_vm_cfg cfg;           /* defaults resolved */
	struct pmem_falloc mem;         /* the space's frames (host: physical) */
	struct pgt kernel;              /* TTBR1 tables (not with s2_only) */
	struct pgt s2;                  /* VMs only */
	struct {
		uint64_t tag;           /* IPA page + 1; 0 = empty */
		uint64_t pa_page;
	} rmemo[OS_RMEMO];
};

struct os_proc {
	struct os *os;
	uint32_t id;                    /* sequential, independent of ASIDs */
	struct os_vm *vm;
	enum mmu_regime regime;
	enum os_map_policy policy;      /* resolved */
	bool has_s1;                    /* false in stage-2-only VMs */
	struct pgt user;                /* TTBR0 tables */
};

struct os {
	struct os_cfg cfg;              /* defaults resolved */
	struct pmem *pm;
	struct os_vm *host;             /* == vms[0] */
	struct os_vm **vms;
	size_t nvms, vms_cap;
	struct os_proc **procs;
	size_t nprocs, procs_cap;
	struct os_stats st;
};

/* What one os_touch() did. */
struct os_touch {
	bool s1_new, s2_new;            /* this touch created the mapping */
	bool splintered;                /* s1_new block over a smaller stage 2 */
	uint64_t ipa;                   /* stage-1 output (the VA when s2-only) */
	uint64_t pa;                    /* final output */
	int8_t s1_level, s2_level;      /* leaf levels; -1 for an absent stage */
	uint8_t s1_shift, s2_shift;     /* leaf sizes (log2) */
};

/**
 * os_init() - a machine with only the host: its frame allocator over
 * [ram_base, 2^pa_bits) and its kernel half.
 * @pm: where every table is written; must outlive @os
 *
 * Return: 0, SIM_E_CONFIG for a bad configuration, SIM_E_NOMEM.
 */
int os_init(struct os *os, const struct os_cfg *cfg, struct pmem *pm, struct sim_error *err);

/** os_destroy() - free the VMs and processes (pmem contents stay). */
void os_destroy(struct os *os);

/**
 * os_vm_create() - a VM with empty stage-2 tables and (unless s2_only) an
 * empty guest kernel half.  Its id is the number of VMs created before it
 * plus one.
 *
 * Return: 0 with *@vmp set, SIM_E_CONFIG, SIM_E_NOMEM.
 */
int os_vm_create(struct os *os, const struct os_vm_cfg *cfg, struct os_vm **vmp,
		 struct sim_error *err);

/**
 * os_proc_create() - a process with empty TTBR0 tables in @vm (NULL: the
 * host).  MMU_REGIME_EL2 is the host's hypervisor address space: one VA
 * range, global mappings, AP[1] set as RES1.
 *
 * Return: 0 with *@pp set, SIM_E_CONFIG, SIM_E_NOMEM.
 */
int os_proc_create(struct os *os, struct os_vm *vm, const struct os_proc_cfg *cfg,
		   struct os_proc **pp, struct sim_error *err);

/**
 * os_fault() - make @va of @p translate for an access of @type, mapping
 * whatever is missing, as the OS's and the hypervisor's fault handlers
 * would.  os_touch() below, for an access of @type; in addition, a first
 * instruction fetch from the TTBR0 half of a two-range process that maps a
 * page is a read fault on file-backed text, and the OS maps the rest of its
 * fault-around window (struct os_s1_cfg.fault_around) too: the pages not
 * mapped yet, old (AF clear) when hw_af is set, young otherwise, as Linux
 * does.  Data accesses fault anonymous memory, one page or block at a time.
 *
 * Return: as os_touch().
 */
int os_fault(struct os *os, struct os_proc *p, uint64_t va, enum mmu_acc_type type,
	     struct os_touch *out, struct sim_error *err);

/**
 * os_touch() - make @va of @p translate, mapping whatever is missing (a
 * data read; see os_fault()).
 * @va: a TTBR0 VA (bits above va_bits clear), a TTBR1 VA (bits above the
 *      kernel's va_bits set; two-range regimes), or an IPA in a stage-2-only
 *      VM
 * @out: what was found or created (may be NULL)
 *
 * Stage 1: per the process's policy, the largest of a level-1 block, a
 * contiguous group of level-2 blocks, a level-2 block, a contiguous group
 * of pages and a page that is allowed and whose aligned region is still
 * wholly unmapped, and (but for the page) for which the space's allocator
 * finds a free run; user mappings EL0 read/write, non-global, PXN; kernel
 * mappings EL1 only, UXN, global unless kernel_ng.  Stage 2: Normal
 * memory, the same sizes by the VM's policy, the geometry and the host's
 * free runs (struct os_vm_cfg.huge_fraction).  A group is mapped whole, its
 * leaves alike but for their frames, with the Contiguous bit: as Linux's
 * contpte maps a large folio, as hugetlb maps CONT_PTE/CONT_PMD pages.  A
 * region already split into smaller mappings is never mapped larger.
 *
 * The mapping a fault creates is young (AF set) at both stages, as Linux
 * and KVM map a faulting page.  Dirty state: a user page first read or
 * fetched is writable-clean (DBM set, AP[2] = 1), one first written is
 * dirty (DBM set, AP[2] = 0), unless map_dirty (then writable, no DBM);
 * kernel, EL2 and guest-table pages are writable.  Stage 2 tracks dirty
 * state only with s2_dirty_log: then pages only, writable-clean (DBM set,
 * S2AP[1] = 0) when first read and dirty when first written; otherwise
 * writable, as KVM maps a fault.
 *
 * Return: 0; SIM_E_INVAL for an address outside the ranges; SIM_E_NOMEM
 * when a frame allocator is exhausted; memory errors.
 */
int os_touch(struct os *os, struct os_proc *p, uint64_t va, struct os_touch *out,
	     struct sim_error *err);

/** os_touch_ipa() - the stage-2 half of os_touch() for @ipa of VM @vm. */
int os_touch_ipa(struct os *os, struct os_vm *vm, uint64_t ipa, struct os_touch *out,
		 struct sim_error *err);

/**
 * os_age() - reclaim's aging, seen when @va of @p is walked again: with
 * probability old_share per stage (a seeded hash of the page and of the
 * touch count), the OS clears the access flag of the stage-1 leaf of a
 * user page, and the hypervisor that of the stage-2 leaf of its IPA (the
 * whole contiguous group, as Linux's contpte does), unless @t says this
 * very touch created that mapping.  No TLB is invalidated, as when
 * Linux's multi-gen LRU clears the flag with ptep_test_and_clear_young()
 * and KVM's clear_young MMU notifier ages stage 2, so a translation still
 * cached (in a TLB or the stage-2 TLB) stays usable until it is dropped.
 * @t: what os_fault() found for this access
 *
 * Return: 0 or a memory error.
 */
int os_age(struct os *os, struct os_proc *p, uint64_t va, const struct os_touch *t,
	   struct sim_error *err);

/* What a fault handler of the OS or the hypervisor fixed. */
enum os_fix_kind {
	OS_FIX_NONE = 0,                /* not a fault they resolve */
	OS_FIX_S1_AF,                   /* stage-1 access flag */
	OS_FIX_S1_DIRTY,                /* first write to a writable-clean page */
	OS_FIX_S2_AF,
	OS_FIX_S2_DIRTY,
};

struct os_fix {
	enum os_fix_kind kind;
	bool tlbi;                      /* a translation the TLBs may hold was
					 * made more permissive: the handler
					 * invalidates it (stage 1: by VA,
					 * Linux's flush_tlb_page(); stage 2: by
					 * IPA plus all of the VM's stage 1,
					 * KVM's __kvm_tlb_flush_vmid_ipa_nsh()) */
	uint64_t addr;                  /* first VA (stage 1) or IPA (stage 2)
					 * of the leaves changed */
	uint8_t shift;                  /* their size */
	unsigned n;                     /* how many: a contiguous group whole */
};

/**
 * os_fix_fault() - the OS's or the hypervisor's handler for a fault that
 * a walk of @va of @p for @type took (@f): an access-flag fault sets AF
 * (and, on a write to a writable-clean page at stage 1, makes it dirty in
 * the same fault, as Linux's handle_pte_fault() does); a permission fault
 * of a write to a writable-clean (DBM set) leaf makes it dirty.  Anything
 * else is left alone (out->kind OS_FIX_NONE).  Counts what it fixed.
 *
 * Return: 0 or a memory error.
 */
int os_fix_fault(struct os *os, struct os_proc *p, uint64_t va, enum mmu_acc_type type,
		 const struct mmu_fault *f, struct os_fix *out, struct sim_error *err);

/**
 * os_fix_write() - the permission fault of a write that a TLB entry
 * refused, without a walk: the stage-1 leaf of @va if it is writable-clean,
 * else the stage-2 leaf of its IPA if that is; OS_FIX_NONE otherwise.
 *
 * Return: 0 or a memory error.
 */
int os_fix_write(struct os *os, struct os_proc *p, uint64_t va, struct os_fix *out,
		 struct sim_error *err);

/**
 * os_cont_entries() - the entries of a contiguous group at @level with the
 * 2^@granule_shift granule (Arm ARM D8.7.1, the Contiguous bit): 4K 16 at
 * levels 1..3; 16K 32 at level 2, 128 at level 3; 64K 32 at levels 2 and
 * 3; 0 where the bit is RES0 or no block exists.
 */
unsigned os_cont_entries(unsigned granule_shift, int level);

/**
 * os_proc_s1_params() - walk parameters of the stage-1 half that
 * translates @va (TTBR0 or, by VA bit 55 in two-range regimes, TTBR1).
 * table_base is an IPA in a VM.  HA from the space's hw_af, HD from its
 * hw_dirty; HPD, WXN off.
 *
 * Return: 0, or SIM_E_INVAL for a VA in neither range or a process
 * without stage 1.
 */
int os_proc_s1_params(const struct os_proc *p, uint64_t va, struct walk_params *wp,
		      struct sim_error *err);

/** os_vm_s2_params() - the VM's stage-2 walk parameters (HA from
 * s2_hw_af, HD from s2_hw_dirty); SIM_E_INVAL for the host. */
int os_vm_s2_params(const struct os_vm *vm, struct walk_params *wp, struct sim_error *err);

/**
 * os_proc_mmu_ctx() - a struct mmu_ctx for mmu_translate() that runs @p:
 * both stage-1 halves (the TTBR1 half faults at level 0 in the EL2 regime,
 * which has none), stage 2 for VMs, @asid and @vmid in force.
 */
void os_proc_mmu_ctx(const struct os_proc *p, uint16_t asid, uint16_t vmid,
		     struct mmu_ctx *c);

#endif /* MMUSIM_WORKLOADS_OS_H */
