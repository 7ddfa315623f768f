/*
 * tests/test_pgtable.c - the translation-table builder.
 *
 * Expected descriptor addresses and values are computed by hand in the
 * comments (index = IA bits of the level, address = table + 8 * index) and
 * written as literals, so a wrong shift or mask in the builder fails here.
 * The last group walks the built tables with walk_stage() across granules,
 * IPA sizes and start levels.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/desc.h"
#include "mmu/geom.h"
#include "mmu/pgtable.h"
#include "mmu/walk.h"

#define GiB (UINT64_C(1) << 30)

struct fx {
	struct pmem pm;
	struct pmem_falloc fa;
	struct sim_error err;
	uint64_t resolve_off;           /* table space -> PA offset */
	unsigned allocs;
	struct pgt t;
};

static struct fx fx;

static int fx_alloc(void *ctx, uint64_t size, uint64_t *addr, struct sim_error *err)
{
	struct fx *f = ctx;

	f->allocs++;
	return pmem_falloc_alloc(&f->fa, size, size, addr, err);
}

static int fx_resolve(void *ctx, uint64_t addr, uint64_t *pa, struct sim_error *err)
{
	struct fx *f = ctx;

	(void)err;
	*pa = addr + f->resolve_off;
	return 0;
}

static const struct pgt_backing identity_backing = { .alloc = fx_alloc, .ctx = &fx };
static const struct pgt_backing offset_backing = {
	.alloc = fx_alloc, .resolve = fx_resolve, .ctx = &fx,
};

/* Table memory from 0x80000000 upwards; every request is aligned to its
 * size and served in order from the low end. */
