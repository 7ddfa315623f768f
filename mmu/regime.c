/* mmu/regime.c - registers to walk parameters; see mmu/regime.h. */
#include "mmu/regime.h"

#include <string.h>

#include "mmu/geom.h"
#include "sim/bits.h"

unsigned mmu_tg0_granule(unsigned tg0)
{
	static const unsigned tg0_shift[4] = { 12, 16, 14, 0 };

	return tg0_shift[tg0 & 3];
}

unsigned mmu_tg1_granule(unsigned tg1)
{
	static const unsigned tg1_shift[4] = { 0, 14, 12, 16 };

	return tg1_shift[tg1 & 3];
}

int mmu_tg0_encode(unsigned granule_shift)
{
	for (unsigned tg = 0; tg < 3; tg++)
		if (mmu_tg0_granule(tg) == granule_shift)
			return (int)tg;
	return -1;
}

int mmu_tg1_encode(unsigned granule_shift)
{
	for (unsigned tg = 1; tg < 4; tg++)
		if (mmu_tg1_granule(tg) == granule_shift)
			return (int)tg;
	return -1;
}

void mmu_cpu_decode(struct mmu_cpu *cpu, uint64_t mmfr0)
{
	unsigned t4 = FIELD_GET(MMFR0_TGRAN4, mmfr0);
	unsigned t16 = FIELD_GET(MMFR0_TGRAN16, mmfr0);
	unsigned t64 = FIELD_GET(MMFR0_TGRAN64, mmfr0);
	unsigned s2[3] = {
		FIELD_GET(MMFR0_TGRAN4_2, mmfr0),
		FIELD_GET(MMFR0_TGRAN16_2, mmfr0),
		FIELD_GET(MMFR0_TGRAN64_2, mmfr0),
	};

	memset(cpu, 0, sizeof(*cpu));
	cpu->pamax = (uint8_t)geom_pa_bits_from_enc(FIELD_GET(MMFR0_PARANGE, mmfr0));
	cpu->asid_bits = FIELD_GET(MMFR0_ASIDBITS, mmfr0) == 2 ? 16 : 8;

	/* TGran4 and TGran64: 0b0000 supported, 0b1111 not; TGran4 0b0001
	 * adds 52-bit (LPA2).  TGran16: 0b0000 not supported, 0b0001
	 * supported, 0b0010 with 52-bit. */
	cpu->s1_gran[0] = t4 == 0 || t4 == 1;
	cpu->s1_lpa2[0] = t4 == 1;
	cpu->s1_gran[1] = t16 == 1 || t16 == 2;
	cpu->s1_lpa2[1] = t16 == 2;
	cpu->s1_gran[2] = t64 == 0;

	/* TGranX_2: 0b0000 as stage 1, 0b0001 not supported, 0b0010
	 * supported, 0b0011 supported with 52-bit. */
	for (unsigned i = 0; i < 3; i++) {
		if (s2[i] == 0) {
			cpu->s2_gran[i] = cpu->s1_gran[i];
			cpu->s2_lpa2[i] = cpu->s1_lpa2[i];
		} else {
			cpu->s2_gran[i] = s2[i] == 2 || s2[i] == 3;
			cpu->s2_lpa2[i] = s2[i] == 3;
		}
	}
	/* A CPU must implement some granule; an all-"not implemented" ID
	 * value cannot come from real hardware, so fall back to 4K. */
	if (!cpu->s1_gran[0] && !cpu->s1_gran[1] && !cpu->s1_gran[2])
		cpu->s1_gran[0] = true;
	if (!cpu->s2_gran[0] && !cpu->s2_gran[1] && !cpu->s2_gran[2])
		cpu->s2_gran[0] = true;
}

/*
 * A reserved or unimplemented granule behaves as an IMPLEMENTATION DEFINED
 * implemented one; prefer 4K, then 16K, then 64K.
 */
