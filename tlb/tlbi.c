/*
 * tlb/tlbi.c - TLBI operations as tlb_match selections (see tlb/tlbi.h).
 *
 * Each constructor composes the same few clauses: the target regime and
 * its VMID, which stages (the KIND_S2 bit: 0 = stage-1 and combined
 * entries, 1 = stage-2-only entries; not compared = both), the ASID
 * (global entries ignore it inside the predicate), non-global only
 * (ASIDE1), last level only (the table bit must be 0) and the address.
 */
#include "tlb/tlbi.h"

#include "sim/bits.h"

/* Start a selection: valid entries of one regime (and its VMID). */
static void sel_regime(struct tlb_match *m, enum mmu_regime regime,
		       uint16_t vmid)
{
	if (regime != MMU_REGIME_EL10)
		vmid = 0;               /* not tagged: entries store 0 */
	m->tag = TLB_TAG_VALID | FIELD_PREP(TLB_TAG_REGIME, regime) |
		FIELD_PREP(TLB_TAG_VMID, vmid);
	m->tag_mask = TLB_TAG_VALID | TLB_TAG_REGIME | TLB_TAG_VMID;
	m->addr = 0;
	m->addr_mask = 0;
	m->block_sel = TLB_MATCH_BLOCK;
}

static void sel_stage1(struct tlb_match *m)
{
	m->tag_mask |= TLB_TAG_KIND_S2;         /* kind S2 bit must be 0 */
}

static void sel_stage2(struct tlb_match *m)
{
	m->tag |= TLB_TAG_KIND_S2;
	m->tag_mask |= TLB_TAG_KIND_S2;
}

static void sel_asid(struct tlb_match *m, uint16_t asid)
{
	m->tag |= FIELD_PREP(TLB_TAG_ASID, asid);
	m->tag_mask |= TLB_TAG_ASID;
}

static void sel_last_level(struct tlb_match *m)
{
	m->tag_mask |= TLB_TAG_TABLE;           /* table bit must be 0 */
}

static void sel_addr(struct tlb_match *m, uint64_t addr)
{
	m->addr = addr;
	m->addr_mask = ~UINT64_C(0);
}

void tlbi_match_vmalle1(struct tlb_match *m, enum mmu_regime regime,
			uint16_t vmid)
{
	sel_regime(m, regime, vmid);
	sel_stage1(m);
}

void tlbi_match_vmalls12e1(struct tlb_match *m, uint16_t vmid)
{
	sel_regime(m, MMU_REGIME_EL10, vmid);
}

void tlbi_match_alle1(struct tlb_match *m)
{
	sel_regime(m, MMU_REGIME_EL10, 0);
	m->tag_mask &= ~TLB_TAG_VMID;
}

void tlbi_match_aside1(struct tlb_match *m, enum mmu_regime regime,
		       uint16_t vmid, uint16_t asid)
{
	sel_regime(m, regime, vmid);
	sel_stage1(m);
	sel_asid(m, asid);
	m->tag_mask |= TLB_TAG_GLOBAL;          /* global bit must be 0 */
}

void tlbi_match_vae1(struct tlb_match *m, enum mmu_regime regime,
		     uint16_t vmid, uint16_t asid, uint64_t va)
{
	sel_regime(m, regime, vmid);
	sel_stage1(m);
	sel_asid(m, asid);
	sel_addr(m, va);
}

void tlbi_match_vale1(struct tlb_match *m, enum mmu_regime regime,
		      uint16_t vmid, uint16_t asid, uint64_t va)
{
	tlbi_match_vae1(m, regime, vmid, asid, va);
	sel_last_level(m);
}

void tlbi_match_vaae1(struct tlb_match *m, enum mmu_regime regime,
		      uint16_t vmid, uint64_t va)
{
	sel_regime(m, regime, vmid);
	sel_stage1(m);
	sel_addr(m, va);
}

void tlbi_match_vaale1(struct tlb_match *m, enum mmu_regime regime,
		       uint16_t vmid, uint64_t va)
{
	tlbi_match_vaae1(m, regime, vmid, va);
	sel_last_level(m);
}

void tlbi_match_ipas2e1(struct tlb_match *m, uint16_t vmid, uint64_t ipa)
{
	sel_regime(m, MMU_REGIME_EL10, vmid);
	sel_stage2(m);
	sel_addr(m, ipa);
}

void tlbi_match_ipas2le1(struct tlb_match *m, uint16_t vmid, uint64_t ipa)
{
	tlbi_match_ipas2e1(m, vmid, ipa);
	sel_last_level(m);
}

void tlbi_match_alle2(struct tlb_match *m, enum mmu_regime regime)
{
	sel_regime(m, regime, 0);
	sel_stage1(m);
}

void tlbi_match_vae2(struct tlb_match *m, enum mmu_regime regime,
		     uint16_t asid, uint64_t va)
{
	sel_regime(m, regime, 0);
	sel_stage1(m);
	if (regime == MMU_REGIME_EL20)
		sel_asid(m, asid);
	sel_addr(m, va);
}