static void setup_at(uint64_t base)
{
	memset(&fx, 0, sizeof(fx));
	ck_assert_int_eq(pmem_init(&fx.pm, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_init(&fx.fa, base, UINT64_C(1) << 40, GiB, &fx.err), 0);
}

static void setup(void)
{
	setup_at(0x80000000);
}

static void teardown(void)
{
	pmem_destroy(&fx.pm);
}

/* A fresh fixture with table memory from @base, inside a test. */
static void restart_at(uint64_t base)
{
	teardown();
	setup_at(base);
}

static void build(enum mmu_stage stage, unsigned g, unsigned ia, int start, unsigned oa,
		  unsigned pamax, const struct pgt_backing *b)
{
	struct pgt_geom geom = {
		.stage = stage, .granule_shift = (uint8_t)g, .ia_bits = (uint8_t)ia,
		.start_level = (int8_t)start, .oa_bits = (uint8_t)oa, .pamax = (uint8_t)pamax,
	};
	int rc = pgt_init(&fx.t, &geom, &fx.pm, b ? b : &identity_backing, &fx.err);

	ck_assert_msg(rc == 0, "pgt_init: %s", fx.err.msg);
}

static uint64_t word(uint64_t pa)
{
	uint64_t v = 0;

	ck_assert_int_eq(pmem_read64(&fx.pm, pa, &v), 0);
	return v;
}

static void map_ok(uint64_t ia, uint64_t oa, int level, const struct pgt_attrs *a)
{
	int rc = pgt_map(&fx.t, ia, oa, level, a, &fx.err);

	ck_assert_msg(rc == 0, "pgt_map(0x%llx): %s", (unsigned long long)ia, fx.err.msg);
}

static void map_refused(uint64_t ia, uint64_t oa, int level, const char *why)
{
	uint64_t writes = fx.pm.st.writes, tables = fx.t.st.tables;

	sim_error_clear(&fx.err);
	ck_assert_int_eq(pgt_map(&fx.t, ia, oa, level, NULL, &fx.err), SIM_E_INVAL);
	ck_assert_msg(strstr(fx.err.msg, why), "message \"%s\" lacks \"%s\"", fx.err.msg, why);
	ck_assert_uint_eq(fx.pm.st.writes, writes);
	ck_assert_uint_eq(fx.t.st.tables, tables);
}

/* ---- stage 1, 4K granule, 48-bit VA: levels 0-3 ---- */

START_TEST(test_4k48_page_path)
{
	struct pgt_attrs user = { .el0 = true, .ng = true, .pxn = true };

	build(MMU_STAGE1, 12, 48, 0, 40, 48, NULL);
	ck_assert_uint_eq(fx.t.root, 0x80000000);
	ck_assert_uint_eq(fx.t.root_tables, 1);
	/* VA 0x123456789000: L0 0x24, L1 0xd1, L2 0xb3, L3 0x189.
	 * Tables come in order: L1 0x80001000, L2 0x80002000, L3 0x80003000. */
	map_ok(0x123456789000, 0x400003000, 3, &user);
	ck_assert_uint_eq(word(0x80000000 + 0x24 * 8), 0x80001003);
	ck_assert_uint_eq(word(0x80001000 + 0xd1 * 8), 0x80002003);
	ck_assert_uint_eq(word(0x80002000 + 0xb3 * 8), 0x80003003);
	/* page | AF 0x400 | AP[1] 0x40 | nG 0x800 | PXN bit 53 */
	ck_assert_uint_eq(word(0x80003000 + 0x189 * 8), 0x0020000400003c43);
	ck_assert_uint_eq(fx.t.st.tables, 4);
	ck_assert_uint_eq(fx.t.st.pages, 1);
	ck_assert_uint_eq(fx.allocs, 4);
	/* The neighbouring page reuses every table. */
	map_ok(0x12345678a000, 0x400005000, 3, NULL);
	ck_assert_uint_eq(word(0x80003000 + 0x18a * 8), 0x400005403);
	ck_assert_uint_eq(fx.t.st.tables, 4);
	ck_assert_uint_eq(fx.allocs, 4);
	ck_assert_uint_eq(fx.t.st.pages, 2);
}
END_TEST

START_TEST(test_4k48_blocks)
{
	struct pgt_attrs ro_xn = { .read_only = true, .xn = true };

	build(MMU_STAGE1, 12, 48, 0, 40, 48, NULL);
	map_ok(0x123456789000, 0x400003000, 3, NULL);
	/* 2M block at VA 0x123456800000: L2 index 0xb4 in the L2 table at
	 * 0x80002000; block | AF | AP[2] 0x80 | UXN bit 54. */
	map_ok(0x123456800000, 0x40000000, 2, &ro_xn);
	ck_assert_uint_eq(word(0x80002000 + 0xb4 * 8), 0x0040000040000481);
	/* 1G block at VA 0x7fc0000000: L0 0 (new L1 table 0x80004000), L1 0x1ff. */
	map_ok(0x7fc0000000, 0xc0000000, 1, NULL);
	ck_assert_uint_eq(word(0x80000000), 0x80004003);
	ck_assert_uint_eq(word(0x80004000 + 0x1ff * 8), 0xc0000401);
	ck_assert_uint_eq(fx.t.st.blocks, 2);
	ck_assert_uint_eq(fx.t.st.tables, 5);
}
END_TEST

START_TEST(test_4k48_refusals)
{
	build(MMU_STAGE1, 12, 48, 0, 40, 48, NULL);
	map_ok(0x123456789000, 0x400003000, 3, NULL);
	map_ok(0x123456800000, 0x40000000, 2, NULL);
	map_refused(0, 0, 0, "allows no block at level 0");
	map_refused(0x123456789000, 0x400003000, 3, "already mapped at level 3");
	map_refused(0x123456801000, 0x400009000, 3, "already mapped by a level-2 block");
	map_refused(0x123456600000, 0x40200000, 2, "points to a table");
	map_refused(0x123456788000, 0x400003800, 3, "not aligned");
	map_refused(0x123456700000, 0x40100000, 2, "not aligned");
	map_refused(UINT64_C(1) << 48, 0, 3, "above the 48-bit input size");
	map_refused(0x1000, UINT64_C(1) << 40, 3, "above the 40-bit output size");
	map_refused(0x1000, 0, 4, "outside");
}
END_TEST

START_TEST(test_lookup_unmap_set_attrs)
{
	struct pgt_leaf leaf;
	struct pgt_attrs ro = { .read_only = true };

	build(MMU_STAGE1, 12, 48, 0, 40, 48, NULL);
	map_ok(0x123456789000, 0x400003000, 3, NULL);
	map_ok(0x12345678a000, 0x400005000, 3, NULL);
	map_ok(0x123456800000, 0x40000000, 2, NULL);

	ck_assert_int_eq(pgt_lookup(&fx.t, 0x123456812345, &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	ck_assert_int_eq(leaf.level, 2);
	ck_assert_uint_eq(leaf.shift, 21);
	ck_assert_uint_eq(leaf.oa, 0x40012345);
	ck_assert_uint_eq(leaf.desc_addr, 0x80002000 + 0xb4 * 8);

	/* An empty L1 slot: the lookup stops at level 1. */
	ck_assert_int_eq(pgt_lookup(&fx.t, 0x123480000000, &leaf, &fx.err), 0);
	ck_assert(!leaf.mapped);
	ck_assert_int_eq(leaf.level, 1);

	ck_assert_int_eq(pgt_unmap(&fx.t, 0x123456789abc, &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	ck_assert_int_eq(leaf.level, 3);
	ck_assert_uint_eq(leaf.oa, 0x400003abc);
	ck_assert_uint_eq(word(0x80003000 + 0x189 * 8), 0);
	ck_assert_uint_eq(fx.t.st.unmaps, 1);
	ck_assert_int_eq(pgt_lookup(&fx.t, 0x123456789000, &leaf, &fx.err), 0);
	ck_assert(!leaf.mapped);
	ck_assert_int_eq(leaf.level, 3);
	/* Unmapping again changes nothing. */
	ck_assert_int_eq(pgt_unmap(&fx.t, 0x123456789000, &leaf, &fx.err), 0);
	ck_assert(!leaf.mapped);
	ck_assert_uint_eq(fx.t.st.unmaps, 1);
	/* The slot can be mapped again, elsewhere. */
	map_ok(0x123456789000, 0x400007000, 3, NULL);
	ck_assert_uint_eq(word(0x80003000 + 0x189 * 8), 0x400007403);

	/* Attributes change in place, type and OA kept. */
	ck_assert_int_eq(pgt_set_attrs(&fx.t, 0x12345678a000, &ro, &fx.err), 0);
	ck_assert_uint_eq(word(0x80003000 + 0x18a * 8), 0x400005483);
	ck_assert_int_eq(pgt_set_attrs(&fx.t, 0x123456800000, &ro, &fx.err), 0);
	ck_assert_uint_eq(word(0x80002000 + 0xb4 * 8), 0x40000481);
	/* Unmapping a block clears the whole 2M. */
	ck_assert_int_eq(pgt_unmap(&fx.t, 0x1234569fffff, &leaf, &fx.err), 0);
	ck_assert_int_eq(leaf.level, 2);
	ck_assert_uint_eq(word(0x80002000 + 0xb4 * 8), 0);
	ck_assert_int_eq(pgt_set_attrs(&fx.t, 0x123456800000, &ro, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);

	/* Bits change in place, all others kept (an OS setting AF or making a
	 * page writable; the Contiguous bit is an attribute like any other). */
	{
		struct pgt_attrs c = { .contiguous = true, .no_af = true, .dbm = true,
				       .read_only = true };

		map_ok(0x123456000000, 0x400010000, 3, &c);
		ck_assert_int_eq(pgt_lookup(&fx.t, 0x123456000000, &leaf, &fx.err), 0);
		ck_assert_uint_eq(word(leaf.desc_addr), 0x400010083 | DESC_CONT | DESC_DBM);
		ck_assert_int_eq(pgt_update_leaf(&fx.t, 0x123456000abc, DESC_AF, DESC_AP_RO,
						 &leaf, &fx.err), 0);
		ck_assert_uint_eq(leaf.desc, 0x400010083 | DESC_CONT | DESC_DBM);
		ck_assert_uint_eq(word(leaf.desc_addr), 0x400010403 | DESC_CONT | DESC_DBM);
		ck_assert_int_eq(pgt_update_leaf(&fx.t, 0x123456000000, 0, DESC_TYPE_TABLE, NULL,
						 &fx.err), SIM_E_INVAL);
		sim_error_clear(&fx.err);
		ck_assert_int_eq(pgt_update_leaf(&fx.t, 0x123456000000, BIT(20), 0, NULL, &fx.err),
				 SIM_E_INVAL);
		sim_error_clear(&fx.err);
		ck_assert_int_eq(pgt_update_leaf(&fx.t, 0x123400000000, DESC_AF, 0, NULL, &fx.err),
				 SIM_E_INVAL);
		ck_assert_ptr_nonnull(strstr(fx.err.msg, "not mapped"));
	}
}
END_TEST

/* ---- other granules at stage 1 ---- */

START_TEST(test_16k47)
{
	build(MMU_STAGE1, 14, 47, 1, 40, 48, NULL);
	ck_assert_uint_eq(fx.t.root, 0x80000000);
	/* VA 0x7fedcba98000: L1 0x7fe, L2 0x6e5, L3 0x6a6; 16K tables at
	 * 0x80004000 (L2) and 0x80008000 (L3). */
	map_ok(0x7fedcba98000, 0x12344000, 3, NULL);
	ck_assert_uint_eq(word(0x80000000 + 0x7fe * 8), 0x80004003);
	ck_assert_uint_eq(word(0x80004000 + 0x6e5 * 8), 0x80008003);
	ck_assert_uint_eq(word(0x80008000 + 0x6a6 * 8), 0x12344403);
	/* 32M block: L2 index 0x6e1. */
	map_ok(0x7fedc2000000, 0x0a000000, 2, NULL);
	ck_assert_uint_eq(word(0x80004000 + 0x6e1 * 8), 0x0a000401);
	map_refused(0x7fc000000000, 0, 1, "allows no block at level 1");
	ck_assert_uint_eq(fx.t.st.tables, 3);
}
END_TEST

START_TEST(test_64k42_two_levels)
{
	build(MMU_STAGE1, 16, 42, 2, 48, 48, NULL);
	/* 13-bit L2 index 0x1555, L3 index 0x1bcc; L3 table at 0x80010000. */
	map_ok(0x2aabbcc0000, 0x7770000, 3, NULL);
	ck_assert_uint_eq(word(0x80000000 + 0x1555 * 8), 0x80010003);
	ck_assert_uint_eq(word(0x80010000 + 0x1bcc * 8), 0x7770403);
	/* 512M block */
	map_ok(0x20000000, 0x60000000, 2, NULL);
	ck_assert_uint_eq(word(0x80000000 + 1 * 8), 0x60000401);
}
END_TEST

START_TEST(test_64k48_l1_block_needs_lpa)
{
	build(MMU_STAGE1, 16, 48, 1, 48, 48, NULL);
	map_refused(0xfc0000000000, 0, 1, "allows no block at level 1");
	restart_at(0x80000000);
	/* PAMax 52: 4T blocks exist, and OA[51:48] goes to bits [15:12]:
	 * OA 0x5000000000000 -> 0x5000 | block | AF.  L1 index 0x3f. */
	build(MMU_STAGE1, 16, 48, 1, 52, 52, NULL);
	map_ok(0xfc0000000000, UINT64_C(0x5000000000000), 1, NULL);
	ck_assert_uint_eq(word(0x80000000 + 0x3f * 8), 0x5401);
}
END_TEST

/* ---- stage 2: concatenated start tables ---- */

START_TEST(test_s2_4k40_two_tables)
{
	restart_at(0x80001000);   /* force the allocator to align the root */
	build(MMU_STAGE2, 12, 40, 1, 48, 48, NULL);
	/* r = 40 - 30 = 10 bits: 1024 entries, two 4K tables, 8K aligned. */
	ck_assert_uint_eq(fx.t.root_tables, 2);
	ck_assert_uint_eq(fx.t.root, 0x80002000);
	ck_assert_uint_eq(fx.t.st.tables, 2);
	/* IPA 0x8040201000: L1 0x201 (in the second table), L2 1, L3 1. */
	map_ok(0x8040201000, 0x123456000, 3, NULL);
	ck_assert_uint_eq(word(0x80002000 + 0x201 * 8), 0x80004003);
	ck_assert_uint_eq(word(0x80004000 + 8), 0x80005003);
	/* page | S2AP RW 0xc0 | MemAttr 0xf << 2 | AF */
	ck_assert_uint_eq(word(0x80005000 + 8), 0x1234564ff);
	/* A 1G block at the start level, first table. */
	map_ok(0xc0000000, 0x200000000, 1, NULL);
	ck_assert_uint_eq(word(0x80002000 + 3 * 8), 0x2000004fd);
	ck_assert_uint_eq(fx.t.st.tables, 4);
}
END_TEST

START_TEST(test_s2_16k40_sixteen_tables)
{
	struct pgt_attrs dev = { .device = true, .read_only = true, .xn = true };

	restart_at(0x80004000);
	build(MMU_STAGE2, 14, 40, 2, 48, 48, NULL);
	/* r = 40 - 25 = 15 bits: 32768 entries = 16 tables of 16K, 256K aligned. */
	ck_assert_uint_eq(fx.t.root_tables, 16);
	ck_assert_uint_eq(fx.t.root, 0x80040000);
	ck_assert_uint_eq(fx.t.st.tables, 16);
	/* IPA 0xabcdef4000: L2 0x55e6, L3 0x7bd; L3 table at 0x80080000. */
	map_ok(0xabcdef4000, 0x400008000, 3, NULL);
	ck_assert_uint_eq(word(0x80040000 + 0x55e6 * 8), 0x80080003);
	ck_assert_uint_eq(word(0x80080000 + 0x7bd * 8), 0x4000084ff);
	/* 32M device block, read-only, XN: MemAttr 1 << 2, S2AP R 0x40. */
	map_ok(0xfffe000000, 0x2000000, 2, &dev);
	ck_assert_uint_eq(word(0x80040000 + 0x7fff * 8), 0x0040000002000445);
	ck_assert_uint_eq(fx.t.st.tables, 17);
}
END_TEST

START_TEST(test_geometry_checks)
{
	struct pgt_geom g = { .stage = MMU_STAGE2, .granule_shift = 12, .ia_bits = 40,
			      .start_level = 2, .oa_bits = 48, .pamax = 48 };

	/* 4K 40-bit at level 2 would need 1024 tables. */
	ck_assert_int_eq(pgt_init(&fx.t, &g, &fx.pm, &identity_backing, &fx.err), SIM_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(fx.err.msg, "16 concatenated"));
	sim_error_clear(&fx.err);
	/* a level-0 start needs PAMax >= 44 */
	g.ia_bits = 42;
	g.start_level = 0;
	g.pamax = 40;
	g.oa_bits = 40;
	ck_assert_int_eq(pgt_check_geom(&g, &fx.err), SIM_E_CONFIG);
	sim_error_clear(&fx.err);
	/* stage 1 start level is derived from the VA size */
	g = (struct pgt_geom){ .stage = MMU_STAGE1, .granule_shift = 12, .ia_bits = 48,
			       .start_level = 1, .oa_bits = 48, .pamax = 48 };
	ck_assert_int_eq(pgt_check_geom(&g, &fx.err), SIM_E_CONFIG);
	sim_error_clear(&fx.err);
	g.granule_shift = 13;
	ck_assert_int_eq(pgt_check_geom(&g, &fx.err), SIM_E_CONFIG);
	sim_error_clear(&fx.err);
	g.granule_shift = 12;
	g.start_level = 0;
	g.oa_bits = 52;
	g.pamax = 52;
	ck_assert_int_eq(pgt_check_geom(&g, &fx.err), SIM_E_CONFIG);    /* 4K, 52-bit OA */
	sim_error_clear(&fx.err);
	g.oa_bits = 48;
	ck_assert_int_eq(pgt_check_geom(&g, &fx.err), 0);
	ck_assert_uint_eq(fx.allocs, 0);
}
END_TEST

/* ---- tables in another address space (guest stage 1 under stage 2) ---- */

START_TEST(test_resolved_backing)
{
	struct pgt_leaf leaf;

	restart_at(0x40000000);
	fx.resolve_off = UINT64_C(0x100000000);
	build(MMU_STAGE1, 12, 39, 1, 40, 48, &offset_backing);
	ck_assert_uint_eq(fx.t.root, 0x40000000);
	/* VA 0x40201000: L1 1, L2 1, L3 1.  Descriptors hold IPAs; the words
	 * live at IPA + 4G. */
	map_ok(0x40201000, 0x12345000, 3, NULL);
	ck_assert_uint_eq(word(0x140000008), 0x40001003);
	ck_assert_uint_eq(word(0x140001008), 0x40002003);
	ck_assert_uint_eq(word(0x140002008), 0x12345403);
	ck_assert_uint_eq(word(0x40000008), 0);
	ck_assert_int_eq(pgt_lookup(&fx.t, 0x40201fff, &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	ck_assert_uint_eq(leaf.oa, 0x12345fff);
	ck_assert_uint_eq(leaf.desc_addr, 0x40002008);
}
END_TEST

/* ---- walking what was built ---- */

static int io_fetch(void *ctx, const struct walk_params *p, int level, uint64_t addr,
		    uint64_t *desc, struct mmu_fault *f)
{
	(void)p; (void)level; (void)f;
	return pmem_read64(ctx, addr, desc);
}

static int io_update(void *ctx, const struct walk_params *p, int level, uint64_t addr,
		     uint64_t val, struct mmu_fault *f)
{
	(void)p; (void)level; (void)f;
	return pmem_write64(ctx, addr, val);
}

static struct walk_params params_of(const struct pgt *t)
{
	return (struct walk_params){
		.stage = t->g.stage, .regime = MMU_REGIME_EL10, .table_base = t->root,
		.granule_shift = t->g.granule_shift, .ia_bits = t->g.ia_bits,
		.start_level = t->g.start_level, .oa_bits = t->g.oa_bits,
		.pamax = t->g.pamax, .lpa64k = t->g.granule_shift == 16 && t->g.oa_bits == 52,
		.cfg_fault = MMU_FAULT_NONE,
	};
}

static void walk_expect(uint64_t ia, uint64_t oa, int level, unsigned reads)
{
	struct walk_params p = params_of(&fx.t);
	struct walk_io io = { .fetch = io_fetch, .update = io_update, .ctx = &fx.pm };
	struct mmu_access acc = { .type = MMU_ACC_READ, .el = 1 };
	struct walk_out out;
	int rc = walk_stage(&p, ia, acc, NULL, &io, &out);

	ck_assert_msg(rc == 0, "walk of 0x%llx: rc %d fault %d at level %d",
		      (unsigned long long)ia, rc, out.fault.type, out.fault.level);
	ck_assert_uint_eq(out.oa, oa);
	ck_assert_int_eq(out.level, level);
	ck_assert_uint_eq(out.reads, reads);
}

START_TEST(test_walk_hand_built)
{
	build(MMU_STAGE1, 12, 48, 0, 40, 48, NULL);
	map_ok(0x123456789000, 0x400003000, 3, NULL);
	map_ok(0x123456800000, 0x40000000, 2, NULL);
	map_ok(0x7fc0000000, 0xc0000000, 1, NULL);
	walk_expect(0x123456789abc, 0x400003abc, 3, 4);
	walk_expect(0x123456812345, 0x40012345, 2, 3);
	walk_expect(0x7fc1234567, 0xc1234567, 1, 2);
	restart_at(0x80004000);
	build(MMU_STAGE2, 14, 40, 2, 48, 48, NULL);
	map_ok(0xabcdef4000, 0x400008000, 3, NULL);
	walk_expect(0xabcdef4123, 0x400008123, 3, 2);
	restart_at(0x80000000);
	build(MMU_STAGE1, 16, 48, 1, 52, 52, NULL);
	map_ok(0xfc0000000000, UINT64_C(0x5000000000000), 1, NULL);
	walk_expect(0xfc0000012345, UINT64_C(0x5000000012345), 1, 1);
}
END_TEST

/*
 * Every legal stage-2 geometry with an IPA of 32..48 bits (and 52 for 64K):
 * the root is aligned to the start tables' total size, and pages at the
 * bottom, middle and top of the IPA space, plus the largest legal block,
 * walk to what was mapped.
 */
START_TEST(test_walk_all_s2_geometries)
{
	static const unsigned grans[] = { 12, 14, 16 };
	unsigned tried = 0, concat_seen = 0;

	for (unsigned gi = 0; gi < 3; gi++) {
		unsigned g = grans[gi];

		for (unsigned ia = 32; ia <= (g == 16 ? 52u : 48u); ia++) {
			unsigned pamax = ia > 48 ? 52 : 48;

			for (int sl = 0; sl <= 3; sl++) {
				uint64_t top = (UINT64_C(1) << ia) - BIT(g);
				uint64_t mid = (UINT64_C(1) << (ia - 1)) + (UINT64_C(5) << g);
				unsigned levels = 4 - (unsigned)sl;
				unsigned start_bytes_log2;

				if (geom_s2_check(g, ia, sl, pamax))
					continue;
				restart_at(0x80000000 + BIT(g));
				build(MMU_STAGE2, g, ia, sl, pamax, pamax, NULL);
				start_bytes_log2 = geom_start_table_shift(g, ia, sl);
				ck_assert_uint_eq(fx.t.root & (BIT(start_bytes_log2) - 1), 0);
				ck_assert_uint_eq(fx.t.root_tables,
						  geom_concat_tables(g, ia, sl));
				if (fx.t.root_tables > 1)
					concat_seen++;
				map_ok(0, 0x10000000, 3, NULL);
				map_ok(mid, 0x20000000, 3, NULL);
				map_ok(top, 0x30000000, 3, NULL);
				walk_expect(0x18, 0x10000018, 3, levels);
				walk_expect(mid + 0x20, 0x20000020, 3, levels);
				walk_expect(top + 0x28, 0x30000028, 3, levels);
				for (int bl = sl; bl < 3; bl++) {
					uint64_t bsz = BIT(geom_level_shift(g, bl));
					uint64_t bia = (top & ~(bsz - 1)) - bsz;

					/* skip levels whose block would cover a
					 * mapped page (tiny start tables) */
					if (!geom_block_allowed(g, bl, pamax) || bia >= top ||
					    bia == 0 || (mid & ~(bsz - 1)) == bia)
						continue;
					map_ok(bia, bsz, bl, NULL);
					walk_expect(bia + 0x1238, bsz + 0x1238, bl,
						    (unsigned)(bl - sl + 1));
					break;
				}
				tried++;
			}
		}
	}
	ck_assert_uint_eq(tried, 24 + 21 + 27);  /* per granule: Arm ARM D8.2 tables */
	ck_assert_uint_eq(concat_seen, 7 + 5 + 6);
}
END_TEST

/* Stage 1: every granule and VA size 25..48, page at the bottom and top. */
START_TEST(test_walk_all_s1_geometries)
{
	static const unsigned grans[] = { 12, 14, 16 };

	for (unsigned gi = 0; gi < 3; gi++) {
		unsigned g = grans[gi];

		for (unsigned ia = 25; ia <= 48; ia++) {
			int sl = geom_s1_start_level(g, ia);
			uint64_t top = (UINT64_C(1) << ia) - BIT(g);

			restart_at(0x80000000);
			build(MMU_STAGE1, g, ia, sl, 48, 48, NULL);
			map_ok(0, 0x10000000, 3, NULL);
			map_ok(top, 0x30000000, 3, NULL);
			walk_expect(0x18, 0x10000018, 3, 4 - (unsigned)sl);
			walk_expect(top + 0x28, 0x30000028, 3, 4 - (unsigned)sl);
		}
	}
}
END_TEST

static Suite *pgtable_suite(void)
{
	Suite *s = suite_create("pgtable");
	TCase *tc;

	tc = tcase_create("stage1_4k");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_4k48_page_path);
	tcase_add_test(tc, test_4k48_blocks);
	tcase_add_test(tc, test_4k48_refusals);
	tcase_add_test(tc, test_lookup_unmap_set_attrs);
	suite_add_tcase(s, tc);

	tc = tcase_create("granules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_16k47);
	tcase_add_test(tc, test_64k42_two_levels);
	tcase_add_test(tc, test_64k48_l1_block_needs_lpa);
	suite_add_tcase(s, tc);

	tc = tcase_create("stage2_concat");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_s2_4k40_two_tables);
	tcase_add_test(tc, test_s2_16k40_sixteen_tables);
	tcase_add_test(tc, test_geometry_checks);
	suite_add_tcase(s, tc);

	tc = tcase_create("backing");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resolved_backing);
	suite_add_tcase(s, tc);

	tc = tcase_create("walk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_hand_built);
	tcase_add_test(tc, test_walk_all_s2_geometries);
	tcase_add_test(tc, test_walk_all_s1_geometries);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pgtable_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
