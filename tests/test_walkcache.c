/*
 * tests/test_walkcache.c - walk caches (tlb/walkcache.h): deepest-hit
 * lookups, descriptor reads saved (counted with a miniature walk), context
 * isolation (ASID, VMID, regime, stage, granule), the start level, capacity
 * and replacement, and argument checks.
 *
 * 4K granule, 48-bit VA, walks start at level 0.  Level indices are
 * L0 = VA[47:39], L1 = VA[38:30], L2 = VA[29:21], L3 = VA[20:12]:
 *   X = 0x8040201000: L0 1, L1 1, L2 1, L3 1
 *   Y = X + 2M:       L0 1, L1 1, L2 2       (shares the L0 and L1 entries)
 *   Z = X + 1G:       L0 1, L1 2             (shares the L0 entry)
 *   W = X + 512G:     L0 2                   (shares nothing)
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "tlb/walkcache.h"

#define X_VA UINT64_C(0x8040201000)
#define Y_VA (X_VA + (UINT64_C(1) << 21))
#define Z_VA (X_VA + (UINT64_C(1) << 30))
#define W_VA (X_VA + (UINT64_C(1) << 39))

static void wc_make(struct wc *w, unsigned entries, unsigned ways)
{
	struct wc_geom g = {
		.name = "PWC", .entries = entries, .ways = ways, .latency = 2,
		.repl = &tlb_repl_lru,
	};
	struct sim_error err;

	sim_error_clear(&err);
	ck_assert_msg(wc_init(w, &g, &err) == 0, "%s", err.msg);
}

/* A fake table address for the level-(L + 1) table on the path to ia. */
static uint64_t fake_table(unsigned g, int level, uint64_t ia)
{
	return (UINT64_C(0x1000000) * (unsigned)(level + 2)) +
		((ia >> wc_level_shift(g, level)) & 0xfff) * (UINT64_C(1) << g);
}

/*
 * A miniature walk of a 4-level (start level @start) table: consult the walk
 * cache, "read" the remaining descriptors, fill the table descriptors read.
 * Return: the number of descriptor reads.
 */
static unsigned mini_walk(struct wc *w, uint64_t ctx, unsigned g, int start,
			  uint64_t ia)
{
	struct wc_hit hit;
	struct wc_step steps[4];
	unsigned n = 0;
	int from = start;

	if (wc_lookup(w, ctx, g, start, ia, &hit)) {
		ck_assert_uint_eq(hit.table, fake_table(g, hit.level, ia));
		from = hit.level + 1;
	}
	for (int l = from; l <= WC_MAX_LEVEL; l++)
		steps[n++] = (struct wc_step){
			.level = l, .table = fake_table(g, l, ia),
			.attrs = (uint8_t)(l + 1),
		};
	ck_assert_int_eq(wc_fill(w, ctx, g, ia, steps, n), 0);
	return (unsigned)(3 - from + 1);
}

START_TEST(test_deepest_hit_sequence)
{
	struct wc w;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);

	wc_make(&w, 32, 32);
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, X_VA), 4);  /* cold */
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, X_VA), 1);  /* L2 hit */
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, Y_VA), 2);  /* L1 hit */
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, Z_VA), 3);  /* L0 hit */
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, W_VA), 4);  /* miss */
	ck_assert_uint_eq(w.st.c[WC_C_LOOKUP], 5);
	ck_assert_uint_eq(w.st.c[WC_C_HIT_L2], 1);
	ck_assert_uint_eq(w.st.c[WC_C_HIT_L1], 1);
	ck_assert_uint_eq(w.st.c[WC_C_HIT_L0], 1);
	ck_assert_uint_eq(w.st.c[WC_C_HIT_LM1], 0);
	ck_assert_uint_eq(w.st.c[WC_C_MISS], 2);
	ck_assert_uint_eq(w.st.c[WC_C_FILL], 3 + 0 + 1 + 2 + 3);
	ck_assert_uint_eq(w.st.c[WC_C_EVICT], 0);
	ck_assert_uint_eq(wc_count_valid(&w), 9);
	wc_destroy(&w);
}
END_TEST

