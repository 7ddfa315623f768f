/*
 * tests/test_stats.c - the statistics registry: registration rules,
 * snapshot/reset for warmup, ratios, histograms and percentiles computed
 * on hand-made bucket counts.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "sim/err.h"
#include "sim/stats.h"

/* A pretend component: counters it owns, registered under a prefix. */
static const char *const tlb_names[] = { "lookups", "hits", "misses" };

struct fx {
	struct stats_registry reg;
	struct sim_error err;
	uint64_t top[2];        /* accesses, walks */
	uint64_t tlb[3];
	struct stats_hist hist;
};

static void fx_init(struct fx *f)
{
	static const char *const top_names[] = { "accesses", "walks" };

	memset(f, 0, sizeof(*f));
	stats_init(&f->reg);
	sim_error_clear(&f->err);
	ck_assert_int_eq(stats_register(&f->reg, NULL, top_names, f->top, 2, &f->err), 0);
	ck_assert_int_eq(stats_register(&f->reg, "tlb.L1D", tlb_names, f->tlb, 3, &f->err), 0);
	ck_assert_int_eq(stats_hist_init(&f->hist, 8), 0);
	ck_assert_int_eq(stats_register_hist(&f->reg, "walk.refs", &f->hist, &f->err), 0);
}

static void fx_fini(struct fx *f)
{
	stats_free(&f->reg);
	stats_hist_free(&f->hist);
}

static struct stats_item get(const struct fx *f, const char *name)
{
	struct stats_item it;
	long i = stats_find(&f->reg, name);

	ck_assert_msg(i >= 0, "no entry %s", name);
	stats_get(&f->reg, (size_t)i, &it);
	return it;
}

START_TEST(test_register_and_read)
{
	struct fx f;
	struct stats_item it;

	fx_init(&f);
	ck_assert_uint_eq(stats_count(&f.reg), 6);
	stats_get(&f.reg, 0, &it);
	ck_assert_str_eq(it.name, "accesses");
	stats_get(&f.reg, 3, &it);
	ck_assert_str_eq(it.name, "tlb.L1D.hits");
	ck_assert_int_eq(it.kind, STATS_COUNTER);
	/* the registry reads the component's counters live */
	f.tlb[1] = 7;
	ck_assert_uint_eq(get(&f, "tlb.L1D.hits").value, 7);
	f.tlb[1]++;
	ck_assert_uint_eq(get(&f, "tlb.L1D.hits").value, 8);
	ck_assert_int_eq(stats_find(&f.reg, "tlb.L1D"), -1);
	fx_fini(&f);
}
END_TEST

struct name_case {
	const char *prefix;
	const char *name;
	const char *msg;
};

static const struct name_case bad_names[] = {
	{ "tlb.L1D", "hits", "statistic 'tlb.L1D.hits' registered twice" },
	{ "tlb", "L1D", "statistic 'tlb.L1D' conflicts with 'tlb.L1D.lookups': a name "
	  "cannot be both a value and a group" },
	{ "accesses", "x", "statistic 'accesses.fresh' conflicts with 'accesses'" },
	{ NULL, "config", "statistic 'config': 'config' is reserved for the emitters" },
	{ "complete", "x", "'complete' is reserved" },
	{ "tlb..x", "y", "expected dotted components of letters, digits and '_'" },
	{ "tlb L1", "y", "expected dotted components" },
	{ "tlb", "a.b", "a counter name is one component" },
};

START_TEST(test_bad_names)
{
	const struct name_case *c = &bad_names[_i];
	const char *const names[] = { "fresh", c->name };
	uint64_t v[2] = { 0 };
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(stats_register(&f.reg, c->prefix, names, v, 2, &f.err), SIM_E_INVAL);
	ck_assert_msg(strstr(f.err.msg, c->msg), "message '%s' lacks '%s'", f.err.msg, c->msg);
	/* all or nothing: "fresh" was not kept */
	ck_assert_uint_eq(stats_count(&f.reg), 6);
	fx_fini(&f);
}
END_TEST