static unsigned sanitize_granule(unsigned granule_shift, const bool impl[3])
{
	static const unsigned order[3] = { 12, 14, 16 };

	if (granule_shift && impl[mmu_gran_index(granule_shift)])
		return granule_shift;
	for (unsigned i = 0; i < 3; i++)
		if (impl[mmu_gran_index(order[i])])
			return order[i];
	return 12;
}

/* Effective output size: min((I)PS, PARange), 48 at most without 64K. */
static unsigned effective_oa_bits(unsigned ps_enc, unsigned pamax, unsigned granule_shift)
{
	unsigned oa = geom_pa_bits_from_enc(ps_enc);

	if (oa > pamax)
		oa = pamax;
	if (oa > 48 && granule_shift != 16)
		oa = 48;
	return oa;
}

/*
 * The start-table base from a TTBR/VTTBR value: BADDR with the start table's
 * RES0 low bits (and CnP) cleared; Address size fault at level 0 when the
 * base lies beyond the output size.
 */
static void decode_base(struct walk_params *p, uint64_t ttbr)
{
	uint64_t base = ttbr & GENMASK(47, 0);
	unsigned align = geom_start_table_shift(p->granule_shift, p->ia_bits, p->start_level);

	if (p->lpa64k) {
		base |= FIELD_GET(TTBR_BADDR_52_HI, ttbr) << 48;
		if (align < 6)
			align = 6;      /* BADDR[5:2] hold BADDR[51:48] */
	} else if (base >> p->oa_bits) {
		if (p->cfg_fault == MMU_FAULT_NONE)
			p->cfg_fault = MMU_FAULT_ADDRESS_SIZE;
	}
	p->table_base = base & ~bits_low_mask(align);
}

static void decode_s1_half(struct mmu_ctx *c, const struct mmu_regs *r, unsigned half)
{
	struct walk_params *p = &c->s1[half];
	uint64_t tcr = r->tcr_el1;
	unsigned tsz = half ? FIELD_GET(TCR_T1SZ, tcr) : FIELD_GET(TCR_T0SZ, tcr);
	unsigned tg = half ? mmu_tg1_granule(FIELD_GET(TCR_TG1, tcr))
			   : mmu_tg0_granule(FIELD_GET(TCR_TG0, tcr));
	bool epd = tcr & (half ? TCR_EPD1 : TCR_EPD0);

	memset(p, 0, sizeof(*p));
	p->stage = MMU_STAGE1;
	p->regime = MMU_REGIME_EL10;
	p->granule_shift = (uint8_t)sanitize_granule(tg, c->cpu.s1_gran);
	p->pamax = c->cpu.pamax;
	p->oa_bits = (uint8_t)effective_oa_bits(FIELD_GET(TCR_IPS, tcr), c->cpu.pamax,
						p->granule_shift);
	p->lpa64k = p->oa_bits == 52;
	p->ha = tcr & TCR_HA;
	p->hd = (tcr & TCR_HD) && p->ha;        /* HD acts as 0 unless HA */
	p->hpd = tcr & (half ? TCR_HPD1 : TCR_HPD0);
	p->wxn = r->sctlr_el1 & SCTLR_WXN;
	c->tbi[half] = tcr & (half ? TCR_TBI1 : TCR_TBI0);

	/* AArch64.S1TxSZFaults: without FEAT_LVA/TTST, T1SZ/T0SZ in 16..39. */
	if (tsz < 64 - GEOM_S1_MAX_IA_BITS || tsz > 64 - GEOM_S1_MIN_IA_BITS) {
		p->cfg_fault = MMU_FAULT_TRANSLATION;
		tsz = tsz < 16 ? 16 : 39;       /* keep the geometry sane */
	}
	if (epd)
		p->cfg_fault = MMU_FAULT_TRANSLATION;
	p->ia_bits = (uint8_t)(64 - tsz);
	p->start_level = (int8_t)geom_s1_start_level(p->granule_shift, p->ia_bits);
	decode_base(p, half ? r->ttbr1_el1 : r->ttbr0_el1);
}

