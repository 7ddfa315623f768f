/*
 * tests/test_walk.c - one stage of translation through walk_stage().
 *
 * Every walk here runs on hand-built tables in the fixture's counting
 * memory, with walk_params written out field by field (no register
 * decoding).  Every expected value is derived by hand from the Arm ARM
 * (DDI0487 D8.2-D8.5): the comment above each case says which IA bits index
 * which level, which descriptor is read at which address, and why a fault
 * is taken at that level.  Notation: g = page-offset bits, s = g - 3 index
 * bits per full level; a level-L entry resolves IA[g + s*(4-L) - 1 :
 * g + s*(3-L)], the start level everything from there up to IA[ia_bits-1].
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/walk.h"
#include "sim/err.h"
#include "tests/walk_fixture.h"

struct fx {
	struct wfx_mem m;
	struct walk_io io;
	struct walk_out out;
};

static struct fx fx;

static void setup(void)
{
	memset(&fx, 0, sizeof(fx));
	wfx_mem_init(&fx.m);
	fx.io = wfx_walk_io(&fx.m);
}

/* Parameters of one stage, written out: PAMax 48, nothing else enabled. */
static struct walk_params mkp(enum mmu_stage stage, unsigned g, unsigned ia_bits, int start,
			      unsigned oa_bits, uint64_t base)
{
	struct walk_params p;

	memset(&p, 0, sizeof(p));
	p.stage = stage;
	p.regime = MMU_REGIME_EL10;
	p.table_base = base;
	p.granule_shift = (uint8_t)g;
	p.ia_bits = (uint8_t)ia_bits;
	p.start_level = (int8_t)start;
	p.oa_bits = (uint8_t)oa_bits;
	p.pamax = 48;
	p.cfg_fault = MMU_FAULT_NONE;
	return p;
}

static int walk(const struct walk_params *p, uint64_t ia, struct mmu_access acc)
{
	return walk_stage(p, ia, acc, NULL, &fx.io, &fx.out);
}

/* A leaf of stage @st granting everything to EL1 and EL0. */
static uint64_t page_of(enum mmu_stage st, uint64_t oa)
{
	return st == MMU_STAGE1 ? wfx_s1_page(oa, AP_RW, 0) : wfx_s2_page(oa, S2AP_RW, 0);
}

static uint64_t block_of(enum mmu_stage st, uint64_t oa)
{
	return st == MMU_STAGE1 ? wfx_s1_block(oa, AP_RW, 0) : wfx_s2_block(oa, S2AP_RW, 0);
}

static void assert_ok(uint64_t oa, int level, unsigned shift, unsigned reads)
{
	ck_assert_int_eq(fx.out.fault.type, MMU_FAULT_NONE);
	ck_assert_uint_eq(fx.out.oa, oa);
	ck_assert_int_eq(fx.out.level, level);
	ck_assert_uint_eq(fx.out.shift, shift);
	ck_assert_uint_eq(fx.out.reads, reads);
	ck_assert_uint_eq(fx.m.reads, reads);
	ck_assert_uint_eq(fx.m.writes, 0);
}

static void assert_fault(enum mmu_fault_type type, int level, unsigned stage, unsigned reads)
{
	ck_assert_int_eq(fx.out.fault.type, type);
	ck_assert_int_eq(fx.out.fault.level, level);
	ck_assert_uint_eq(fx.out.fault.stage, stage);
	ck_assert(!fx.out.fault.s1ptw);
	if (stage == 2)
		ck_assert_int_eq(fx.out.fault.s2_level, level);
	ck_assert_uint_eq(fx.m.reads, reads);
}

/* The stage a loop test runs at: _i = 0 stage 1, 1 stage 2. */
#define STAGE_OF(i) ((i) ? MMU_STAGE2 : MMU_STAGE1)

/* ---- geometry: every granule, 2 to 4 levels, both stages ---- */

/*
 * 4K, 39-bit IA: start = 4 - (39-4)/9 = 1, three levels.
 * IA 0x40_547f_fabc: L1 = IA[38:30] = 0x101, L2 = IA[29:21] = 0xa3,
 * L3 = IA[20:12] = 0x1ff, offset 0xabc.
 * L1 desc at 0x1000 + 8*0x101 = 0x1808, L2 at 0x2000 + 8*0xa3 = 0x2518,
 * L3 at 0x3000 + 8*0x1ff = 0x3ff8 -> page 0x8_7654_3000.
 */
START_TEST(test_4k_39bit_three_levels)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 39, 1, 48, 0x1000);

	wfx_set(&fx.m, 0x1808, wfx_table(0x2000));
	wfx_set(&fx.m, 0x2518, wfx_table(0x3000));
	wfx_set(&fx.m, 0x3ff8, page_of(st, 0x876543000));
	ck_assert_int_eq(walk(&p, 0x40547ffabcull, EL1R), 0);
	assert_ok(0x876543abcull, 3, 12, 3);
	ck_assert_uint_eq(fx.out.desc_addr, 0x3ff8);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x1808);
	ck_assert_uint_eq(fx.m.log[1].pa, 0x2518);
	ck_assert_uint_eq(fx.m.log[2].pa, 0x3ff8);
	ck_assert_uint_eq(fx.out.table[1], 0x1000);
	ck_assert_uint_eq(fx.out.table[2], 0x2000);
	ck_assert_uint_eq(fx.out.table[3], 0x3000);
}
END_TEST

