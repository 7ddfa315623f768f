/*
 * mmu/walk.h - the VMSAv8-64 translation table walker (one stage).
 *
 * walk_stage() performs one stage of translation exactly as
 * AArch64.S1Walk/AArch64.S2Walk and their callers do for 64-bit
 * descriptors without LPA2 (Arm ARM D8.2-D8.5, J1.1): per-level descriptor
 * fetches, block legality, output-address size checks, hierarchical table
 * attributes, the access flag (fault, or a hardware update when HA is set),
 * hardware dirty state (HD + DBM), and permission checks.  It knows nothing
 * about where tables live, about TLBs or about time: every descriptor fetch
 * and every hardware update goes through the struct walk_io seam.  Stage 1
 * under stage 2 is composed in mmu/translate.c by a fetch function that runs
 * a stage-2 walk on each table address (P4 of the style guide); the walker
 * itself is the same code for both stages.
 *
 * Return convention: 0 translated, 1 architectural fault (see out->fault),
 * negative enum sim_err when the memory callback failed.
 */
#ifndef MMUSIM_MMU_WALK_H
#define MMUSIM_MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/types.h"

#define WALK_LEVELS 4           /* levels 0..3 (no LPA2 level -1) */

/*
 * Physical memory as the walker sees it: 64-bit little-endian words at
 * 8-byte-aligned physical addresses.  read returns 0 and the word (memory
 * that was never written reads as zero), or a negative enum sim_err.
 */
struct mmu_mem {
	int (*read)(void *ctx, uint64_t pa, uint64_t *val);
	int (*write)(void *ctx, uint64_t pa, uint64_t val);
	void *ctx;
};

/*
 * struct walk_params - one stage's decoded controls (from TCR_ELx/TTBRn_ELx
 * or VTCR_EL2/VTTBR_EL2 and the ID registers); see mmu/regime.h.
 */
struct walk_params {
	enum mmu_stage stage;
	enum mmu_regime regime;         /* stage 1: EL1&0, EL2&0 or EL2 */
	uint64_t table_base;            /* start table(s) address, aligned */
	uint8_t granule_shift;          /* 12, 14 or 16 */
	uint8_t ia_bits;                /* input-address size */
	int8_t start_level;
	uint8_t oa_bits;                /* effective output size: min((I)PS, PARange) */
	uint8_t pamax;                  /* implemented PA size (block legality) */
	bool lpa64k;                    /* 64K granule with 52-bit OA (FEAT_LPA) */
	bool ha, hd;                    /* hardware access flag / dirty state */
	bool hpd;                       /* hierarchical permissions disabled */
	bool wxn;                       /* SCTLR_ELx.WXN (stage 1) */
	bool ptw_device_fault;          /* stage 2: HCR_EL2.PTW */
	bool fwb;                       /* stage 2: HCR_EL2.FWB */
	/*
	 * A fault every walk with these parameters takes before reading any
	 * descriptor (level 0): TRANSLATION for an illegal TxSZ/SL0 or a
	 * disabled table walk (EPDn), ADDRESS_SIZE for a table base above the
	 * output size.  MMU_FAULT_NONE for a usable configuration.
	 */
	enum mmu_fault_type cfg_fault;
};

/* Where a walk may start other than the table base: a cached table
 * descriptor (a walk-cache hit) supplies the level-@level table. */
struct walk_start {
	int8_t level;
	uint64_t table;                 /* address of the level-@level table */
	uint8_t tattrs;                 /* accumulated table attributes above it */
};

/* Hierarchical attributes gathered from table descriptors (stage 1). */
#define WALK_TATTR_PXN  0x1             /* PXNTable */
#define WALK_TATTR_UXN  0x2             /* UXNTable / XNTable */
#define WALK_TATTR_AP0  0x4             /* APTable[0]: no EL0 access */
#define WALK_TATTR_AP1  0x8             /* APTable[1]: read-only */

/* Permission bits of a completed translation (a stage's or combined). */
#define MMU_PROT_EL0_R  0x01
#define MMU_PROT_EL0_W  0x02
#define MMU_PROT_EL0_X  0x04
#define MMU_PROT_EL1_R  0x08
#define MMU_PROT_EL1_W  0x10
#define MMU_PROT_EL1_X  0x20
#define MMU_PROT_ALL    0x3f

/* Does @prot allow @acc? */
static inline bool mmu_prot_allows(unsigned prot, struct mmu_access acc)
{
	unsigned shift = acc.el ? 3 : 0;

	return (prot >> shift) & (1u << acc.type);
}

/*
 * The descriptor-access seam.  fetch reads the descriptor at @addr (an IPA
 * when stage 1 runs under stage 2) for a level-@level lookup; update
 * replaces it with @val after a hardware AF/dirty change.  Both return 0,
 * 1 with *f filled (a stage-2 fault on the access, s1ptw set), or a
 * negative enum sim_err.
 */
struct walk_io {
	int (*fetch)(void *ctx, const struct walk_params *p, int level, uint64_t addr,
		     uint64_t *desc, struct mmu_fault *f);
	int (*update)(void *ctx, const struct walk_params *p, int level, uint64_t addr,
		      uint64_t val, struct mmu_fault *f);
	void *ctx;
};

struct walk_out {
	uint64_t oa;                    /* output address of the input address */
	uint64_t desc;                  /* the leaf descriptor (after any update) */
	uint64_t desc_addr;             /* where the leaf lives */
	int8_t level;                   /* leaf level */
	uint8_t shift;                  /* log2 of the page/block size mapped */
	uint8_t prot;                   /* MMU_PROT_* this stage grants */
	uint8_t tattrs;                 /* table attributes applied to the leaf */
	bool updated;                   /* hardware changed the leaf (AF/dirty) */
	uint8_t reads;                  /* descriptors this stage fetched */
	/* table[L]: address of the level-L table used (for walk caches);
	 * tattrs_at[L]: table attributes accumulated above level L. */
	uint64_t table[WALK_LEVELS];
	uint8_t tattrs_at[WALK_LEVELS];
	struct mmu_fault fault;
};

/*
 * walk_stage() - translate @ia through one stage.
 * @p:     decoded controls; p->cfg_fault short-circuits to a level-0 fault
 * @ia:    input address (VA or IPA); bits above p->ia_bits must already be
 *         checked by the caller (VA range, TBI), or are checked here for
 *         stage 2 (IPA out of range: level-0 Translation fault)
 * @acc:   the access checked against the leaf's permissions
 * @start: NULL, or a walk-cache hit to start from
 * @io:    descriptor fetch and update functions
 * @out:   result; out->fault.type is MMU_FAULT_NONE on success
 *
 * Fault priority follows Arm ARM D8.15.5: per level, a fault on the fetch,
 * then Translation (invalid, reserved, or a block where none is allowed),
 * then Address size; after the leaf, Access flag, then Permission, then a
 * fault raised while writing back a hardware update.
 */
int walk_stage(const struct walk_params *p, uint64_t ia, struct mmu_access acc,
	       const struct walk_start *start, const struct walk_io *io,
	       struct walk_out *out);

/* Permission bits a leaf grants at stage 1 (two-privilege or not) and at
 * stage 2, after table attributes; exported for tests and the TLB glue. */
unsigned walk_s1_prot(const struct walk_params *p, uint64_t desc, unsigned tattrs);
unsigned walk_s2_prot(uint64_t desc);

#endif /* MMUSIM_MMU_WALK_H */
