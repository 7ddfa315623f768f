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
};

struct os_cfg {
	unsigned pa_bits;               /* implemented PA size (PAMax); 0: 48 */
	uint64_t ram_base;              /* first host frame handed out */
	uint64_t seed;                  /* of the huge-page hash (os_vm_cfg) */
	struct os_s1_cfg host;          /* host kernel and native processes */
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
	/* Fraction (0..1) of the VM's memory the host backs with huge pages:
	 * a stage-2 block is placed only over an aligned IPA region that the
	 * seeded hash of (os_cfg seed, VM, region) selects with this
	 * probability. */
	double huge_fraction;
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
	X(SPLINTERED, "splintered")

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
 * only the smaller size: "splintered").
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
 * Stage 1: pages or blocks per the process's policy, user mappings EL0
 * read/write, non-global, PXN; kernel mappings EL1 only, UXN, global
 * unless kernel_ng.  Stage 2: read/write Normal memory, a block only where
 * the level exists for the geometry, the VM's policy allows it and the
 * region is huge-backed.  A region already split into smaller mappings is
 * never turned into a block.  The mapping a fault creates is young (AF
 * set) at both stages, as Linux and KVM map a faulting page.
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
 * os_proc_s1_params() - walk parameters of the stage-1 half that
 * translates @va (TTBR0 or, by VA bit 55 in two-range regimes, TTBR1).
 * table_base is an IPA in a VM.  HA from the space's hw_af; HD, HPD, WXN
 * off.
 *
 * Return: 0, or SIM_E_INVAL for a VA in neither range or a process
 * without stage 1.
 */
int os_proc_s1_params(const struct os_proc *p, uint64_t va, struct walk_params *wp,
		      struct sim_error *err);

/** os_vm_s2_params() - the VM's stage-2 walk parameters (HA from
 * s2_hw_af); SIM_E_INVAL for the host. */
int os_vm_s2_params(const struct os_vm *vm, struct walk_params *wp, struct sim_error *err);

/**
 * os_proc_mmu_ctx() - a struct mmu_ctx for mmu_translate() that runs @p:
 * both stage-1 halves (the TTBR1 half faults at level 0 in the EL2 regime,
 * which has none), stage 2 for VMs, @asid and @vmid in force.
 */
void os_proc_mmu_ctx(const struct os_proc *p, uint16_t asid, uint16_t vmid,
		     struct mmu_ctx *c);

#endif /* MMUSIM_WORKLOADS_OS_H */
