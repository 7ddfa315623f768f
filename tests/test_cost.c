/*
 * tests/test_cost.c - where the cycles come from: the page-table line
 * cache (sim/ptcache.h) saying which level served each reference, and the
 * cost model (sim/cost.h) turning lookups, probes, references and
 * maintenance into cycles.
 *
 * Every expected figure is the sum of the configured latencies the model
 * says it charges (sim/cost.h), worked out next to the check.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cost.h"
#include "sim/ptcache.h"
#include "tlb/hier.h"
#include "tlb/repl.h"
#include "tlb/tlb.h"
#include "tlb/walkcache.h"

/* Two levels, 2 ways each: hits at the level that holds the line, LRU
 * replacement, memory on a miss everywhere. */
START_TEST(test_ptcache_levels)
{
	const struct ptc_level_geom g[2] = {
		{ .size = 256, .ways = 2, .line = 64, .latency = 4 },   /* 2 sets */
		{ .size = 1024, .ways = 2, .line = 64, .latency = 12 }, /* 8 sets */
	};
	struct ptcache c;
	struct sim_error e = { 0 };

	ck_assert_int_eq(ptc_init(&c, g, 2, 100, &e), 0);
	ck_assert_uint_eq(ptc_access(&c, 0x0), 2);       /* cold: memory */
	ck_assert_uint_eq(ptc_access(&c, 0x8), 0);       /* same line */
	ck_assert_uint_eq(ptc_access(&c, 0x80), 2);      /* L1 set 0, way 2 */
	ck_assert_uint_eq(ptc_access(&c, 0x100), 2);     /* L1 set 0 evicts line 0 */
	ck_assert_uint_eq(ptc_access(&c, 0x0), 1);       /* still in L2 */
	ck_assert_uint_eq(ptc_access(&c, 0x100), 0);
	ck_assert_uint_eq(c.mem_reads, 3);
	ck_assert_uint_eq(c.lv[0].c[PTC_C_LOOKUP], 6);
	ck_assert_uint_eq(c.lv[0].c[PTC_C_HIT], 2);
	ck_assert_uint_eq(c.lv[1].c[PTC_C_LOOKUP], 4);
	ck_assert_uint_eq(c.lv[1].c[PTC_C_HIT], 1);
	ck_assert_uint_eq(ptc_latency(&c, 0), 4);
	ck_assert_uint_eq(ptc_latency(&c, 1), 12);
	ck_assert_uint_eq(ptc_latency(&c, 2), 100);
	ptc_destroy(&c);

	/* Impossible geometry is a configuration error, not a crash. */
	const struct ptc_level_geom bad = { .size = 1000, .ways = 3, .line = 64, .latency = 1 };
	ck_assert_int_eq(ptc_init(&c, &bad, 1, 100, &e), SIM_E_CONFIG);
}
END_TEST

static void cost_up(struct cost *c)
{
	const struct cfg_policy pol = {
		.tlbi_local_cycles = 50, .tlbi_broadcast_cycles = 500, .ipi_cycles = 2000,
	};
	struct sim_error e = { 0 };

	ck_assert_int_eq(cost_init(c, &pol, &e), 0);
}

/* translation_cycles is always the sum of the parts. */
static void ck_sum(const struct cost *c)
{
	ck_assert_uint_eq(c->c[COST_C_TRANS], c->c[COST_C_TLB] + c->c[COST_C_WALK] +
			  c->maint_cycles);
}

/* L1D (1 cycle) and L2 (8 cycles) on the data path; L1I (2) alone on the
 * instruction path. */
START_TEST(test_tlb_lookups)
{
	struct tlb_hier_tlb tl[3];
	struct tlb_hier_config hc = { .ntlbs = 3, .tlbs = tl };
	struct tlb_hier h;
	struct tlb_hier_result r;
	struct sim_error e = { 0 };
	struct cost c;
	uint64_t ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S1, 1, 1, false);
	struct tlb_fill f = { .ctx = ctx, .in_addr = 0x5000, .out_addr = 0x9000, .shift = 12 };
	static const char *const names[3] = { "L1I", "L1D", "L2" };
	static const unsigned lat[3] = { 2, 1, 8 };

	memset(tl, 0, sizeof(tl));
	for (int i = 0; i < 3; i++) {
		tl[i].geom = (struct tlb_geom){
			.name = names[i], .org = TLB_ORG_SHARED, .entries = 8, .ways = 8,
			.nsizes = 1, .sizes = { { .shift = 12 } }, .latency = lat[i],
			.repl = &tlb_repl_lru,
		};
		tl[i].next = TLB_HIER_WALK;
	}
	tl[0].geom.serve = TLB_SERVE_INSTR;
	tl[1].geom.serve = TLB_SERVE_DATA;
	tl[1].next = 2;
	tl[2].geom.serve = TLB_SERVE_DATA;
	ck_assert_int_eq(tlb_hier_init(&h, &hc, &e), 0);
	cost_up(&c);
	cost_tlb_paths(&c, &h);

	/* a data miss looks in L1D and L2: 1 + 8 */
	ck_assert(!tlb_hier_lookup(&h, TLB_SIDE_DATA, ctx, 0x5000, &r));
	cost_tlb_lookup(&c, TLB_SIDE_DATA, &r);
	ck_assert_uint_eq(c.c[COST_C_TLB], 9);
	/* after the fill, an L1D hit: 1 */
	tlb_hier_fill(&h, TLB_SIDE_DATA, &f);
	ck_assert(tlb_hier_lookup(&h, TLB_SIDE_DATA, ctx, 0x5008, &r));
	cost_tlb_lookup(&c, TLB_SIDE_DATA, &r);
	ck_assert_uint_eq(c.c[COST_C_TLB], 10);
	/* an L2 hit: L1D lost the entry, 1 + 8 */
	tlb_invalidate(tlb_hier_first(&h, TLB_SIDE_DATA), &(struct tlb_match){
		.tag = TLB_TAG_VALID, .tag_mask = TLB_TAG_VALID, .block_sel = TLB_MATCH_BLOCK });
	ck_assert(tlb_hier_lookup(&h, TLB_SIDE_DATA, ctx, 0x5010, &r));
	ck_assert_int_eq(r.depth, 1);
	cost_tlb_lookup(&c, TLB_SIDE_DATA, &r);
	ck_assert_uint_eq(c.c[COST_C_TLB], 19);
	/* an instruction miss looks in L1I only: 2 */
	ck_assert(!tlb_hier_lookup(&h, TLB_SIDE_INSTR, ctx, 0x5000, &r));
	cost_tlb_lookup(&c, TLB_SIDE_INSTR, &r);
	ck_assert_uint_eq(c.c[COST_C_TLB], 21);
	/* five lookups the first level's memo answered: 5 x 1 */
	cost_tlb_memo_hits(&c, TLB_SIDE_DATA, 5);
	ck_assert_uint_eq(c.c[COST_C_TLB], 26);
	ck_assert_uint_eq(c.c[COST_C_WALK], 0);
	ck_sum(&c);
	cost_destroy(&c);
	tlb_hier_destroy(&h);
}
END_TEST