/*
 * 4K, 48-bit IA: start = 4 - 44/9 = 0, four levels.
 * IA 0xff80_0020_2008: L0 = IA[47:39] = 0x1ff, L1 = IA[38:30] = 0,
 * L2 = IA[29:21] = 1, L3 = IA[20:12] = 2, offset 8.
 * Descs at 0x10000 + 0xff8, 0x11000, 0x12008, 0x13010 -> page 0x4000_0000.
 */
START_TEST(test_4k_48bit_four_levels)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);

	wfx_set(&fx.m, 0x10ff8, wfx_table(0x11000));
	wfx_set(&fx.m, 0x11000, wfx_table(0x12000));
	wfx_set(&fx.m, 0x12008, wfx_table(0x13000));
	wfx_set(&fx.m, 0x13010, page_of(st, 0x40000000));
	ck_assert_int_eq(walk(&p, 0xff8000202008ull, EL1R), 0);
	assert_ok(0x40000008, 3, 12, 4);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x10ff8);
	ck_assert_uint_eq(fx.m.log[1].pa, 0x11000);
	ck_assert_uint_eq(fx.m.log[2].pa, 0x12008);
	ck_assert_uint_eq(fx.m.log[3].pa, 0x13010);
}
END_TEST

/*
 * 16K, 47-bit IA: start = 4 - 43/11 = 1, three levels.
 * IA 0x7ff0_0300_3ffc: L1 = IA[46:36] = 0x7ff, L2 = IA[35:25] = 1,
 * L3 = IA[24:14] = 0x400, offset 0x3ffc.
 * Descs at 0x20000 + 8*0x7ff = 0x23ff8, 0x24008, 0x28000 + 0x2000 = 0x2a000.
 */
START_TEST(test_16k_47bit_three_levels)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 14, 47, 1, 48, 0x20000);

	wfx_set(&fx.m, 0x23ff8, wfx_table(0x24000));
	wfx_set(&fx.m, 0x24008, wfx_table(0x28000));
	wfx_set(&fx.m, 0x2a000, page_of(st, 0x12345c000ull));
	ck_assert_int_eq(walk(&p, 0x7ff003003ffcull, EL1R), 0);
	assert_ok(0x12345fffcull, 3, 14, 3);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x23ff8);
	ck_assert_uint_eq(fx.m.log[1].pa, 0x24008);
	ck_assert_uint_eq(fx.m.log[2].pa, 0x2a000);
}
END_TEST

/*
 * 16K, 48-bit IA: start = 4 - 44/11 = 0, four levels; level 0 resolves
 * only IA[47], so it has 2 entries.
 * IA 0x8030_0a01_c010: L0 = IA[47] = 1, L1 = IA[46:36] = 3,
 * L2 = IA[35:25] = 5, L3 = IA[24:14] = 7, offset 0x10.
 * Descs at 0x30008, 0x34018, 0x38028, 0x3c038 -> page 0x4000.
 * IA 0x0030_0a01_c010 (bit 47 clear) uses entry 0 at 0x30000, left invalid:
 * Translation fault at level 0 after one read.
 */
START_TEST(test_16k_48bit_two_entry_level0)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 14, 48, 0, 48, 0x30000);

	wfx_set(&fx.m, 0x30008, wfx_table(0x34000));
	wfx_set(&fx.m, 0x34018, wfx_table(0x38000));
	wfx_set(&fx.m, 0x38028, wfx_table(0x3c000));
	wfx_set(&fx.m, 0x3c038, page_of(st, 0x4000));
	ck_assert_int_eq(walk(&p, 0x80300a01c010ull, EL1R), 0);
	assert_ok(0x4010, 3, 14, 4);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x30008);
	ck_assert_uint_eq(fx.m.log[3].pa, 0x3c038);

	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, 0x00300a01c010ull, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 0, st, 1);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x30000);
}
END_TEST

/*
 * 64K, 42-bit IA: start = 4 - 38/13 = 2, two levels.
 * IA 0x200_2ff0_beef: L2 = IA[41:29] = 0x1001, L3 = IA[28:16] = 0xff0,
 * offset 0xbeef.  Descs at 0x100000 + 0x8008 = 0x108008 and
 * 0x110000 + 8*0xff0 = 0x117f80 -> page 0x5_0000_0000.
 */
START_TEST(test_64k_42bit_two_levels)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 16, 42, 2, 48, 0x100000);

	wfx_set(&fx.m, 0x108008, wfx_table(0x110000));
	wfx_set(&fx.m, 0x117f80, page_of(st, 0x500000000ull));
	ck_assert_int_eq(walk(&p, 0x2002ff0beefull, EL1R), 0);
	assert_ok(0x50000beefull, 3, 16, 2);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x108008);
	ck_assert_uint_eq(fx.m.log[1].pa, 0x117f80);
}
END_TEST

/*
 * 64K, 48-bit IA: start = 4 - 44/13 = 1, three levels; level 1 resolves
 * IA[47:42], 64 entries.
 * IA 0xfc00_4003_0020: L1 = 0x3f, L2 = IA[41:29] = 2, L3 = IA[28:16] = 3.
 * Descs at 0x200000 + 0x1f8, 0x210010, 0x220018 -> page 0x7_0000_0000.
 */
