/*
 * mmu/regime.h - system registers to walk parameters.
 *
 * Decodes the registers a walk depends on (SCTLR_EL1, TCR_EL1,
 * TTBR0/1_EL1, HCR_EL2, VTCR_EL2, VTTBR_EL2, ID_AA64MMFR0_EL1) into a
 * struct mmu_ctx: per-stage struct walk_params, the ASID and VMID in force,
 * and the implemented CPU features.  Decoding is separate from walking so
 * each can be tested on its own (P3 of the style guide), and so the
 * simulator can build a context from its configuration instead of registers.
 *
 * The modelled CPU implements VMSAv8-64 with FEAT_HAFDBS (HA/HD), FEAT_HPDS
 * (HPD0/HPD1), TBI, and FEAT_LPA for the 64K granule when PARange says
 * 52 bits.  It does not implement FEAT_LVA, FEAT_TTST, FEAT_LPA2 (DS = 1 is
 * refused when the ID register claims LPA2; otherwise DS is RES0), FEAT_XNX,
 * FEAT_E0PD, PAN, or nested virtualization.  IMPLEMENTATION DEFINED choices:
 * a TxSZ outside its range is a level-0 Translation fault (required for the
 * minimum with FEAT_LPA, chosen for the other cases, as QEMU does); a
 * reserved or unimplemented TGx selects the first implemented of 4K, 16K,
 * 64K; RES0 low bits of a TTBR/VTTBR base are treated as zero.
 */
#ifndef MMUSIM_MMU_REGIME_H
#define MMUSIM_MMU_REGIME_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/walk.h"
#include "sim/err.h"

/* The registers of one EL1&0 translation context, with stage 2. */
struct mmu_regs {
	uint64_t sctlr_el1, tcr_el1, ttbr0_el1, ttbr1_el1, mair_el1;
	uint64_t hcr_el2, vtcr_el2, vttbr_el2;
	uint64_t id_aa64mmfr0_el1;
};

/* Register fields used by the decoder (Arm ARM register descriptions). */
#define SCTLR_M             BIT(0)
#define SCTLR_WXN           BIT(19)
#define TCR_T0SZ            GENMASK(5, 0)
#define TCR_EPD0            BIT(7)
#define TCR_TG0             GENMASK(15, 14)
#define TCR_T1SZ            GENMASK(21, 16)
#define TCR_A1              BIT(22)
#define TCR_EPD1            BIT(23)
#define TCR_TG1             GENMASK(31, 30)
#define TCR_IPS             GENMASK(34, 32)
#define TCR_AS              BIT(36)
#define TCR_TBI0            BIT(37)
#define TCR_TBI1            BIT(38)
#define TCR_HA              BIT(39)
#define TCR_HD              BIT(40)
#define TCR_HPD0            BIT(41)
#define TCR_HPD1            BIT(42)
#define TCR_DS              BIT(59)
#define TTBR_ASID           GENMASK(63, 48)
#define TTBR_BADDR_52_HI    GENMASK(5, 2)   /* BADDR[51:48] with 52-bit OA */
#define HCR_VM              BIT(0)
#define HCR_PTW             BIT(2)
#define HCR_FWB             BIT(46)
#define VTCR_T0SZ           GENMASK(5, 0)
#define VTCR_SL0            GENMASK(7, 6)
#define VTCR_TG0            GENMASK(15, 14)
#define VTCR_PS             GENMASK(18, 16)
#define VTCR_VS             BIT(19)
#define VTCR_HA             BIT(21)
#define VTCR_HD             BIT(22)
#define VTCR_DS             BIT(32)
#define VTTBR_VMID16        GENMASK(63, 48)
#define VTTBR_VMID8         GENMASK(55, 48)
#define MMFR0_PARANGE       GENMASK(3, 0)
#define MMFR0_ASIDBITS      GENMASK(7, 4)
#define MMFR0_TGRAN16       GENMASK(23, 20)
#define MMFR0_TGRAN64       GENMASK(27, 24)
#define MMFR0_TGRAN4        GENMASK(31, 28)
#define MMFR0_TGRAN16_2     GENMASK(35, 32)
#define MMFR0_TGRAN64_2     GENMASK(39, 36)
#define MMFR0_TGRAN4_2      GENMASK(43, 40)

/* What the simulated CPU implements (from ID_AA64MMFR0_EL1). */
struct mmu_cpu {
	uint8_t pamax;                  /* implemented PA size in bits */
	uint8_t asid_bits;              /* 8 or 16 */
	bool s1_gran[3], s2_gran[3];    /* 4K, 16K, 64K implemented per stage */
	bool s1_lpa2[3], s2_lpa2[3];    /* 52-bit (DS) support claimed */
};

/* Index of a granule in the per-granule arrays: 4K 0, 16K 1, 64K 2. */
static inline unsigned mmu_gran_index(unsigned granule_shift)
{
	return (granule_shift - 12) / 2;
}

void mmu_cpu_decode(struct mmu_cpu *cpu, uint64_t id_aa64mmfr0);

/* The decoded EL1&0 context (and stage 2). */
struct mmu_ctx {
	struct mmu_cpu cpu;
	bool s1_enabled;                /* SCTLR_EL1.M */
	bool s2_enabled;                /* HCR_EL2.VM */
	struct walk_params s1[2];       /* the TTBR0_EL1 and TTBR1_EL1 halves */
	bool tbi[2];                    /* top byte ignored, per half */
	struct walk_params s2;
	uint16_t asid;                  /* ASID in force (TCR_EL1.A1 selects the TTBR) */
	uint16_t vmid;                  /* VTTBR_EL2.VMID, 8 or 16 bits per VTCR_EL2.VS */
};

/*
 * mmu_ctx_decode() - decode @r into @c.
 * Returns 0, or SIM_E_UNSUPPORTED with a message in @e when the registers
 * select behaviour this model does not implement (LPA2).  Architecturally
 * illegal settings are not errors: they become walk_params.cfg_fault, the
 * fault the hardware takes on every walk.
 */
int mmu_ctx_decode(struct mmu_ctx *c, const struct mmu_regs *r, struct sim_error *e);

/* Granule shift of a TG0 (stage 1 or 2) or TG1 encoding, or 0 if reserved. */
unsigned mmu_tg0_granule(unsigned tg0);
unsigned mmu_tg1_granule(unsigned tg1);
int mmu_tg0_encode(unsigned granule_shift);
int mmu_tg1_encode(unsigned granule_shift);

#endif /* MMUSIM_MMU_REGIME_H */