/* A walk: two walk-cache probes (3 each), a stage-2 TLB probe (5), and
 * three references served by L1 (4), L2 (12) and memory (100). */
START_TEST(test_walk)
{
	const struct ptc_level_geom g[2] = {
		{ .size = 256, .ways = 2, .line = 64, .latency = 4 },
		{ .size = 1024, .ways = 2, .line = 64, .latency = 12 },
	};
	struct wc_geom wg = { .name = "walkcache.s1", .entries = 4, .ways = 4, .latency = 3,
			      .repl = &tlb_repl_lru };
	struct tlb_geom sg = { .name = "s2tlb", .serve = TLB_SERVE_UNIFIED, .entries = 4,
			       .ways = 4, .nsizes = 1, .sizes = { { .shift = 12 } }, .latency = 5,
			       .repl = &tlb_repl_lru };
	struct ptcache p;
	struct wc w;
	struct tlb s2;
	struct cost c;
	struct cost_walk cw;
	struct mmu_ref ref = { .stage = 1, .level = 0 };
	struct sim_error e = { 0 };
	struct stats_registry reg;
	struct stats_item it;

	ck_assert_int_eq(ptc_init(&p, g, 2, 100, &e), 0);
	ck_assert_int_eq(wc_init(&w, &wg, &e), 0);
	ck_assert_int_eq(tlb_init(&s2, &sg, &e), 0);
	cost_up(&c);

	cost_walk_start(&cw);
	cost_walk_wc_probe(&cw, &w);
	cost_walk_wc_probe(&cw, &w);
	cost_walk_s2tlb_probe(&cw, &s2);
	ck_assert_uint_eq(ptc_access(&p, 0x0), 2);      /* memory */
	cost_walk_ref(&cw, &p, &ref, 2);
	cost_walk_ref(&cw, &p, &ref, ptc_access(&p, 0x8));   /* L1 */
	cost_walk_ref(&cw, &p, &ref, 1);
	ck_assert_uint_eq(cw.cycles, 3 + 3 + 5 + 100 + 4 + 12);
	cost_walk_end(&c, &cw);
	ck_assert_uint_eq(c.c[COST_C_WALK], 127);
	/* a walk that probed nothing and read from L1 once: 4 */
	cost_walk_start(&cw);
	cost_walk_ref(&cw, &p, &ref, 0);
	cost_walk_end(&c, &cw);
	ck_assert_uint_eq(c.c[COST_C_WALK], 131);
	ck_assert_uint_eq(c.c[COST_C_TLB], 0);
	ck_sum(&c);

	/* the histogram of cycles per walk: 2 walks, 131 cycles */
	stats_init(&reg);
	ck_assert_int_eq(stats_register_hist(&reg, "hist.walk_cycles", &c.h_walk_cycles, &e), 0);
	stats_get(&reg, 0, &it);
	ck_assert_uint_eq(it.hist.count, 2);
	ck_assert_uint_eq(it.hist.sum, 131);
	stats_free(&reg);

	cost_destroy(&c);
	tlb_destroy(&s2);
	wc_destroy(&w);
	ptc_destroy(&p);
}
END_TEST

/* Maintenance at its [policy] prices. */
START_TEST(test_maintenance)
{
	struct cost c;

	cost_up(&c);
	cost_maint(&c, COST_TLBI_LOCAL);
	cost_maint(&c, COST_TLBI_LOCAL);
	cost_maint(&c, COST_TLBI_BROADCAST);
	cost_maint(&c, COST_IPI);
	ck_assert_uint_eq(c.maint_cycles, 2 * 50 + 500 + 2000);
	ck_assert_uint_eq(c.c[COST_C_TRANS], 2600);
	ck_sum(&c);
	cost_destroy(&c);
}
END_TEST

static Suite *cost_suite(void)
{
	Suite *s = suite_create("cost");
	TCase *tc = tcase_create("PtCache");

	tcase_add_test(tc, test_ptcache_levels);
	suite_add_tcase(s, tc);
	tc = tcase_create("Cost");
	tcase_add_test(tc, test_tlb_lookups);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_maintenance);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cost_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