START_TEST(test_snapshot_and_reset)
{
	struct fx f;
	struct stats_item it;

	fx_init(&f);
	f.top[0] = 100;                 /* warmup: 100 accesses, 30 hits */
	f.tlb[1] = 30;
	stats_hist_add(&f.hist, 4);
	ck_assert_int_eq(stats_snapshot(&f.reg), 0);
	ck_assert_uint_eq(get(&f, "accesses").value, 0);
	f.top[0] += 25;
	f.tlb[1] += 20;
	stats_hist_add(&f.hist, 2);
	stats_hist_add(&f.hist, 2);
	it = get(&f, "accesses");
	ck_assert_uint_eq(it.value, 25);
	ck_assert_uint_eq(it.warmup, 100);
	ck_assert_uint_eq(get(&f, "tlb.L1D.hits").value, 20);
	it = get(&f, "walk.refs");
	ck_assert_uint_eq(it.hist.count, 2);
	ck_assert_uint_eq(it.hist.sum, 4);
	ck_assert_uint_eq(it.hist.p99, 2);
	ck_assert_uint_eq(stats_hist_bucket(&f.reg, (size_t)stats_find(&f.reg, "walk.refs"), 4), 0);
	/* a counter registered after the snapshot counts from its registration */
	{
		const char *const n[] = { "late" };
		uint64_t late = 5;

		ck_assert_int_eq(stats_register(&f.reg, "x", n, &late, 1, &f.err), 0);
		late = 9;
		ck_assert_uint_eq(get(&f, "x.late").value, 4);
		stats_reset(&f.reg);
		ck_assert_uint_eq(get(&f, "x.late").value, 9);
	}
	ck_assert_uint_eq(get(&f, "accesses").value, 125);
	ck_assert_uint_eq(get(&f, "accesses").warmup, 0);
	ck_assert_uint_eq(get(&f, "walk.refs").hist.count, 3);
	fx_fini(&f);
}
END_TEST

START_TEST(test_ratios)
{
	struct fx f;
	struct stats_item it;

	fx_init(&f);
	ck_assert_int_eq(stats_register_ratio(&f.reg, "tlb.L1D.hit_rate", "tlb.L1D.hits",
					      "tlb.L1D.lookups", 1, 1, &f.err), 0);
	/* overhead in percent of accesses x 4 base cycles */
	ck_assert_int_eq(stats_register_ratio(&f.reg, "overhead_pct", "walks", "accesses",
					      100, 4, &f.err), 0);
	it = get(&f, "tlb.L1D.hit_rate");
	ck_assert_int_eq(it.kind, STATS_RATIO);
	ck_assert(!it.defined);
	f.tlb[0] = 8;
	f.tlb[1] = 6;
	f.top[0] = 50;
	f.top[1] = 3;
	it = get(&f, "tlb.L1D.hit_rate");
	ck_assert(it.defined);
	ck_assert_double_eq(it.ratio, 0.75);
	ck_assert_double_eq(get(&f, "overhead_pct").ratio, 1.5);
	ck_assert_int_eq(stats_snapshot(&f.reg), 0);
	ck_assert(!get(&f, "tlb.L1D.hit_rate").defined);
	f.tlb[0] += 4;
	f.tlb[1] += 1;
	ck_assert_double_eq(get(&f, "tlb.L1D.hit_rate").ratio, 0.25);

	ck_assert_int_eq(stats_register_ratio(&f.reg, "r", "nope", "accesses", 1, 1, &f.err),
			 SIM_E_INVAL);
	ck_assert_str_eq(f.err.msg, "ratio 'r': numerator 'nope' is not a registered counter");
	sim_error_clear(&f.err);
	ck_assert_int_eq(stats_register_ratio(&f.reg, "r", "accesses", "walk.refs", 1, 1, &f.err),
			 SIM_E_INVAL);
	sim_error_clear(&f.err);
	ck_assert_int_eq(stats_register_ratio(&f.reg, "r", "accesses", "walks", 0, 1, &f.err),
			 SIM_E_INVAL);
	fx_fini(&f);
}
END_TEST

