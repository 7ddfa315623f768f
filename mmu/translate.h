/*
 * mmu/translate.h - complete translations: stage 1, stage 2, or both.
 *
 * mmu_translate() answers one request the way an AT instruction does
 * (Arm ARM D8.15.2): the stage-1 walk of the selected TTBR half, every
 * stage-1 table address translated by stage 2 first when stage 2 is on
 * (the nested walk), and then, for a two-stage request, the stage-2 walk of
 * the output IPA.  It records every memory reference in order, so the cost
 * of a walk can be charged reference by reference: with nothing cached an
 * n-level stage 1 over an m-level stage 2 makes (n+1)(m+1)-1 reads.
 */
#ifndef MMUSIM_MMU_TRANSLATE_H
#define MMUSIM_MMU_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/regime.h"
#include "mmu/walk.h"

/* For a stage-2 reference, the stage-1 step it serves. */
#define MMU_REF_FOR_NONE  (-1)          /* a stage-1 reference */
#define MMU_REF_FOR_FINAL 4             /* translating the output IPA */

struct mmu_ref {
	uint64_t pa;                    /* physical address of the descriptor */
	uint8_t stage;                  /* 1 or 2 */
	int8_t level;                   /* lookup level of that stage */
	int8_t for_s1;                  /* stage-2 refs: stage-1 level served, or MMU_REF_FOR_FINAL */
	bool write;                     /* a hardware AF/dirty update */
};

/* Worst case: 24 reads, plus re-translations and writes for updates. */
#define MMU_MAX_REFS 64

struct mmu_refs {
	unsigned n;
	struct mmu_ref ref[MMU_MAX_REFS];
};

struct mmu_result {
	uint64_t oa;                    /* IPA for stage-1 requests, else PA */
	uint64_t ipa;                   /* the stage-1 output */
	struct mmu_fault fault;         /* type MMU_FAULT_NONE on success */
	struct walk_out s1;             /* the stage-1 walk (valid if s1_walked) */
	struct walk_out s2;             /* the stage-2 walk of the output IPA */
	bool s1_walked, s2_walked;
	bool global;                    /* stage-1 leaf nG == 0 */
	uint16_t asid, vmid;
	uint8_t shift;                  /* log2 size of the combined mapping */
	uint8_t prot;                   /* MMU_PROT_* of the combined mapping */
	unsigned s1_reads;              /* stage-1 descriptor reads */
	unsigned s2_reads;              /* stage-2 descriptor reads, all purposes */
	unsigned writes;                /* hardware updates written back */
	unsigned s1_saved;              /* stage-1 reads the walk caches supplied */
	unsigned s2_saved;              /* stage-2 reads the walk caches and stage-2 TLB supplied */
};

/*
 * Translation caches a walk may use, supplied by the simulator (mmu/ knows
 * nothing of their organisation).  Any hook may be NULL.
 *
 * s2_lookup: an IPA->PA entry covering @ipa (a stage-2 TLB); on a hit fill
 *            @out with the translation of @ipa (oa, desc, level, shift,
 *            prot) and return true.  A hit whose permissions do not allow
 *            the access is ignored and the walk made, so faults are never
 *            served from a cache.
 * s2_fill:   a successful stage-2 walk of @ipa, to be cached.
 * wc_lookup: the deepest cached table descriptor on @p's walk of @ia; fill
 *            @st (level of the table it points to, its address, the table
 *            attributes above it) and return true.
 * wc_fill:   a successful walk of @ia on @p whose reads began at level
 *            @from: out->table[L] for L in (from, out->level] are the
 *            tables it found.
 */
struct mmu_hooks {
	bool (*s2_lookup)(void *ctx, uint64_t ipa, struct walk_out *out);
	void (*s2_fill)(void *ctx, uint64_t ipa, const struct walk_out *out);
	bool (*wc_lookup)(void *ctx, const struct walk_params *p, uint64_t ia,
			  struct walk_start *st);
	void (*wc_fill)(void *ctx, const struct walk_params *p, uint64_t ia,
			const struct walk_out *out, int from);
	void *ctx;
};

/*
 * mmu_translate() - translate @va for @acc in context @c.
 * @two_stage: true for S12E* requests (stage 2 applied when HCR_EL2.VM),
 *             false for S1E* requests (the result is the IPA)
 * @mem:  physical memory; hardware updates are written through it
 * @refs: NULL, or where to record every memory reference in order
 *
 * Returns 0 (translated), 1 (fault in res->fault), or a negative
 * enum sim_err from the memory callbacks.  With ptw set in the fault,
 * fault.level is the level of the stage-1 descriptor whose fetch faulted
 * (the PAR_EL1 view) and fault.s2_level the stage-2 level (the ESR view).
 */
int mmu_translate(const struct mmu_ctx *c, const struct mmu_mem *mem, uint64_t va,
		  struct mmu_access acc, bool two_stage, struct mmu_result *res,
		  struct mmu_refs *refs);

/* mmu_translate() with translation caches: the walk starts from the
 * deepest cached level of each stage and stage-2 translations may come from
 * a stage-2 TLB; res->s1_saved/s2_saved count the reads they supplied. */
int mmu_translate_cached(const struct mmu_ctx *c, const struct mmu_mem *mem,
			 const struct mmu_hooks *hooks, uint64_t va, struct mmu_access acc,
			 bool two_stage, struct mmu_result *res, struct mmu_refs *refs);

#endif /* MMUSIM_MMU_TRANSLATE_H */