START_TEST(test_hit_returns_table_and_attrs)
{
	struct wc w;
	struct wc_hit hit;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);
	struct wc_step steps[] = {
		{ .level = 0, .table = 0x11000, .attrs = 0x1 },
		{ .level = 1, .table = 0x22000, .attrs = 0x3 },
		{ .level = 2, .table = 0x33000, .attrs = 0x7 },
	};

	wc_make(&w, 16, 4);
	ck_assert(!wc_lookup(&w, ctx, 12, 0, X_VA, &hit));
	ck_assert_int_eq(wc_fill(&w, ctx, 12, X_VA, steps, 3), 0);
	ck_assert(wc_lookup(&w, ctx, 12, 0, X_VA + 0xfff, &hit));
	ck_assert_int_eq(hit.level, 2);
	ck_assert_uint_eq(hit.table, 0x33000);
	ck_assert_uint_eq(hit.attrs, 0x7);
	/* Anywhere in X's 2M region (level-2 entry covers 2M). */
	ck_assert(wc_lookup(&w, ctx, 12, 0, (X_VA & ~GENMASK(20, 0)) + 0x1ff000, &hit));
	ck_assert_int_eq(hit.level, 2);
	ck_assert(wc_lookup(&w, ctx, 12, 0, Y_VA, &hit));
	ck_assert_int_eq(hit.level, 1);
	ck_assert_uint_eq(hit.table, 0x22000);
	ck_assert_uint_eq(hit.attrs, 0x3);
	ck_assert(wc_lookup(&w, ctx, 12, 0, Z_VA, &hit));
	ck_assert_int_eq(hit.level, 0);
	ck_assert_uint_eq(hit.table, 0x11000);
	wc_destroy(&w);
}
END_TEST

START_TEST(test_context_isolation)
{
	struct wc w;
	struct wc_hit hit;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);

	wc_make(&w, 32, 32);
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, X_VA), 4);
	/* Another ASID or VMID does a full walk. */
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s1(MMU_REGIME_EL10, 1, 2), 12, 0, X_VA), 4);
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s1(MMU_REGIME_EL10, 2, 1), 12, 0, X_VA), 4);
	/* Another regime, stage or granule never answers either. */
	ck_assert(!wc_lookup(&w, wc_ctx_s1(MMU_REGIME_EL20, 1, 1), 12, 0, X_VA, &hit));
	ck_assert(!wc_lookup(&w, wc_ctx_s1(MMU_REGIME_EL2, 0, 0), 12, 0, X_VA, &hit));
	ck_assert(!wc_lookup(&w, wc_ctx_s2(1), 12, 0, X_VA, &hit));
	ck_assert(!wc_lookup(&w, ctx, 16, 1, X_VA, &hit));
	ck_assert(!wc_lookup(&w, ctx, 14, 0, X_VA, &hit));
	/* Walk-cache entries are non-global: a leaf's nG does not matter, and
	 * a global context tag is treated as the walk's own context. */
	ck_assert(wc_lookup(&w, ctx | TLB_TAG_GLOBAL, 12, 0, X_VA, &hit));
	/* EL2&0 has no VMID: any VMID of the walk finds the entry. */
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s1(MMU_REGIME_EL20, 3, 9), 12, 0, W_VA), 4);
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s1(MMU_REGIME_EL20, 4, 9), 12, 0, W_VA), 1);
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s1(MMU_REGIME_EL20, 4, 8), 12, 0, W_VA), 4);
	wc_destroy(&w);
}
END_TEST

START_TEST(test_stage2_by_vmid)
{
	struct wc w;

	wc_make(&w, 32, 32);
	/* 40-bit IPA, 4K, start level 1: three reads cold, one warm. */
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s2(5), 12, 1, 0x8040201000 & GENMASK(39, 0)), 3);
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s2(5), 12, 1, 0x8040201000 & GENMASK(39, 0)), 1);
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s2(6), 12, 1, 0x8040201000 & GENMASK(39, 0)), 3);
	/* A stage-1 walk of the same number in VMID 5 does not hit. */
	ck_assert_uint_eq(mini_walk(&w, wc_ctx_s1(MMU_REGIME_EL10, 5, 0), 12, 1,
				    0x8040201000 & GENMASK(39, 0)), 3);
	wc_destroy(&w);
}
END_TEST