START_TEST(test_64k_48bit_64_entry_level1)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 16, 48, 1, 48, 0x200000);

	wfx_set(&fx.m, 0x2001f8, wfx_table(0x210000));
	wfx_set(&fx.m, 0x210010, wfx_table(0x220000));
	wfx_set(&fx.m, 0x220018, page_of(st, 0x700000000ull));
	ck_assert_int_eq(walk(&p, 0xfc0040030020ull, EL1R), 0);
	assert_ok(0x700000020ull, 3, 16, 3);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x2001f8);
}
END_TEST

/*
 * 64K with a 52-bit output (FEAT_LPA): OA[51:48] sits in descriptor bits
 * [15:12].  64K 42-bit walk as above, L3 desc with bits[47:16] =
 * 0x1234_0000 and bits[15:12] = 5 -> OA 0x5_0000_1234_0000.
 */
START_TEST(test_64k_lpa_oa_high_bits)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 16, 42, 2, 52, 0x100000);

	p.pamax = 52;
	p.lpa64k = true;
	wfx_set(&fx.m, 0x108008, wfx_table(0x110000));
	wfx_set(&fx.m, 0x117f80, page_of(st, 0x12340000ull | (UINT64_C(5) << 12)));
	ck_assert_int_eq(walk(&p, 0x2002ff0beefull, EL1R), 0);
	assert_ok(0x5000012340000ull | 0xbeef, 3, 16, 2);
}
END_TEST

/* ---- blocks: every legal level, and where they are not allowed ---- */

/*
 * 4K L1 block (1 GiB): 39-bit IA, start L1.  IA 0x40_5555_1234: L1 =
 * IA[38:30] = 0x101 -> desc 0x1808, block OA 0x80_c000_0000; the low 30
 * bits 0x1555_1234 pass through: OA 0x80_d555_1234.
 */
START_TEST(test_block_4k_l1)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 39, 1, 48, 0x1000);

	wfx_set(&fx.m, 0x1808, block_of(st, 0x80c0000000ull));
	ck_assert_int_eq(walk(&p, 0x4055551234ull, EL1R), 0);
	assert_ok(0x80d5551234ull, 1, 30, 1);
}
END_TEST

/*
 * 4K L2 block (2 MiB): IA 0x65_4321: L1 = 0 (0x1000), L2 = IA[29:21] = 3
 * (0x2018), block 0x1234_0000_0000 + low 21 bits 0x5_4321.
 */
START_TEST(test_block_4k_l2)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 39, 1, 48, 0x1000);

	wfx_set(&fx.m, 0x1000, wfx_table(0x2000));
	wfx_set(&fx.m, 0x2018, block_of(st, 0x123400000000ull));
	ck_assert_int_eq(walk(&p, 0x654321, EL1R), 0);
	assert_ok(0x123400054321ull, 2, 21, 2);
}
END_TEST

/*
 * 16K L2 block (32 MiB): 47-bit IA, start L1.  IA 0x765_4321: L1 = 0
 * (0x20000), L2 = IA[35:25] = 3 (0x24018), block 0x2_0000_0000 + low 25
 * bits 0x165_4321.
 */
START_TEST(test_block_16k_l2)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 14, 47, 1, 48, 0x20000);

	wfx_set(&fx.m, 0x20000, wfx_table(0x24000));
	wfx_set(&fx.m, 0x24018, block_of(st, 0x200000000ull));
	ck_assert_int_eq(walk(&p, 0x7654321, EL1R), 0);
	assert_ok(0x201654321ull, 2, 25, 2);
}
END_TEST

/*
 * 64K L2 block (512 MiB): 42-bit IA, start L2.  IA 0x3_2345_6789:
 * L2 = IA[41:29] = 0x19 (desc 0x100000 + 0xc8), block 0x40_0000_0000 +
 * low 29 bits 0x345_6789.
 */
START_TEST(test_block_64k_l2)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 16, 42, 2, 48, 0x100000);

	wfx_set(&fx.m, 0x1000c8, block_of(st, 0x4000000000ull));
	ck_assert_int_eq(walk(&p, 0x323456789ull, EL1R), 0);
	assert_ok(0x4003456789ull, 2, 29, 1);
}
END_TEST

/*
 * 64K L1 block (4 TiB) exists only with FEAT_LPA (PAMax 52).  48-bit IA,
 * start L1.  IA 0xc12_3456_789a: L1 = IA[47:42] = 3 (desc 0x200018),
 * block 0x800_0000_0000 + low 42 bits 0x12_3456_789a.  With PAMax 48 the
 * same descriptor is a block at an unsupported level: Translation fault,
 * level 1 (AArch64.BlockDescSupported; R KRMJZ).
 */
START_TEST(test_block_64k_l1_needs_lpa)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 16, 48, 1, 52, 0x200000);

	p.pamax = 52;
	p.lpa64k = true;
	wfx_set(&fx.m, 0x200018, block_of(st, 0x80000000000ull));
	ck_assert_int_eq(walk(&p, 0xc123456789aull, EL1R), 0);
	assert_ok(0x8123456789aull, 1, 42, 1);

	wfx_reset_counts(&fx.m);
	p = mkp(st, 16, 48, 1, 48, 0x200000);
	ck_assert_int_eq(walk(&p, 0xc123456789aull, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 1, st, 1);
}
END_TEST

