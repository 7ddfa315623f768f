/*
 * mmu/desc.h - VMSAv8-64 translation table descriptor fields, named once.
 *
 * 64-bit descriptors only (no D128).  Field positions are from the Arm ARM
 * DDI0487, D8.3 (tables D8-48 to D8-53).  The output-address field is
 * granule-dependent and handled by desc_oa()/desc_next_table(); every other
 * module uses these names instead of bare bit numbers.
 */
#ifndef MMUSIM_MMU_DESC_H
#define MMUSIM_MMU_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/bits.h"

/* bits[1:0]: x0 invalid; 01 block (level < 3) or reserved (level 3);
 * 11 table (level < 3) or page (level 3). */
#define DESC_VALID          BIT(0)
#define DESC_TABLE          BIT(1)          /* or "page" at level 3 */
#define DESC_TYPE_MASK      GENMASK(1, 0)
#define DESC_TYPE_BLOCK     UINT64_C(1)
#define DESC_TYPE_TABLE     UINT64_C(3)     /* page at level 3 */

/* Table descriptor attributes (stage 1 only; RES0 at stage 2). */
#define DESC_PXNTABLE       BIT(59)
#define DESC_UXNTABLE       BIT(60)         /* XNTable in single-privilege regimes */
#define DESC_APTABLE        GENMASK(62, 61)
#define DESC_APTABLE_NO_EL0 UINT64_C(1)     /* APTable[0]: no unprivileged access */
#define DESC_APTABLE_RO     UINT64_C(2)     /* APTable[1]: no writes */
#define DESC_NSTABLE        BIT(63)

/* Block and page descriptors: lower attributes, both stages. */
#define DESC_ATTRINDX       GENMASK(4, 2)   /* stage 1: MAIR index */
#define DESC_S2_MEMATTR     GENMASK(5, 2)   /* stage 2: MemAttr[3:0] */
#define DESC_AP             GENMASK(7, 6)   /* stage 1: AP[2:1] */
#define DESC_AP_EL0         BIT(6)          /* AP[1]: EL0 access (two privilege levels) */
#define DESC_AP_RO          BIT(7)          /* AP[2]: read-only */
#define DESC_S2AP           GENMASK(7, 6)   /* stage 2: S2AP[1:0] */
#define DESC_S2AP_R         BIT(6)          /* S2AP[0]: read allowed */
#define DESC_S2AP_W         BIT(7)          /* S2AP[1]: write allowed */
#define DESC_SH             GENMASK(9, 8)
#define DESC_AF             BIT(10)
#define DESC_NG             BIT(11)         /* stage 1, two privilege levels only */

/* Upper attributes. */
#define DESC_DBM            BIT(51)
#define DESC_CONT           BIT(52)
#define DESC_PXN            BIT(53)         /* stage 1, two privilege levels */
#define DESC_UXN            BIT(54)         /* XN in single-privilege regimes and at stage 2 */
#define DESC_S2_XN          BIT(54)

/* Stage-2 MemAttr[3:2] == 0b00 means Device memory when HCR_EL2.FWB == 0;
 * with FWB == 1, MemAttr[2] == 0 means Device. */
static inline bool desc_s2_is_device(uint64_t desc, bool fwb)
{
	uint64_t memattr = FIELD_GET(DESC_S2_MEMATTR, desc);

	return fwb ? !(memattr & 0x4) : !(memattr & 0xc);
}

/*
 * desc_addr() - the address field of a table, block or page descriptor.
 * @desc: the descriptor
 * @granule_shift: 12, 14 or 16
 * @lpa64k: true when the 64K granule is used with a 52-bit output size
 *          (FEAT_LPA): then OA[51:48] sits in descriptor bits [15:12].
 *
 * Returns bits [47:granule_shift] of the descriptor (plus OA[51:48] for
 * lpa64k).  Bits below the granule, and bits [49:48] without 52-bit
 * addressing, are RES0 and are treated as zero, as are a block's RES0 low
 * bits once the caller aligns the result to the block size.
 */
static inline uint64_t desc_addr(uint64_t desc, unsigned granule_shift, bool lpa64k)
{
	uint64_t a = desc & GENMASK(47, granule_shift);

	if (lpa64k)
		a |= FIELD_GET(GENMASK(15, 12), desc) << 48;
	return a;
}

#endif /* MMUSIM_MMU_DESC_H */