/* Levels above the walk's start level are never probed. */
START_TEST(test_start_level_bounds_probe)
{
	struct wc w;
	struct wc_hit hit;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);
	struct wc_step st = { .level = 0, .table = 0x5000 };

	wc_make(&w, 16, 16);
	ck_assert_int_eq(wc_fill(&w, ctx, 12, X_VA, &st, 1), 0);
	ck_assert(wc_lookup(&w, ctx, 12, 0, Z_VA, &hit));
	ck_assert_int_eq(hit.level, 0);
	ck_assert(!wc_lookup(&w, ctx, 12, 1, Z_VA, &hit));
	ck_assert(!wc_lookup(&w, ctx, 12, 3, X_VA, &hit));
	ck_assert_uint_eq(w.st.c[WC_C_LOOKUP], 3);
	ck_assert_uint_eq(w.st.c[WC_C_MISS], 2);
	/* 52-bit 4K: level -1 entries. */
	st.level = -1;
	ck_assert_int_eq(wc_fill(&w, ctx, 12, UINT64_C(0x8000000000000), &st, 1), 0);
	ck_assert(wc_lookup(&w, ctx, 12, -1, UINT64_C(0x8001000000000), &hit));
	ck_assert_int_eq(hit.level, -1);
	ck_assert_uint_eq(w.st.c[WC_C_HIT_LM1], 1);
	wc_destroy(&w);
}
END_TEST

/* 16K granule: level shifts 25 (L2), 36 (L1), 47 (L0). */
START_TEST(test_granule_16k)
{
	struct wc w;
	struct wc_hit hit;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 0, 3);
	uint64_t ia = UINT64_C(0x0000123456788000);

	ck_assert_uint_eq(wc_level_shift(14, 2), 25);
	ck_assert_uint_eq(wc_level_shift(14, 1), 36);
	ck_assert_uint_eq(wc_level_shift(14, 0), 47);
	ck_assert_uint_eq(wc_level_shift(16, 1), 42);
	wc_make(&w, 16, 16);
	ck_assert_uint_eq(mini_walk(&w, ctx, 14, 0, ia), 4);
	ck_assert_uint_eq(mini_walk(&w, ctx, 14, 0, ia + (UINT64_C(1) << 24)), 1);
	ck_assert(wc_lookup(&w, ctx, 14, 0, ia + (UINT64_C(1) << 25), &hit));
	ck_assert_int_eq(hit.level, 1);
	ck_assert(wc_lookup(&w, ctx, 14, 0, ia ^ (UINT64_C(1) << 36), &hit));
	ck_assert_int_eq(hit.level, 0);
	ck_assert(!wc_lookup(&w, ctx, 14, 0, ia ^ (UINT64_C(1) << 47), &hit));
	wc_destroy(&w);
}
END_TEST

/*
 * Capacity: 4 entries, fully associative, LRU.  A cold walk of X fills
 * L0, L1, L2 (3 entries); W fills its own 3: the first evicts nothing
 * (one way free), then X's L0 and L1 entries (the oldest) go.  X then hits
 * at level 2 only: its L2 entry survived as the most recent of X's.
 */
START_TEST(test_capacity_lru)
{
	struct wc w;
	struct wc_hit hit;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);

	wc_make(&w, 4, 4);
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, X_VA), 4);
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, W_VA), 4);
	ck_assert_uint_eq(w.st.c[WC_C_FILL], 6);
	ck_assert_uint_eq(w.st.c[WC_C_EVICT], 2);
	ck_assert_ptr_null(wc_probe(&w, ctx, 12, 0, X_VA));
	ck_assert_ptr_null(wc_probe(&w, ctx, 12, 1, X_VA));
	ck_assert_ptr_nonnull(wc_probe(&w, ctx, 12, 2, X_VA));
	ck_assert(wc_lookup(&w, ctx, 12, 0, X_VA, &hit));
	ck_assert_int_eq(hit.level, 2);
	/* Y shares only X's (evicted) upper levels: miss. */
	ck_assert(!wc_lookup(&w, ctx, 12, 0, Y_VA, &hit));
	wc_destroy(&w);
}
END_TEST

/*
 * Set-associative: set = prefix mod sets for every level, so X's L0 (1),
 * L1 (0x201) and L2 (0x40201) entries all fall in set 1 of a 4-set cache
 * and compete with each other.  2 ways: the cold walk of X evicts its own
 * L0 entry (L0, L1 fill the set, L2 evicts the LRU, L0).
 */