static void decode_s2(struct mmu_ctx *c, const struct mmu_regs *r)
{
	struct walk_params *p = &c->s2;
	uint64_t vtcr = r->vtcr_el2;
	unsigned tsz = FIELD_GET(VTCR_T0SZ, vtcr);
	int start;

	memset(p, 0, sizeof(*p));
	p->stage = MMU_STAGE2;
	p->regime = MMU_REGIME_EL10;
	p->granule_shift = (uint8_t)sanitize_granule(mmu_tg0_granule(FIELD_GET(VTCR_TG0, vtcr)),
						     c->cpu.s2_gran);
	p->pamax = c->cpu.pamax;
	p->oa_bits = (uint8_t)effective_oa_bits(FIELD_GET(VTCR_PS, vtcr), c->cpu.pamax,
						p->granule_shift);
	p->lpa64k = p->oa_bits == 52;
	p->ha = vtcr & VTCR_HA;
	p->hd = (vtcr & VTCR_HD) && p->ha;
	p->ptw_device_fault = r->hcr_el2 & HCR_PTW;
	p->fwb = r->hcr_el2 & HCR_FWB;

	/* AArch64.S2TxSZFaults, S2InvalidSL, S2InconsistentSL: any failure
	 * is a stage-2 level-0 Translation fault on every walk. */
	start = geom_s2_start_from_sl0(p->granule_shift, FIELD_GET(VTCR_SL0, vtcr));
	if (tsz > 63 || start < 0 ||
	    geom_s2_check(p->granule_shift, 64 - tsz, start, c->cpu.pamax)) {
		p->cfg_fault = MMU_FAULT_TRANSLATION;
		p->ia_bits = 40;
		p->start_level = (int8_t)geom_s2_default_start_level(p->granule_shift, 40);
	} else {
		p->ia_bits = (uint8_t)(64 - tsz);
		p->start_level = (int8_t)start;
	}
	decode_base(p, r->vttbr_el2);
	c->vmid = (uint16_t)((vtcr & VTCR_VS) ? FIELD_GET(VTTBR_VMID16, r->vttbr_el2)
					      : FIELD_GET(VTTBR_VMID8, r->vttbr_el2));
}

int mmu_ctx_decode(struct mmu_ctx *c, const struct mmu_regs *r, struct sim_error *e)
{
	uint64_t asid_ttbr;

	memset(c, 0, sizeof(*c));
	mmu_cpu_decode(&c->cpu, r->id_aa64mmfr0_el1);
	c->s1_enabled = r->sctlr_el1 & SCTLR_M;
	c->s2_enabled = r->hcr_el2 & HCR_VM;

	decode_s1_half(c, r, 0);
	decode_s1_half(c, r, 1);
	decode_s2(c, r);

	/* DS is RES0 unless the CPU implements LPA2 for the granule in use. */
	if (c->s1_enabled && (r->tcr_el1 & TCR_DS)) {
		for (unsigned half = 0; half < 2; half++)
			if (c->cpu.s1_lpa2[mmu_gran_index(c->s1[half].granule_shift)])
				return sim_error_set(e, SIM_E_UNSUPPORTED,
					"TCR_EL1.DS=1 selects 52-bit addressing (FEAT_LPA2), which is not modelled");
	}
	if (c->s2_enabled && (r->vtcr_el2 & VTCR_DS) &&
	    c->cpu.s2_lpa2[mmu_gran_index(c->s2.granule_shift)])
		return sim_error_set(e, SIM_E_UNSUPPORTED,
			"VTCR_EL2.DS=1 selects 52-bit addressing (FEAT_LPA2), which is not modelled");

	/* TCR_EL1.A1 picks the TTBR whose ASID is in force for both halves;
	 * with 8-bit ASIDs (TCR.AS = 0, or an 8-bit CPU) ASID[15:8] reads 0. */
	asid_ttbr = (r->tcr_el1 & TCR_A1) ? r->ttbr1_el1 : r->ttbr0_el1;
	c->asid = (uint16_t)FIELD_GET(TTBR_ASID, asid_ttbr);
	if (!(r->tcr_el1 & TCR_AS) || c->cpu.asid_bits == 8)
		c->asid &= 0xff;
	return 0;
}