START_TEST(test_percentiles_hand_made)
{
	/* 100 values: 50 zeros, 45 ones, 4 twos, 1 three */
	const uint64_t b[] = { 50, 45, 4, 1 };
	const uint64_t one[] = { 0, 0, 7 };
	const uint64_t empty[] = { 0, 0 };
	uint64_t v = 99;

	ck_assert_int_eq(stats_percentile(b, 4, 500, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(stats_percentile(b, 4, 510, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(stats_percentile(b, 4, 950, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(stats_percentile(b, 4, 960, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(stats_percentile(b, 4, 990, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(stats_percentile(b, 4, 1000, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(stats_percentile(b, 4, 1, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(stats_percentile(one, 3, 500, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(stats_percentile(empty, 2, 500, &v), SIM_E_INVAL);
	ck_assert_int_eq(stats_percentile(b, 4, 0, &v), SIM_E_INVAL);
	ck_assert_int_eq(stats_percentile(b, 4, 1001, &v), SIM_E_INVAL);
}
END_TEST

START_TEST(test_histogram_summary)
{
	struct fx f;
	struct stats_item it;

	fx_init(&f);
	it = get(&f, "walk.refs");
	ck_assert_int_eq(it.kind, STATS_HIST);
	ck_assert(!it.defined);
	ck_assert_uint_eq(it.hist.count, 0);
	/* 4 walks of 4 reads, 1 of 2, and 5 of 24 (overflow: limit 8) */
	for (int i = 0; i < 4; i++)
		stats_hist_add(&f.hist, 4);
	stats_hist_add(&f.hist, 2);
	for (int i = 0; i < 5; i++)
		stats_hist_add(&f.hist, 24);
	it = get(&f, "walk.refs");
	ck_assert(it.defined);
	ck_assert_uint_eq(it.hist.count, 10);
	ck_assert_uint_eq(it.hist.sum, 4 * 4 + 2 + 5 * 24);
	ck_assert_double_eq(it.hist.mean, 13.8);
	ck_assert_uint_eq(it.hist.limit, 8);
	ck_assert_uint_eq(it.hist.overflow, 5);
	ck_assert_uint_eq(it.hist.p50, 4);      /* rank 5 */
	ck_assert(!it.hist.p50_over);
	ck_assert_uint_eq(it.hist.p95, 8);      /* rank 10: overflow bucket */
	ck_assert(it.hist.p95_over);
	ck_assert(it.hist.p99_over);
	ck_assert_uint_eq(stats_hist_bucket(&f.reg, (size_t)stats_find(&f.reg, "walk.refs"), 4), 4);
	ck_assert_uint_eq(stats_hist_bucket(&f.reg, (size_t)stats_find(&f.reg, "walk.refs"), 9), 0);
	ck_assert_uint_eq(stats_hist_bucket(&f.reg, 0, 0), 0);  /* not a histogram */
	fx_fini(&f);
}
END_TEST

START_TEST(test_hist_init_limits)
{
	struct stats_hist h;
	struct stats_registry reg;
	struct sim_error err;

	ck_assert_int_eq(stats_hist_init(&h, 0), SIM_E_INVAL);
	stats_hist_free(&h);
	stats_init(&reg);
	sim_error_clear(&err);
	ck_assert_int_eq(stats_register_hist(&reg, "h", &h, &err), SIM_E_INVAL);
	ck_assert_str_eq(err.msg, "histogram 'h': not initialised");
	stats_free(&reg);
}
END_TEST

/* A structure the run does not have: registered, reads 0, marked absent. */
START_TEST(test_absent_block)
{
	static const char *const wc_names[] = { "lookups", "hits" };
	struct fx f;
	struct stats_item it;

	fx_init(&f);
	ck_assert_int_eq(stats_register(&f.reg, "walkcache.s1", wc_names, NULL, 2, &f.err), 0);
	ck_assert_int_eq(stats_register_ratio(&f.reg, "wc_hit_rate", "walkcache.s1.hits",
					      "walkcache.s1.lookups", 1, 1, &f.err), 0);
	it = get(&f, "walkcache.s1.hits");
	ck_assert_uint_eq(it.value, 0);
	ck_assert(it.absent);
	ck_assert(!get(&f, "tlb.L1D.hits").absent);
	f.top[0] = 5;
	ck_assert_int_eq(stats_snapshot(&f.reg), 0);
	it = get(&f, "walkcache.s1.lookups");
	ck_assert_uint_eq(it.value, 0);
	ck_assert_uint_eq(it.warmup, 0);
	ck_assert(!get(&f, "wc_hit_rate").defined);
	/* its names are taken like any other */
	ck_assert_int_eq(stats_register(&f.reg, "walkcache.s1", wc_names, f.tlb, 2, &f.err),
			 SIM_E_INVAL);
	fx_fini(&f);
}
END_TEST

START_TEST(test_two_registries)
{
	struct fx a, b;

	fx_init(&a);
	fx_init(&b);
	a.top[0] = 3;
	ck_assert_int_eq(stats_snapshot(&a.reg), 0);
	b.top[0] = 5;
	ck_assert_uint_eq(get(&a, "accesses").value, 0);
	ck_assert_uint_eq(get(&b, "accesses").value, 5);
	fx_fini(&a);
	fx_fini(&b);
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc;

	tc = tcase_create("registry");
	tcase_add_test(tc, test_register_and_read);
	tcase_add_loop_test(tc, test_bad_names, 0, (int)ARRAY_SIZE(bad_names));
	tcase_add_test(tc, test_two_registries);
	tcase_add_test(tc, test_absent_block);
	suite_add_tcase(s, tc);

	tc = tcase_create("warmup");
	tcase_add_test(tc, test_snapshot_and_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("derived");
	tcase_add_test(tc, test_ratios);
	tcase_add_test(tc, test_percentiles_hand_made);
	tcase_add_test(tc, test_histogram_summary);
	tcase_add_test(tc, test_hist_init_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