START_TEST(test_set_index_by_prefix)
{
	struct wc w;
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);

	wc_make(&w, 8, 2);
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, X_VA), 4);
	ck_assert_uint_eq(w.st.c[WC_C_EVICT], 1);
	ck_assert_ptr_null(wc_probe(&w, ctx, 12, 0, X_VA));
	ck_assert_ptr_nonnull(wc_probe(&w, ctx, 12, 1, X_VA));
	ck_assert_ptr_nonnull(wc_probe(&w, ctx, 12, 2, X_VA));
	ck_assert_uint_eq(tlb_sa_count_valid(&w.arr), 2);
	ck_assert_uint_eq(w.arr.sets, 4);
	/* Y's L2 entry (0x40202) goes to set 2: no eviction. */
	ck_assert_uint_eq(mini_walk(&w, ctx, 12, 0, Y_VA), 2);
	ck_assert_uint_eq(w.st.c[WC_C_EVICT], 1);
	wc_destroy(&w);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct wc w;
	struct wc_geom g = { .name = "PWC", .entries = 12, .ways = 4, .repl = &tlb_repl_lru };
	struct sim_error err;
	struct wc_step bad = { .level = 3, .table = 0x1000 };
	struct wc_step ok = { .level = 2, .table = 0x1000 };
	struct wc_step both[] = { { .level = 2 }, { .level = 3 } };
	uint64_t ctx = wc_ctx_s1(MMU_REGIME_EL10, 1, 1);

	sim_error_clear(&err);
	ck_assert_int_eq(wc_init(&w, &g, &err), SIM_E_CONFIG);
	g.name = "";
	g.entries = 16;
	ck_assert_int_eq(wc_init(&w, &g, NULL), SIM_E_CONFIG);
	wc_make(&w, 16, 4);
	ck_assert_int_eq(wc_fill(&w, ctx, 12, X_VA, &bad, 1), SIM_E_INVAL);
	ck_assert_int_eq(wc_fill(&w, ctx, 13, X_VA, &ok, 1), SIM_E_INVAL);
	ck_assert_int_eq(wc_fill(&w, ctx, 12, X_VA, both, 2), SIM_E_INVAL);
	ck_assert_uint_eq(wc_count_valid(&w), 0);
	ck_assert_uint_eq(w.st.c[WC_C_FILL], 0);
	ck_assert_ptr_null(wc_probe(&w, ctx, 12, 3, X_VA));
	/* Level -1 exists only with 4K: with 64K its region would be 2^68
	 * bytes.  Refused, never shifted by 68. */
	{
		struct wc_step lm1 = { .level = -1, .table = 0x1000 };
		struct wc_hit hit;

		ck_assert_int_eq(wc_fill(&w, ctx, 16, X_VA, &lm1, 1), SIM_E_INVAL);
		ck_assert_ptr_null(wc_probe(&w, ctx, 16, -1, X_VA));
		ck_assert(!wc_lookup(&w, ctx, 16, -1, X_VA, &hit));
		ck_assert_int_eq(wc_fill(&w, ctx, 12, X_VA, &lm1, 1), 0);
		ck_assert_ptr_nonnull(wc_probe(&w, ctx, 12, -1, X_VA));
	}
	wc_destroy(&w);
}
END_TEST

static Suite *wc_suite(void)
{
	Suite *s = suite_create("walkcache");
	TCase *tc;

	tc = tcase_create("deepest hit");
	tcase_add_test(tc, test_deepest_hit_sequence);
	tcase_add_test(tc, test_hit_returns_table_and_attrs);
	tcase_add_test(tc, test_start_level_bounds_probe);
	tcase_add_test(tc, test_granule_16k);
	suite_add_tcase(s, tc);

	tc = tcase_create("isolation");
	tcase_add_test(tc, test_context_isolation);
	tcase_add_test(tc, test_stage2_by_vmid);
	suite_add_tcase(s, tc);

	tc = tcase_create("capacity");
	tcase_add_test(tc, test_capacity_lru);
	tcase_add_test(tc, test_set_index_by_prefix);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(wc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