/*
 * Blocks where the granule has none (DS = 0): 4K level 0 (4K 48-bit,
 * IA 0 -> desc 0x10000), 16K level 1 (16K 47-bit, IA 0 -> desc 0x20000),
 * and 0b01 at level 3 (4K 39-bit, IA 0: 0x1000 -> 0x2000 -> 0x3000), each
 * a Translation fault at that level.
 */
START_TEST(test_block_illegal_levels)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);

	wfx_set(&fx.m, 0x10000, block_of(st, 0));
	ck_assert_int_eq(walk(&p, 0x1000, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 0, st, 1);

	wfx_reset_counts(&fx.m);
	p = mkp(st, 14, 47, 1, 48, 0x20000);
	wfx_set(&fx.m, 0x20000, block_of(st, 0));
	ck_assert_int_eq(walk(&p, 0x1000, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 1, st, 1);

	wfx_reset_counts(&fx.m);
	p = mkp(st, 12, 39, 1, 48, 0x1000);
	wfx_set(&fx.m, 0x1000, wfx_table(0x2000));
	wfx_set(&fx.m, 0x2000, wfx_table(0x3000));
	wfx_set(&fx.m, 0x3000, block_of(st, 0x5000));   /* 0b01 at level 3 */
	ck_assert_int_eq(walk(&p, 0x123, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 3, st, 3);
	/* the same word as a page (0b11) translates */
	wfx_reset_counts(&fx.m);
	wfx_set(&fx.m, 0x3000, page_of(st, 0x5000));
	ck_assert_int_eq(walk(&p, 0x123, EL1R), 0);
	assert_ok(0x5123, 3, 12, 3);
}
END_TEST

/* ---- concatenated stage-2 start tables ---- */

/*
 * 4K, 40-bit IPA, start L1: r = 40 - 30 = 10 bits at L1, 1024 entries =
 * two concatenated 4 KiB tables at 0x40000 (8 KiB aligned).
 * IPA 0x80_4020_3123 has bit 39 set: L1 = IPA[39:30] = 0x201, desc at
 * 0x40000 + 8*0x201 = 0x41008 (entry 1 of the second table);
 * L2 = IPA[29:21] = 1 (0x50008), L3 = IPA[20:12] = 3 (0x51018).
 */
START_TEST(test_concat_4k_40bit_l1)
{
	struct walk_params p = mkp(MMU_STAGE2, 12, 40, 1, 48, 0x40000);

	wfx_set(&fx.m, 0x41008, wfx_table(0x50000));
	wfx_set(&fx.m, 0x50008, wfx_table(0x51000));
	wfx_set(&fx.m, 0x51018, wfx_s2_page(0x90000000, S2AP_RW, 0));
	ck_assert_int_eq(walk(&p, 0x8040203123ull, EL1R), 0);
	assert_ok(0x90000123, 3, 12, 3);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x41008);
	/* bit 39 clear: entry 1 of the first table */
	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, 0x0040203123ull, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 1, 2, 1);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x40008);
}
END_TEST

/*
 * 16K, 40-bit IPA, start L2: r = 40 - 25 = 15 bits, 32768 entries = 16
 * tables of 2048 at 0x400000 (256 KiB aligned).
 * IPA 0xff_fe55_6345: L2 = IPA[39:25] = 0x7fff (last entry of the 16th
 * table, 0x400000 + 0x3fff8 = 0x43fff8); L3 = IPA[24:14] = 0x155
 * (0x500000 + 0xaa8); offset 0x2345.
 */
START_TEST(test_concat_16k_40bit_l2)
{
	struct walk_params p = mkp(MMU_STAGE2, 14, 40, 2, 48, 0x400000);

	wfx_set(&fx.m, 0x43fff8, wfx_table(0x500000));
	wfx_set(&fx.m, 0x500aa8, wfx_s2_page(0x10000c000ull, S2AP_RW, 0));
	ck_assert_int_eq(walk(&p, 0xfffe556345ull, EL1R), 0);
	assert_ok(0x10000e345ull, 3, 14, 2);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x43fff8);
	ck_assert_uint_eq(fx.m.log[1].pa, 0x500aa8);
}
END_TEST

/*
 * 64K, 46-bit IPA, start L2: r = 46 - 29 = 17 bits, 16 tables of 8192 at
 * 0x1000000.  IPA 0x2000_0001_0008: L2 = IPA[45:29] = 0x10000 (first
 * entry of the 9th table: 0x1000000 + 0x80000), L3 = IPA[28:16] = 1
 * (0x2000008), offset 8.
 */
START_TEST(test_concat_64k_46bit_l2)
{
	struct walk_params p = mkp(MMU_STAGE2, 16, 46, 2, 48, 0x1000000);

	wfx_set(&fx.m, 0x1080000, wfx_table(0x2000000));
	wfx_set(&fx.m, 0x2000008, wfx_s2_page(0x300000000ull, S2AP_RW, 0));
	ck_assert_int_eq(walk(&p, 0x200000010008ull, EL1R), 0);
	assert_ok(0x300000008ull, 3, 16, 2);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x1080000);
}
END_TEST

/* ---- faults: translation, address size, access flag, permission ---- */

