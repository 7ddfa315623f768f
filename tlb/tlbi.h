/*
 * tlb/tlbi.h - TLB maintenance: each TLBI operation as a struct tlb_match.
 *
 * What is modelled (Arm ARM D8.17.5-D8.17.6, the architectural minimum; nothing more
 * is removed):
 *  - VMALLE1: the target regime's stage-1 entries (leaf, combined and
 *    walk-cache) of the current VMID, every ASID and global.
 *  - VMALLS12E1: as VMALLE1 in EL1&0, plus stage-2-only leaf and walk-cache
 *    entries of the current VMID.
 *  - ALLE1: every EL1&0 entry of every VMID, both stages.
 *  - ASIDE1: non-global stage-1 entries of the ASID in the current VMID,
 *    leaves and walk-cache entries alike (walk-cache entries are non-global
 *    by definition); global leaves are never removed.  The Arm text is
 *    ambiguous about walk caches here; removing them is the reading that
 *    over-invalidation permits, so it is the safe one.
 *  - VAE1 / VALE1: entries covering the VA, of the ASID or global, current
 *    VMID, stage 1; VALE1 (last level) leaves walk-cache entries alone.
 *    Walk-cache entries are non-global, so only those of the ASID go.
 *  - VAAE1 / VAALE1: as VAE1 / VALE1 for every ASID.
 *  - IPAS2E1 / IPAS2LE1: stage-2-only entries covering the IPA in the
 *    current VMID; combined stage-1+2 entries are NOT removed (the
 *    architecture does not require it; software follows with VMALLE1).
 *    The L form leaves stage-2 walk-cache entries alone.  With EL2 disabled
 *    the instruction is a NOP: the caller simply does not issue it.
 *  - ALLE2, VAE2, VALE2: the EL2 regime (E2H = 0: no ASIDs, every entry
 *    global) or the EL2&0 regime (E2H = 1: by ASID or global, for the VA
 *    forms).
 *  - VMALLE1, ASIDE1 and the VA*E1 forms target EL2&0 instead of EL1&0 when
 *    HCR_EL2.{E2H,TGE} = {1,1}; tlbi_target_regime() computes that.
 *  - VA operations select every entry whose page (or table region) covers
 *    the address, whatever its size, so all pieces of a splintered block go.
 *  - The Inner Shareable forms are the same selection applied by the caller
 *    to every PE's TLBs (TLBI_F_IS); nothing here depends on it.
 * The selection applies unchanged to TLBs (tlb_invalidate(),
 * tlb_hier_invalidate()) and walk caches (wc_invalidate()).
 */
#ifndef MMUSIM_TLB_TLBI_H
#define MMUSIM_TLB_TLBI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/types.h"
#include "tlb/tlb_key.h"

/* The issuing context and the operand of one TLBI. */
struct tlbi_args {
	enum mmu_regime regime; /* target regime: tlbi_target_regime() */
	uint16_t vmid;          /* VTTBR_EL2.VMID of the issuing PE */
	uint16_t asid;          /* operand ASID (ASIDE1, VAE1, VALE1, VA(L)E2 in EL2&0) */
	uint64_t addr;          /* operand VA or IPA, a full address */
};

/* One constructor per operation. @regime: EL10 or EL20 (E1 forms). */
void tlbi_match_vmalle1(struct tlb_match *m, enum mmu_regime regime,
			uint16_t vmid);
void tlbi_match_vmalls12e1(struct tlb_match *m, uint16_t vmid);
void tlbi_match_alle1(struct tlb_match *m);
void tlbi_match_aside1(struct tlb_match *m, enum mmu_regime regime,
		       uint16_t vmid, uint16_t asid);
void tlbi_match_vae1(struct tlb_match *m, enum mmu_regime regime,
		     uint16_t vmid, uint16_t asid, uint64_t va);
void tlbi_match_vale1(struct tlb_match *m, enum mmu_regime regime,
		      uint16_t vmid, uint16_t asid, uint64_t va);
void tlbi_match_vaae1(struct tlb_match *m, enum mmu_regime regime,
		      uint16_t vmid, uint64_t va);
void tlbi_match_vaale1(struct tlb_match *m, enum mmu_regime regime,
		       uint16_t vmid, uint64_t va);
void tlbi_match_ipas2e1(struct tlb_match *m, uint16_t vmid, uint64_t ipa);
void tlbi_match_ipas2le1(struct tlb_match *m, uint16_t vmid, uint64_t ipa);
/* @regime: EL2 (E2H = 0) or EL20 (E2H = 1); @asid is used in EL20 only. */
void tlbi_match_alle2(struct tlb_match *m, enum mmu_regime regime);
void tlbi_match_vae2(struct tlb_match *m, enum mmu_regime regime,
		     uint16_t asid, uint64_t va);
void tlbi_match_vale2(struct tlb_match *m, enum mmu_regime regime,
		      uint16_t asid, uint64_t va);

/**
 * tlbi_match() - the selection of any operation.
 * @op: the operation
 * @a: issuing context and operand
 * @m: filled in
 * @err: filled on failure
 *
 * Return: 0, or SIM_E_INVAL for an unknown @op or a regime the operation
 * cannot target (E1 forms: EL10 or EL20, where VMALLS12E1, ALLE1 and the
 * IPAS2 forms accept EL10 only; E2 forms: EL2 or EL20).
 */
int tlbi_match(enum tlbi_op op, const struct tlbi_args *a,
	       struct tlb_match *m, struct sim_error *err);

/**
 * tlbi_target_regime() - the regime an operation acts on.
 * @op: the operation
 * @e2h: HCR_EL2.E2H
 * @tge: HCR_EL2.TGE
 */
enum mmu_regime tlbi_target_regime(enum tlbi_op op, bool e2h, bool tge);

/* tlbi_is_last_level() - true for the forms that leave walk caches alone. */
bool tlbi_is_last_level(enum tlbi_op op);

/**
 * tlbi_decode_xt() - the operand of the register form.
 * @op: the operation
 * @xt: the Xt register value
 * @asid: Xt[63:48] for the forms that take an ASID, else 0
 * @addr: VA = Xt[43:0] << 12 with VA[63:56] = VA[55] for the VA forms;
 *        IPA = Xt[39:0] << 12 for IPAS2*; else 0
 *
 * The TTL hint (Xt[47:44]) is ignored: the model invalidates as if it were 0.
 */
void tlbi_decode_xt(enum tlbi_op op, uint64_t xt, uint16_t *asid,
		    uint64_t *addr);

#endif /* MMUSIM_TLB_TLBI_H */