void tlbi_match_vale2(struct tlb_match *m, enum mmu_regime regime,
		      uint16_t asid, uint64_t va)
{
	tlbi_match_vae2(m, regime, asid, va);
	sel_last_level(m);
}

static bool is_e2_form(enum tlbi_op op)
{
	return op == TLBI_ALLE2 || op == TLBI_VAE2 || op == TLBI_VALE2;
}

static bool is_el10_only(enum tlbi_op op)
{
	return op == TLBI_VMALLS12E1 || op == TLBI_ALLE1 ||
		op == TLBI_IPAS2E1 || op == TLBI_IPAS2LE1;
}

int tlbi_match(enum tlbi_op op, const struct tlbi_args *a,
	       struct tlb_match *m, struct sim_error *err)
{
	enum mmu_regime r = a->regime;
	bool ok;

	if ((unsigned)op >= TLBI__COUNT)
		return sim_error_set(err, SIM_E_INVAL, "tlbi: unknown operation %d",
				     (int)op);
	if (is_e2_form(op))
		ok = r == MMU_REGIME_EL2 || r == MMU_REGIME_EL20;
	else if (is_el10_only(op))
		ok = r == MMU_REGIME_EL10;
	else
		ok = r == MMU_REGIME_EL10 || r == MMU_REGIME_EL20;
	if (!ok)
		return sim_error_set(err, SIM_E_INVAL,
				     "tlbi %s: cannot target regime %d",
				     tlbi_op_name(op), (int)r);

	switch (op) {
	case TLBI_VMALLE1:   tlbi_match_vmalle1(m, r, a->vmid); break;
	case TLBI_VMALLS12E1: tlbi_match_vmalls12e1(m, a->vmid); break;
	case TLBI_ALLE1:     tlbi_match_alle1(m); break;
	case TLBI_ASIDE1:    tlbi_match_aside1(m, r, a->vmid, a->asid); break;
	case TLBI_VAE1:      tlbi_match_vae1(m, r, a->vmid, a->asid, a->addr); break;
	case TLBI_VALE1:     tlbi_match_vale1(m, r, a->vmid, a->asid, a->addr); break;
	case TLBI_VAAE1:     tlbi_match_vaae1(m, r, a->vmid, a->addr); break;
	case TLBI_VAALE1:    tlbi_match_vaale1(m, r, a->vmid, a->addr); break;
	case TLBI_IPAS2E1:   tlbi_match_ipas2e1(m, a->vmid, a->addr); break;
	case TLBI_IPAS2LE1:  tlbi_match_ipas2le1(m, a->vmid, a->addr); break;
	case TLBI_ALLE2:     tlbi_match_alle2(m, r); break;
	case TLBI_VAE2:      tlbi_match_vae2(m, r, a->asid, a->addr); break;
	case TLBI_VALE2:     tlbi_match_vale2(m, r, a->asid, a->addr); break;
	case TLBI__COUNT:    break;
	}
	return 0;
}

enum mmu_regime tlbi_target_regime(enum tlbi_op op, bool e2h, bool tge)
{
	if (is_e2_form(op))
		return e2h ? MMU_REGIME_EL20 : MMU_REGIME_EL2;
	if (is_el10_only(op))
		return MMU_REGIME_EL10;
	return e2h && tge ? MMU_REGIME_EL20 : MMU_REGIME_EL10;
}

bool tlbi_is_last_level(enum tlbi_op op)
{
	return op == TLBI_VALE1 || op == TLBI_VAALE1 || op == TLBI_IPAS2LE1 ||
		op == TLBI_VALE2;
}

void tlbi_decode_xt(enum tlbi_op op, uint64_t xt, uint16_t *asid,
		    uint64_t *addr)
{
	uint64_t va;

	*asid = 0;
	*addr = 0;
	switch (op) {
	case TLBI_ASIDE1:
		*asid = (uint16_t)FIELD_GET(GENMASK(63, 48), xt);
		break;
	case TLBI_VAE1:
	case TLBI_VALE1:
	case TLBI_VAAE1:
	case TLBI_VAALE1:
	case TLBI_VAE2:
	case TLBI_VALE2:
		if (op != TLBI_VAAE1 && op != TLBI_VAALE1)
			*asid = (uint16_t)FIELD_GET(GENMASK(63, 48), xt);
		va = FIELD_GET(GENMASK(43, 0), xt) << 12;       /* VA[55:12] */
		if (va & BIT(55))
			va |= GENMASK(63, 56);
		*addr = va;
		break;
	case TLBI_IPAS2E1:
	case TLBI_IPAS2LE1:
		*addr = FIELD_GET(GENMASK(39, 0), xt) << 12;    /* IPA[51:12] */
		break;
	default:
		break;
	}
}