/*
 * The 4K 48-bit tables of test_4k_48bit_four_levels: IA 0xff80_0020_2008
 * reads 0x10ff8 (L0), 0x11000 (L1), 0x12008 (L2), 0x13010 (L3).
 */
#define F_IA 0xff8000202008ull
static const uint64_t f_desc[4] = { 0x10ff8, 0x11000, 0x12008, 0x13010 };
static const uint64_t f_table[4] = { 0x10000, 0x11000, 0x12000, 0x13000 };

static void f_build(enum mmu_stage st, uint64_t page)
{
	for (int l = 0; l < 3; l++)
		wfx_set(&fx.m, f_desc[l], wfx_table(f_table[l + 1]));
	wfx_set(&fx.m, f_desc[3], page);
	(void)st;
}

/* An invalid descriptor (bit 0 clear, whatever the other bits) at level L:
 * Translation fault at L after L+1 reads. */
START_TEST(test_translation_fault_each_level)
{
	for (unsigned si = 0; si < 2; si++) {
		enum mmu_stage st = STAGE_OF(si);
		struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);

		for (int l = 0; l < 4; l++) {
			wfx_mem_init(&fx.m);
			f_build(st, page_of(st, 0x40000000));
			wfx_set(&fx.m, f_desc[l], ~UINT64_C(1));
			ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
			assert_fault(MMU_FAULT_TRANSLATION, l, st, (unsigned)l + 1);
		}
	}
}
END_TEST

/*
 * Output size 40 bits (min of (I)PS and PARange): a next-table address or
 * output address with bit 40 set is an Address size fault at the level of
 * that descriptor (D8.15.1.2).  The largest address below 2^40 is fine.
 */
START_TEST(test_address_size_fault_each_level)
{
	for (unsigned si = 0; si < 2; si++) {
		enum mmu_stage st = STAGE_OF(si);
		struct walk_params p = mkp(st, 12, 48, 0, 40, 0x10000);

		for (int l = 0; l < 4; l++) {
			wfx_mem_init(&fx.m);
			f_build(st, page_of(st, 0x40000000));
			if (l < 3)
				wfx_set(&fx.m, f_desc[l], wfx_table(f_table[l + 1] | (UINT64_C(1) << 40)));
			else
				wfx_set(&fx.m, f_desc[3], page_of(st, UINT64_C(1) << 40));
			ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
			assert_fault(MMU_FAULT_ADDRESS_SIZE, l, st, (unsigned)l + 1);
		}
		/* a 2 MiB block at L2 above the output size: level 2 */
		wfx_mem_init(&fx.m);
		f_build(st, 0);
		wfx_set(&fx.m, f_desc[2], block_of(st, UINT64_C(1) << 41));
		ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
		assert_fault(MMU_FAULT_ADDRESS_SIZE, 2, st, 3);
		/* OA 0xff_ffff_f000 fits 40 bits */
		wfx_mem_init(&fx.m);
		f_build(st, page_of(st, 0xfffffff000ull));
		ck_assert_int_eq(walk(&p, F_IA, EL1R), 0);
		assert_ok(0xfffffff008ull, 3, 12, 4);
	}
}
END_TEST

/*
 * AF = 0 with HA = 0: Access flag fault at the leaf's level (L3 page, L2
 * and L1 blocks); it outranks a Permission fault (D8.15.5): an EL1 write
 * to a read-only page with AF = 0 reports access-flag.
 */
START_TEST(test_access_flag_fault)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);
	uint64_t ro_noaf = st == MMU_STAGE1 ? wfx_s1_page(0x40000000, AP_RO, WFX_NO_AF)
					    : wfx_s2_page(0x40000000, S2AP_RO, WFX_NO_AF);

	f_build(st, ro_noaf);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
	assert_fault(MMU_FAULT_ACCESS_FLAG, 3, st, 4);
	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 1);
	assert_fault(MMU_FAULT_ACCESS_FLAG, 3, st, 4);
	ck_assert_uint_eq(fx.m.writes, 0);

	/* L2 2 MiB block without AF */
	wfx_reset_counts(&fx.m);
	wfx_set(&fx.m, f_desc[2], block_of(st, 0x40000000) & ~DESC_AF);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
	assert_fault(MMU_FAULT_ACCESS_FLAG, 2, st, 3);

	/* L1 1 GiB block without AF */
	wfx_reset_counts(&fx.m);
	wfx_set(&fx.m, f_desc[1], block_of(st, 0x40000000) & ~DESC_AF);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
	assert_fault(MMU_FAULT_ACCESS_FLAG, 1, st, 2);
}
END_TEST

/* Permission faults at the leaf's level: L3 page and L1/L2 blocks that are
 * read-only (AP = 11 / S2AP = 01) take a write. */
START_TEST(test_permission_fault_levels)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);
	uint64_t ro = st == MMU_STAGE1 ? wfx_s1_page(0x40000000, AP_RO, 0)
				       : wfx_s2_page(0x40000000, S2AP_RO, 0);

	f_build(st, ro);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 0);
	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 1);
	assert_fault(MMU_FAULT_PERMISSION, 3, st, 4);

	wfx_reset_counts(&fx.m);
	wfx_set(&fx.m, f_desc[2], (ro & ~DESC_TYPE_MASK) | DESC_TYPE_BLOCK);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 1);
	assert_fault(MMU_FAULT_PERMISSION, 2, st, 3);

	wfx_reset_counts(&fx.m);
	wfx_set(&fx.m, f_desc[1], (ro & ~DESC_TYPE_MASK) | DESC_TYPE_BLOCK);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 1);
	assert_fault(MMU_FAULT_PERMISSION, 1, st, 2);
}
END_TEST

