/*
 * mmu/geom.h - translation-table geometry: pure arithmetic on the granule,
 * the input-address size and the start level (Arm ARM D8.2).
 *
 * With a granule of 2^g bytes, each full table holds 2^s eight-byte entries
 * where s = g - 3, and a level-L entry resolves input-address bits
 * [g + s*(4-L) - 1 : g + s*(3-L)].  Level 3 maps pages; levels 0-2 hold
 * tables or, where the granule allows, blocks.  The start level resolves
 * whatever the lower levels leave: r = ia_bits - (g + s*(3-start)) bits,
 * which at stage 2 may exceed s by up to 4 bits, i.e. 2^(r-s) (at most 16)
 * concatenated start tables.
 *
 * Everything here is a pure function so the walker, the register decoder,
 * the page-table builder, the configuration checks and `mmusim layout`
 * share one definition.
 */
#ifndef MMUSIM_MMU_GEOM_H
#define MMUSIM_MMU_GEOM_H

#include <stdbool.h>
#include <stdint.h>

#define GEOM_MAX_CONCAT_BITS 4  /* at most 16 concatenated start tables */

/* s: input-address bits one full table resolves (9, 11 or 13). */
static inline unsigned geom_stride(unsigned granule_shift)
{
	return granule_shift - 3;
}

/* The lowest input-address bit a level-L entry resolves; also log2 of the
 * size of the region one level-L entry maps. */
static inline unsigned geom_level_shift(unsigned granule_shift, int level)
{
	return granule_shift + geom_stride(granule_shift) * (unsigned)(3 - level);
}

/* Bits the start level must resolve: ia_bits - level_shift(start).  May be
 * zero or negative for an impossible start level. */
static inline int geom_start_bits(unsigned granule_shift, unsigned ia_bits, int start_level)
{
	return (int)ia_bits - (int)geom_level_shift(granule_shift, start_level);
}

/* Number of index bits used at @level of a walk starting at @start_level. */
static inline unsigned geom_index_bits(unsigned granule_shift, unsigned ia_bits,
				       int start_level, int level)
{
	return level == start_level
		? (unsigned)geom_start_bits(granule_shift, ia_bits, start_level)
		: geom_stride(granule_shift);
}

/* Number of concatenated start tables (1, 2, 4, 8 or 16 when legal). */
static inline unsigned geom_concat_tables(unsigned granule_shift, unsigned ia_bits, int start_level)
{
	int extra = geom_start_bits(granule_shift, ia_bits, start_level)
		    - (int)geom_stride(granule_shift);

	return extra > 0 ? 1u << extra : 1u;
}

/* log2 of the bytes occupied by the start table(s): r + 3.  The table base
 * must be aligned to this (VTTBR_EL2/TTBR BADDR alignment, "x"). */
static inline unsigned geom_start_table_shift(unsigned granule_shift, unsigned ia_bits,
					      int start_level)
{
	return (unsigned)geom_start_bits(granule_shift, ia_bits, start_level) + 3;
}

/*
 * Stage-1 start level from the VA size, AArch64.S1StartLevel:
 * 4 - RoundUp((ia_bits - g) / s), which simplifies to 4 - (ia_bits - 4) / s.
 */
static inline int geom_s1_start_level(unsigned granule_shift, unsigned ia_bits)
{
	return 4 - (int)((ia_bits - 4) / geom_stride(granule_shift));
}

/*
 * The stage-2 start level a KVM-style hypervisor chooses: the fewest levels
 * whose start level needs at most 16 concatenated tables, and never fewer
 * than two levels.  Levels = (ia_bits - 4 - 4) / s, i.e. the stage-1 formula
 * applied to an address 4 bits (16 tables) shorter.
 */
static inline int geom_s2_default_start_level(unsigned granule_shift, unsigned ia_bits)
{
	int levels = (int)((ia_bits - 8) / geom_stride(granule_shift));

	if (levels < 2)
		levels = 2;
	if (levels > 4)
		levels = 4;
	return 4 - levels;
}

/*
 * geom_block_allowed() - may a level-@level descriptor be a block?
 * AArch64.BlockDescSupported without FEAT_LPA2 (DS = 0): 4K at levels 1
 * and 2; 16K at level 2; 64K at level 2, and at level 1 only when the
 * implemented physical address size is 52 bits (FEAT_LPA).
 */
static inline bool geom_block_allowed(unsigned granule_shift, int level, unsigned pamax)
{
	switch (granule_shift) {
	case 12: return level == 1 || level == 2;
	case 14: return level == 2;
	case 16: return level == 2 || (level == 1 && pamax == 52);
	}
	return false;
}

/*
 * geom_s2_sl0() - VTCR_EL2.SL0 encoding of a stage-2 start level, or -1 when
 * the level has no encoding for this granule (without FEAT_TTST and LPA2):
 * 4K: SL0 = 2 - start (levels 0..2); 16K and 64K: SL0 = 3 - start
 * (levels 1..3).
 */
static inline int geom_s2_sl0(unsigned granule_shift, int start_level)
{
	if (granule_shift == 12)
		return start_level >= 0 && start_level <= 2 ? 2 - start_level : -1;
	return start_level >= 1 && start_level <= 3 ? 3 - start_level : -1;
}

/* Decode of VTCR_EL2.SL0 (see geom_s2_sl0()); -1 for a reserved value. */
static inline int geom_s2_start_from_sl0(unsigned granule_shift, unsigned sl0)
{
	if (sl0 == 3)
		return -1;      /* 4K: needs FEAT_TTST; 16K: needs DS; 64K: reserved */
	return granule_shift == 12 ? 2 - (int)sl0 : 3 - (int)sl0;
}

/*
 * geom_max_oa_bits() - the largest output (and, at stage 2, input) address
 * size a granule can describe without FEAT_LPA2 (TCR.DS = 0): 52 bits with
 * 64K (FEAT_LPA), 48 with 4K and 16K.
 */
static inline unsigned geom_max_oa_bits(unsigned granule_shift)
{
	return granule_shift == 16 ? 52 : 48;
}

/*
 * geom_s2_min_pamax() - the implemented PA size a stage-2 start level
 * needs (AArch64.S2InvalidSL): 44 bits for a 4K level-0 start, 42 for a
 * 16K level-1 start, 44 for a 64K level-1 start; 0 for the others.
 */
static inline unsigned geom_s2_min_pamax(unsigned granule_shift, int start_level)
{
	if (granule_shift == 12 && start_level == 0)
		return 44;
	if (granule_shift == 14 && start_level == 1)
		return 42;
	if (granule_shift == 16 && start_level == 1)
		return 44;
	return 0;
}

/* Why a stage-2 geometry is illegal (geom_s2_validate()), in check order. */
enum geom_s2_why {
	GEOM_S2_OK = 0,
	GEOM_S2_IA_SMALL,       /* IPA below geom_s2_min_ia_bits() (T0SZ > 39) */
	GEOM_S2_IA_LARGE,       /* IPA above geom_s2_max_ia_bits() */
	GEOM_S2_NO_SL0,         /* no VTCR_EL2.SL0 encoding (geom_s2_sl0() < 0) */
	GEOM_S2_PAMAX,          /* PAMax below geom_s2_min_pamax() */
	GEOM_S2_NO_BITS,        /* the start level resolves no IPA bit */
	GEOM_S2_CONCAT,         /* more than 16 concatenated start tables */
};

/*
 * geom_s2_validate() - is a stage-2 (granule, IPA size, start level) legal
 * on a CPU whose implemented PA size is @pamax?  Mirrors the T0SZ bounds of
 * AArch64.S2TxSZFaults (choosing "fault" for the IMPLEMENTATION DEFINED
 * out-of-range cases), AArch64.S2InvalidSL and AArch64.S2InconsistentSL,
 * checked in the order of enum geom_s2_why.
 * Return: GEOM_S2_OK, or the first rule broken.
 */
enum geom_s2_why geom_s2_validate(unsigned granule_shift, unsigned ia_bits, int start_level,
				  unsigned pamax);

/*
 * geom_s2_check() - geom_s2_validate() as text: NULL when legal, else a
 * short reason.
 */
const char *geom_s2_check(unsigned granule_shift, unsigned ia_bits, int start_level,
			  unsigned pamax);

/* Minimum and maximum stage-2 IPA sizes for a granule on a @pamax CPU:
 * 64 - max T0SZ (25 bits) up to PAMax, at most geom_max_oa_bits(). */
unsigned geom_s2_min_ia_bits(void);
unsigned geom_s2_max_ia_bits(unsigned granule_shift, unsigned pamax);

/* Stage-1 VA sizes without FEAT_LVA/TTST: 25 to 48 bits. */
#define GEOM_S1_MIN_IA_BITS 25u
#define GEOM_S1_MAX_IA_BITS 48u

/* PARange / (I)PS / PS encodings to bits: 0->32 ... 5->48, 6->52;
 * reserved encodings read as the largest (52). */
unsigned geom_pa_bits_from_enc(unsigned enc);
/* Inverse: the encoding for a size in bits, or -1. */
int geom_pa_enc_from_bits(unsigned bits);

#endif /* MMUSIM_MMU_GEOM_H */