/*
 * Faults decided before any read, at level 0: cfg_fault (an illegal TxSZ/SL0
 * or EPD: Translation; a base above the output size: Address size), and at
 * stage 2 an IPA at or above 2^ia_bits (AArch64.IPAIsOutOfRange).
 */
START_TEST(test_level0_faults_without_reads)
{
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);

	f_build(MMU_STAGE1, page_of(MMU_STAGE1, 0x40000000));
	p.cfg_fault = MMU_FAULT_TRANSLATION;
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 0, 1, 0);
	p.cfg_fault = MMU_FAULT_ADDRESS_SIZE;
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 1);
	assert_fault(MMU_FAULT_ADDRESS_SIZE, 0, 1, 0);

	/* stage 2, 40-bit IPA: 2^40 is out of range */
	p = mkp(MMU_STAGE2, 12, 40, 1, 48, 0x40000);
	ck_assert_int_eq(walk(&p, UINT64_C(1) << 40, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 0, 2, 0);
	ck_assert_uint_eq(fx.out.fault.ipa, UINT64_C(1) << 40);
	/* ... and it outranks a base address-size problem */
	p.cfg_fault = MMU_FAULT_ADDRESS_SIZE;
	ck_assert_int_eq(walk(&p, UINT64_C(1) << 40, EL1R), 1);
	assert_fault(MMU_FAULT_TRANSLATION, 0, 2, 0);
}
END_TEST

/* A failing memory read is an error (negative), not a fault. */
START_TEST(test_memory_error_propagates)
{
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);

	f_build(MMU_STAGE1, page_of(MMU_STAGE1, 0x40000000));
	fx.m.fail = true;
	fx.m.fail_pa = f_desc[2];
	ck_assert_int_eq(walk(&p, F_IA, EL1R), SIM_E_IO);
}
END_TEST

/* ---- hardware access flag and dirty state ---- */

/*
 * HA = 1: a leaf with AF = 0 translates, the descriptor is rewritten with
 * AF = 1 (one counted write to the leaf's address, after the four reads),
 * and a second walk sees AF = 1 and writes nothing.
 */
START_TEST(test_ha_sets_access_flag)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);
	uint64_t leaf = page_of(st, 0x40000000) & ~DESC_AF;

	p.ha = true;
	f_build(st, leaf);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 0);
	ck_assert_uint_eq(fx.out.oa, 0x40000008);
	ck_assert(fx.out.updated);
	ck_assert_uint_eq(fx.m.reads, 4);
	ck_assert_uint_eq(fx.m.writes, 1);
	ck_assert(fx.m.log[4].write);
	ck_assert_uint_eq(fx.m.log[4].pa, f_desc[3]);
	ck_assert_uint_eq(wfx_get(&fx.m, f_desc[3]), leaf | DESC_AF);

	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 0);
	ck_assert(!fx.out.updated);
	ck_assert_uint_eq(fx.m.writes, 0);
}
END_TEST

/*
 * HD + DBM (D8.5.2): a write to a writable-clean page (stage 1 AP[2] = 1,
 * stage 2 S2AP[1] = 0, DBM = 1) succeeds and makes it dirty in memory:
 * stage 1 clears AP[2], stage 2 sets S2AP[1].  A read changes nothing.
 * Without HD the write is a Permission fault and memory is unchanged; HD
 * without HA does nothing (decoding enforces it; here hd alone).
 */
START_TEST(test_hd_dbm_dirty_state)
{
	enum mmu_stage st = STAGE_OF(_i);
	struct walk_params p = mkp(st, 12, 48, 0, 48, 0x10000);
	uint64_t clean = st == MMU_STAGE1 ? wfx_s1_page(0x40000000, AP_EL1_RO, WFX_DBM)
					  : wfx_s2_page(0x40000000, S2AP_RO, WFX_DBM);
	uint64_t dirty = st == MMU_STAGE1 ? clean & ~DESC_AP_RO : clean | DESC_S2AP_W;

	p.ha = true;
	f_build(st, clean);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 1);        /* HD = 0 */
	assert_fault(MMU_FAULT_PERMISSION, 3, st, 4);
	ck_assert_uint_eq(fx.m.writes, 0);

	p.hd = true;
	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 0);
	ck_assert_uint_eq(fx.m.writes, 0);
	ck_assert_uint_eq(wfx_get(&fx.m, f_desc[3]), clean);

	ck_assert_int_eq(walk(&p, F_IA, EL1W), 0);
	ck_assert_uint_eq(fx.out.oa, 0x40000008);
	ck_assert_uint_eq(fx.m.writes, 1);
	ck_assert_uint_eq(wfx_get(&fx.m, f_desc[3]), dirty);

	/* AF = 0 as well: one write sets AF and the dirty state together */
	wfx_set(&fx.m, f_desc[3], clean & ~DESC_AF);
	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 0);
	ck_assert_uint_eq(fx.m.writes, 1);
	ck_assert_uint_eq(wfx_get(&fx.m, f_desc[3]), dirty);

	/* HD without HA has no effect (and neither has HA) */
	p.ha = false;
	wfx_set(&fx.m, f_desc[3], clean);
	wfx_reset_counts(&fx.m);
	ck_assert_int_eq(walk(&p, F_IA, EL1W), 1);
	assert_fault(MMU_FAULT_PERMISSION, 3, st, 4);
	ck_assert_uint_eq(wfx_get(&fx.m, f_desc[3]), clean);
}
END_TEST

/* ---- permissions ---- */

/*
 * Stage-1 data permissions, two privilege levels (table D8-63), for each
 * AP[2:1] and each of EL1/EL0 read/write.  Row: AP; columns: EL1R EL1W
 * EL0R EL0W (1 = allowed).
 */
static const unsigned char ap_table[4][4] = {
	{ 1, 1, 0, 0 },         /* 00 EL1 RW, EL0 none */
	{ 1, 1, 1, 1 },         /* 01 EL1 RW, EL0 RW */
	{ 1, 0, 0, 0 },         /* 10 EL1 R */
	{ 1, 0, 1, 0 },         /* 11 EL1 R, EL0 R */
};

static void check_access(const struct walk_params *p, struct mmu_access acc, bool allowed, int level)
{
	wfx_reset_counts(&fx.m);
	if (allowed) {
		ck_assert_int_eq(walk(p, F_IA, acc), 0);
		ck_assert_uint_eq(fx.out.oa, 0x40000008);
	} else {
		ck_assert_int_eq(walk(p, F_IA, acc), 1);
		assert_fault(MMU_FAULT_PERMISSION, level, p->stage, 4);
	}
}

START_TEST(test_s1_ap_every_value)
{
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);
	unsigned ap = (unsigned)_i;

	f_build(MMU_STAGE1, wfx_s1_page(0x40000000, ap, 0));
	check_access(&p, EL1R, ap_table[ap][0], 3);
	check_access(&p, EL1W, ap_table[ap][1], 3);
	check_access(&p, EL0R, ap_table[ap][2], 3);
	check_access(&p, EL0W, ap_table[ap][3], 3);
}
END_TEST

/*
 * APTable (table D8-64) on the level-0 table descriptor, leaf AP = 01
 * (RW at both ELs): 00 no effect; 01 no EL0 access; 10 no writes at either
 * EL; 11 both.  The fault is reported at the leaf's level (3, D8.15.1.5).
 * With HPD = 1 APTable is ignored.
 */
START_TEST(test_aptable_and_hpd)
{
	static const unsigned char allow[4][4] = {
		{ 1, 1, 1, 1 },
		{ 1, 1, 0, 0 },
		{ 1, 0, 1, 0 },
		{ 1, 0, 0, 0 },
	};
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);
	unsigned apt = (unsigned)_i;

	f_build(MMU_STAGE1, wfx_s1_page(0x40000000, AP_RW, 0));
	wfx_set(&fx.m, f_desc[0], wfx_table_attrs(f_table[1], apt, false, false));
	check_access(&p, EL1R, allow[apt][0], 3);
	check_access(&p, EL1W, allow[apt][1], 3);
	check_access(&p, EL0R, allow[apt][2], 3);
	check_access(&p, EL0W, allow[apt][3], 3);

	p.hpd = true;
	check_access(&p, EL1R, true, 3);
	check_access(&p, EL1W, true, 3);
	check_access(&p, EL0R, true, 3);
	check_access(&p, EL0W, true, 3);
}
END_TEST

/*
 * APTable at a lower level (L2 table descriptor) also applies, and an
 * APTable fault under a 2 MiB block is reported at level 2.
 */
START_TEST(test_aptable_lower_level_block)
{
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);

	f_build(MMU_STAGE1, 0);
	wfx_set(&fx.m, f_desc[1], wfx_table_attrs(f_table[2], 2, false, false));
	wfx_set(&fx.m, f_desc[2], wfx_s1_block(0x40000000, AP_RW, 0));
	ck_assert_int_eq(walk(&p, F_IA, EL1R), 0);
	ck_assert_uint_eq(fx.out.oa, 0x40002008);   /* 2 MiB block, IA[20:0] = 0x2008 */
	ck_assert_int_eq(walk(&p, F_IA, EL0W), 1);
	ck_assert_int_eq(fx.out.fault.type, MMU_FAULT_PERMISSION);
	ck_assert_int_eq(fx.out.fault.level, 2);
}
END_TEST

/*
 * Execute permission bits the stage grants (out->prot): UXN/PXN and the
 * XNTable bits; a page EL0 can write is never EL1-executable (R VWLLR).
 */
START_TEST(test_s1_execute_prot)
{
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);

	ck_assert_uint_eq(walk_s1_prot(&p, wfx_s1_page(0, AP_EL1_RW, 0), 0),
			  MMU_PROT_EL1_R | MMU_PROT_EL1_W | MMU_PROT_EL1_X | MMU_PROT_EL0_X);
	ck_assert_uint_eq(walk_s1_prot(&p, wfx_s1_page(0, AP_RW, 0), 0),
			  MMU_PROT_EL1_R | MMU_PROT_EL1_W | MMU_PROT_EL0_R | MMU_PROT_EL0_W |
			  MMU_PROT_EL0_X);
	ck_assert_uint_eq(walk_s1_prot(&p, wfx_s1_page(0, AP_RO, 0) | DESC_UXN | DESC_PXN, 0),
			  MMU_PROT_EL1_R | MMU_PROT_EL0_R);
	ck_assert_uint_eq(walk_s1_prot(&p, wfx_s1_page(0, AP_RO, 0), WALK_TATTR_UXN | WALK_TATTR_PXN),
			  MMU_PROT_EL1_R | MMU_PROT_EL0_R);
	p.hpd = true;
	ck_assert_uint_eq(walk_s1_prot(&p, wfx_s1_page(0, AP_RO, 0), WALK_TATTR_UXN | WALK_TATTR_PXN),
			  MMU_PROT_EL1_R | MMU_PROT_EL0_R | MMU_PROT_EL1_X | MMU_PROT_EL0_X);
}
END_TEST

/*
 * Stage-2 S2AP (table D8-76): 00 none, 01 read, 10 write, 11 both; EL0 and
 * EL1 alike.
 */
START_TEST(test_s2ap_every_value)
{
	static const unsigned char allow[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
	struct walk_params p = mkp(MMU_STAGE2, 12, 48, 0, 48, 0x10000);
	unsigned ap = (unsigned)_i;

	f_build(MMU_STAGE2, wfx_s2_page(0x40000000, ap, 0));
	check_access(&p, EL1R, allow[ap][0], 3);
	check_access(&p, EL1W, allow[ap][1], 3);
	check_access(&p, EL0R, allow[ap][0], 3);
	check_access(&p, EL0W, allow[ap][1], 3);
}
END_TEST

/* ---- starting from a cached table ---- */

/*
 * A walk-cache hit supplies the level-2 table (0x12000) and the attributes
 * above it: only the L2 and L3 descriptors are read (0x12008, 0x13010), and
 * APTable[0] carried in tattrs denies EL0.
 */
START_TEST(test_walk_start_partial)
{
	struct walk_params p = mkp(MMU_STAGE1, 12, 48, 0, 48, 0x10000);
	struct walk_start ws = { .level = 2, .table = 0x12000, .tattrs = 0 };

	f_build(MMU_STAGE1, wfx_s1_page(0x40000000, AP_RW, 0));
	ck_assert_int_eq(walk_stage(&p, F_IA, EL0R, &ws, &fx.io, &fx.out), 0);
	ck_assert_uint_eq(fx.out.oa, 0x40000008);
	ck_assert_uint_eq(fx.m.reads, 2);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x12008);
	ck_assert_uint_eq(fx.m.log[1].pa, 0x13010);

	ws.tattrs = WALK_TATTR_AP0;
	ck_assert_int_eq(walk_stage(&p, F_IA, EL0R, &ws, &fx.io, &fx.out), 1);
	ck_assert_int_eq(fx.out.fault.type, MMU_FAULT_PERMISSION);
	ck_assert_int_eq(fx.out.fault.level, 3);
}
END_TEST

static Suite *walk_suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc;

	tc = tcase_create("geometry");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_4k_39bit_three_levels, 0, 2);
	tcase_add_loop_test(tc, test_4k_48bit_four_levels, 0, 2);
	tcase_add_loop_test(tc, test_16k_47bit_three_levels, 0, 2);
	tcase_add_loop_test(tc, test_16k_48bit_two_entry_level0, 0, 2);
	tcase_add_loop_test(tc, test_64k_42bit_two_levels, 0, 2);
	tcase_add_loop_test(tc, test_64k_48bit_64_entry_level1, 0, 2);
	tcase_add_loop_test(tc, test_64k_lpa_oa_high_bits, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("blocks");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_block_4k_l1, 0, 2);
	tcase_add_loop_test(tc, test_block_4k_l2, 0, 2);
	tcase_add_loop_test(tc, test_block_16k_l2, 0, 2);
	tcase_add_loop_test(tc, test_block_64k_l2, 0, 2);
	tcase_add_loop_test(tc, test_block_64k_l1_needs_lpa, 0, 2);
	tcase_add_loop_test(tc, test_block_illegal_levels, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("concatenation");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_concat_4k_40bit_l1);
	tcase_add_test(tc, test_concat_16k_40bit_l2);
	tcase_add_test(tc, test_concat_64k_46bit_l2);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_translation_fault_each_level);
	tcase_add_test(tc, test_address_size_fault_each_level);
	tcase_add_loop_test(tc, test_access_flag_fault, 0, 2);
	tcase_add_loop_test(tc, test_permission_fault_levels, 0, 2);
	tcase_add_test(tc, test_level0_faults_without_reads);
	tcase_add_test(tc, test_memory_error_propagates);
	suite_add_tcase(s, tc);

	tc = tcase_create("hardware_updates");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_ha_sets_access_flag, 0, 2);
	tcase_add_loop_test(tc, test_hd_dbm_dirty_state, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("permissions");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_s1_ap_every_value, 0, 4);
	tcase_add_loop_test(tc, test_aptable_and_hpd, 0, 4);
	tcase_add_test(tc, test_aptable_lower_level_block);
	tcase_add_test(tc, test_s1_execute_prot);
	tcase_add_loop_test(tc, test_s2ap_every_value, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("walk_start");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_walk_start_partial);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(walk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
