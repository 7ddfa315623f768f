/*
 * tests/test_sim.c - the replay engine (sim/sim.h) driven record by record.
 *
 * Every expected number below is derived by hand from the documented model
 * (sim/sim.h, sim/CONFIG.md, mmu/translate.h, workloads/os.h, tlb/walkcache.h and
 * Arm ARM D8.2.1, D8.16-D8.17): the derivation is in the comment next to each check.
 * Facts the derivations use:
 *
 *  - One address space: ASID 1; VMID 0 natively, 1 for the guest (sim.h).
 *  - 4K granule, 48-bit VA: stage 1 starts at level 0, so a walk from the
 *    top reads 4 descriptors (levels 0..3); a level-2 walk-cache hit starts
 *    the walk at level 3 and supplies 3 reads.
 *  - Stage 2, 4K granule, 40-bit IPA: start level 1 (two concatenated
 *    tables), 3 reads to a page; a 48-bit IPA, or start level 0 forced,
 *    gives 4.  A cold nested walk makes (n+1)(m+1)-1 reads: 19 for n=4,
 *    m=3 and 24 for n=m=4 (Arm ARM D8.2.1).  stage2.blocks = none keeps
 *    every stage-2 mapping a page, so every stage-2 walk really has m
 *    levels (with the default l2 blocks a walk of guest RAM stops at
 *    level 2).
 *  - The OS model creates leaves with AF set (young), so no walk writes
 *    anything, but for the pages a first fetch maps by fault-around: old
 *    with stage1.ha = 1, the default (test_ha_fault_around_writes), and
 *    for the first store to a page first loaded, which is writable-clean
 *    (the memory_realism tests).
 *  - The guest's frames come from an unfragmented allocator from its RAM
 *    base (stage2.ram_base, IPA 1 GiB) upwards (mmu/pmem.h, struct
 *    pmem_falloc): every guest table and page these tests create lies in
 *    the first 2 MiB of guest RAM, i.e. under one stage-2 level-1 entry
 *    and one stage-2 level-2 table.
 *
 * No fixture state is shared: every test builds its own simulations.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "workloads/trace.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* A user VA, 1 GiB aligned, so that A, A + 4K, ... share every table. */
#define VA_A (UINT64_C(0x0000007f40000000))

/* ---- helpers ---- */

/* cfg_init_defaults(), then the preset (NULL: none), then each "S.K=V" of
 * the NULL-terminated list, then cfg_finalize(). */
static void make_cfg(struct sim_config *c, const char *preset, const char *const *sets)
{
	struct sim_error err = { 0 };

	ck_assert_int_eq(cfg_init_defaults(c), 0);
	if (preset)
		ck_assert_msg(cfg_load_preset(c, preset, &err) == 0, "preset %s: %s", preset, err.msg);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set(c, *sets, &err) == 0, "%s: %s", *sets, err.msg);
	ck_assert_msg(cfg_finalize(c, &err) == 0, "cfg_finalize: %s", err.msg);
}

static struct sim *new_sim(const char *preset, const char *const *sets)
{
	struct sim_config c;
	struct sim_error err = { 0 };
	struct sim *s = NULL;

	make_cfg(&c, preset, sets);
	ck_assert_msg(sim_create(&s, &c, &err) == 0, "sim_create: %s", err.msg);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void step(struct sim *s, const struct trace_rec *r, size_t n)
{
	struct sim_error err = { 0 };
	int rc = sim_step(s, r, n, &err);

	ck_assert_msg(rc == 0, "sim_step: %d %s", rc, err.msg);
}

static void one(struct sim *s, struct trace_rec r)
{
	step(s, &r, 1);
}

static void load(struct sim *s, uint64_t va, uint32_t size)
{
	one(s, trace_rec_access(TRACE_LOAD, 0, va, size));
}

/* The reported value of counter @name (since the warmup snapshot). */
static uint64_t stat(const struct sim *s, const char *name)
{
	const struct stats_registry *reg = sim_stats(s);
	long i = stats_find(reg, name);
	struct stats_item it;

	ck_assert_msg(i >= 0, "no statistic named %s", name);
	stats_get(reg, (size_t)i, &it);
	ck_assert_msg(it.kind == STATS_COUNTER, "%s is not a counter", name);
	return it.value;
}

#define ck_stat(s, name, expected) do { \
	uint64_t v_ = stat((s), (name)), e_ = (expected); \
	ck_assert_msg(v_ == e_, "%s = %llu, expected %llu", (name), \
		      (unsigned long long)v_, (unsigned long long)e_); \
} while (0)

/* Every statistic of two registries is equal (names, kinds, counters,
 * ratios, histogram summaries and buckets). */
static void ck_same_stats(const struct sim *a, const struct sim *b, const char *what)
{
	const struct stats_registry *ra = sim_stats(a), *rb = sim_stats(b);
	size_t n = stats_count(ra);

	ck_assert_msg(n == stats_count(rb), "%s: %zu vs %zu statistics", what, n, stats_count(rb));
	for (size_t i = 0; i < n; i++) {
		struct stats_item x, y;

		stats_get(ra, i, &x);
		stats_get(rb, i, &y);
		ck_assert_str_eq(x.name, y.name);
		ck_assert_int_eq(x.kind, y.kind);
		switch (x.kind) {
		case STATS_COUNTER:
			ck_assert_msg(x.value == y.value && x.warmup == y.warmup,
				      "%s: %s = %llu vs %llu", what, x.name,
				      (unsigned long long)x.value, (unsigned long long)y.value);
			break;
		case STATS_RATIO:
			ck_assert_msg(x.defined == y.defined && (!x.defined || x.ratio == y.ratio),
				      "%s: %s = %f vs %f", what, x.name, x.ratio, y.ratio);
			break;
		case STATS_HIST:
			ck_assert_msg(x.hist.count == y.hist.count && x.hist.sum == y.hist.sum,
				      "%s: %s count/sum differ", what, x.name);
			for (uint64_t k = 0; k <= x.hist.limit; k++)
				ck_assert_msg(stats_hist_bucket(ra, i, k) == stats_hist_bucket(rb, i, k),
					      "%s: %s bucket %llu differs", what, x.name,
					      (unsigned long long)k);
			break;
		}
	}
}

/* A deterministic random trace with locality: a working set of pages in a
 * few 2 MiB regions, some far pages, fetches, loads and stores of 1..16
 * bytes at any offset (so some cross pages), and now and then a TLBI. */
static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void random_trace(struct trace_rec *r, size_t n, uint64_t seed)
{
	static const uint32_t sizes[] = { 1, 2, 4, 8, 16 };
	static const enum tlbi_op ops[] = { TLBI_VAE1, TLBI_VALE1, TLBI_ASIDE1, TLBI_VMALLE1,
					    TLBI_VAAE1, TLBI_VAALE1 };
	uint64_t x = seed * 0x9e3779b97f4a7c15u + 1;

	for (size_t i = 0; i < n; i++) {
		uint64_t v = xorshift(&x);
		uint64_t page = (v >> 8) % 100 < 90 ? VA_A + ((v >> 16) % 4) * 2 * MiB + ((v >> 24) % 48) * 4 * KiB
						    : VA_A + ((v >> 16) % 4096) * 64 * KiB * 7;
		uint64_t va = page + (v >> 40) % (4 * KiB);
		unsigned k = (unsigned)(v % 100);

		if (k == 0) {
			r[i] = trace_rec_tlbi(0, ops[(v >> 4) % 6], 0, 1, page);
			continue;
		}
		r[i] = trace_rec_access(k < 20 ? TRACE_FETCH : k < 80 ? TRACE_LOAD : TRACE_STORE, 0,
					va, sizes[(v >> 50) % 5]);
	}
}

/* ---- Suite: independence of simulations ---- */

/* Two (three) simulations in one process share no state: stepping them in
 * interleaved batches gives exactly what each gives alone.  Each run alone
 * is replayed on a fresh simulation first. */
START_TEST(test_two_sims_do_not_interfere)
{
	static const char *const virt[] = { NULL };
	static const char *const onelevel[] = { "one_level.entries=16", "one_level.ways=4", NULL };
	enum { N = 6000 };
	struct trace_rec *t1 = malloc(N * sizeof(*t1)), *t2 = malloc(N * sizeof(*t2));
	struct sim *alone1, *alone2, *alone3, *s1, *s2, *s3;
	size_t i1 = 0, i2 = 0, i3 = 0;
	uint64_t x = 7;

	ck_assert_ptr_nonnull(t1);
	ck_assert_ptr_nonnull(t2);
	random_trace(t1, N, 1);
	random_trace(t2, N, 2);

	alone1 = new_sim(NULL, virt);
	step(alone1, t1, N);
	alone2 = new_sim("one-level", onelevel);
	step(alone2, t2, N);
	alone3 = new_sim(NULL, virt);       /* the first config on the second trace */
	step(alone3, t2, N);

	s1 = new_sim(NULL, virt);
	s2 = new_sim("one-level", onelevel);
	s3 = new_sim(NULL, virt);
	while (i1 < N || i2 < N || i3 < N) {
		size_t b;

		b = 1 + xorshift(&x) % 37;
		b = b < N - i1 ? b : N - i1;
		step(s1, t1 + i1, b);
		i1 += b;
		b = 1 + xorshift(&x) % 37;
		b = b < N - i2 ? b : N - i2;
		step(s2, t2 + i2, b);
		i2 += b;
		b = 1 + xorshift(&x) % 37;
		b = b < N - i3 ? b : N - i3;
		step(s3, t2 + i3, b);
		i3 += b;
	}
	/* The trace really exercised the models. */
	ck_assert_uint_eq(stat(s1, "accesses") + stat(s1, "control_records"), N);
	ck_assert_uint_gt(stat(s1, "walks"), 50);
	ck_assert_uint_gt(stat(s2, "walks"), 50);
	ck_assert_uint_gt(stat(s1, "page_crossings"), 0);
	ck_assert_uint_gt(stat(s1, "tlbi"), 0);

	ck_same_stats(s1, alone1, "virt / trace 1");
	ck_same_stats(s2, alone2, "one-level / trace 2");
	ck_same_stats(s3, alone3, "virt / trace 2");
	sim_destroy(s1);
	sim_destroy(s2);
	sim_destroy(s3);
	sim_destroy(alone1);
	sim_destroy(alone2);
	sim_destroy(alone3);
	free(t1);
	free(t2);
}
END_TEST

/* ---- Suite: cold walks ---- */

/* One-level preset: native, one TLB, no walk caches.  A 4K/48-bit stage-1
 * walk reads levels 0, 1, 2, 3: 4 references, none from stage 2.  With no
 * walk cache a second page under the same tables walks all 4 again. */
START_TEST(test_cold_walk_native)
{
	struct sim *s = new_sim("one-level", NULL);

	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "walk_memory_refs", 4);
	ck_stat(s, "walk_s1_refs", 4);
	ck_stat(s, "walk_s2_refs", 0);
	ck_stat(s, "walk_s1_refs_saved", 0);
	ck_stat(s, "walk_writes", 0);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_memory_refs", 8);
	sim_destroy(s);
}
END_TEST

/* virt, no walk caches, no stage-2 TLB, stage-2 pages only: nothing can
 * be reused between walks, so every walk is cold.  n = 4, m = 3:
 * 4 x (3 + 1) + 3 = 19 = 4 stage-1 + 15 stage-2 reads. */
START_TEST(test_cold_walk_virt_19)
{
	static const char *const sets[] = {
		"run.mode=virt", "walkcache.s1.entries=0", "walkcache.s2.entries=0",
		"s2tlb.entries=0", "stage2.blocks=none", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "walk_memory_refs", 19);
	ck_stat(s, "walk_s1_refs", 4);
	ck_stat(s, "walk_s2_refs", 15);
	ck_stat(s, "walk_s1_refs_saved", 0);
	ck_stat(s, "walk_s2_refs_saved", 0);
	/* A neighbouring page: same tables, nothing cached, 19 again. */
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_memory_refs", 38);
	ck_stat(s, "walk_s2_refs", 30);
	sim_destroy(s);
}
END_TEST

/* A 48-bit IPA: stage 2 starts at level 0 (level 1 would need 512
 * concatenated tables), m = 4: 4 x 5 + 4 = 24 = 4 + 20. */
START_TEST(test_cold_walk_virt_ipa48)
{
	static const char *const sets[] = {
		"run.mode=virt", "walkcache.s1.entries=0", "walkcache.s2.entries=0",
		"s2tlb.entries=0", "stage2.blocks=none", "stage2.ipa_bits=48", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "walk_memory_refs", 24);
	ck_stat(s, "walk_s1_refs", 4);
	ck_stat(s, "walk_s2_refs", 20);
	sim_destroy(s);
}
END_TEST

/* A 40-bit IPA with the start level forced to 0 (one level-0 table, legal
 * with a 48-bit host PA): m = 4 as above, 24. */
START_TEST(test_cold_walk_virt_start0)
{
	static const char *const sets[] = {
		"run.mode=virt", "walkcache.s1.entries=0", "walkcache.s2.entries=0",
		"s2tlb.entries=0", "stage2.blocks=none", "stage2.start_level=0", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "walk_memory_refs", 24);
	ck_stat(s, "walk_s2_refs", 20);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: walk caches and the stage-2 TLB ---- */

/* Native with a stage-1 walk cache.  Walk 1 (A): 4 reads; it caches the
 * level-0, -1 and -2 table descriptors of A's path.  Walk 2 (A + 4K, same
 * 2 MiB region): the level-2 entry hits, the walk starts at level 3 and
 * reads 1 descriptor; saved = 3 - 0 = 3 (the levels supplied). */
START_TEST(test_walkcache_s1_skip)
{
	static const char *const sets[] = { "run.mode=native", NULL };
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "walk_s1_refs", 4);
	ck_stat(s, "walk_s1_refs_saved", 0);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_s1_refs", 4 + 1);
	ck_stat(s, "walk_memory_refs", 4 + 1);
	ck_stat(s, "walk_s1_refs_saved", 3);
	ck_stat(s, "walkcache.s1.hits_l2", 1);
	/* A page in the next 2 MiB region (same 1 GiB): the level-1 entry
	 * hits, the walk starts at level 2, 2 reads, 2 more saved. */
	load(s, VA_A + 2 * MiB, 8);
	ck_stat(s, "walks", 3);
	ck_stat(s, "walk_s1_refs", 5 + 2);
	ck_stat(s, "walk_s1_refs_saved", 3 + 2);
	ck_stat(s, "walkcache.s1.hits_l1", 1);
	sim_destroy(s);
}
END_TEST

/* virt with only the stage-2 walk cache (stage-2 pages only).  Every IPA
 * involved (the guest's L0..L3 tables of A and the data pages) lies in the
 * first 2 MiB of IPA space, so after one stage-2 walk the stage-2 level-1
 * and level-2 table descriptors of that region are cached.
 *   Walk 1 (A): stage 2 of the L0 table IPA is cold, 3 reads; the L1, L2,
 *   L3 table IPAs and A's IPA each hit the level-2 entry: 1 read, 2 saved.
 *   s1 4, s2 3 + 4 x 1 = 7, saved 4 x 2 = 8; 11 references.
 *   Walk 2 (A + 4K): the same four table IPAs and the new data IPA all
 *   hit at level 2: s1 4, s2 5, saved 10; 9 references. */
START_TEST(test_walkcache_s2_skip)
{
	static const char *const sets[] = {
		"run.mode=virt", "walkcache.s1.entries=0", "s2tlb.entries=0",
		"stage2.blocks=none", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walk_s1_refs", 4);
	ck_stat(s, "walk_s2_refs", 7);
	ck_stat(s, "walk_s2_refs_saved", 8);
	ck_stat(s, "walk_memory_refs", 11);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_s1_refs", 8);
	ck_stat(s, "walk_s2_refs", 7 + 5);
	ck_stat(s, "walk_s2_refs_saved", 8 + 10);
	ck_stat(s, "walk_memory_refs", 11 + 9);
	ck_stat(s, "walk_s1_refs_saved", 0);
	sim_destroy(s);
}
END_TEST

/* virt with only the stage-2 TLB (stage-2 pages only, so it holds 4K IPA
 * pages).  Walk 1 (A): the five IPAs (four table pages, one data page) are
 * distinct pages: five misses, 3 reads each: 19, nothing saved.  Walk 2
 * (A + 4K): the four table IPAs hit (each saves a whole stage-2 walk,
 * 3 - 1 + 1 = 3 reads: 12); the new data page misses: 3 reads.
 * s1 4 + s2 3 = 7 references. */
START_TEST(test_s2tlb_skip)
{
	static const char *const sets[] = {
		"run.mode=virt", "walkcache.s1.entries=0", "walkcache.s2.entries=0",
		"stage2.blocks=none", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walk_memory_refs", 19);
	ck_stat(s, "walk_s2_refs_saved", 0);
	ck_stat(s, "s2tlb.hits", 0);
	ck_stat(s, "s2tlb.misses", 5);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_s1_refs", 8);
	ck_stat(s, "walk_s2_refs", 15 + 3);
	ck_stat(s, "walk_s2_refs_saved", 12);
	ck_stat(s, "walk_memory_refs", 19 + 7);
	ck_stat(s, "s2tlb.hits", 4);
	ck_stat(s, "s2tlb.misses", 6);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: splintering ---- */

/* Stage-1 2M blocks over 4K stage-2 pages: the combined entry has the
 * smaller size, 4K (sim.h; Arm ARM D8.17, splintering).  A and A + 4K lie in one
 * stage-1 block but need two TLB entries: both miss every TLB and walk. */
START_TEST(test_splinter_s2_pages)
{
	static const char *const sets[] = {
		"run.mode=virt", "stage1.blocks=l2", "stage2.huge_fraction=0", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "tlb.L1D.lookups", 2);
	ck_stat(s, "tlb.L1D.hits", 0);
	ck_stat(s, "tlb.L1D.misses", 2);
	ck_stat(s, "tlb.L2.misses", 2);
	ck_stat(s, "os.s1_blocks_l2", 1);
	ck_stat(s, "os.splintered", 1);
	sim_destroy(s);
}
END_TEST

/* The same over 2M stage-2 blocks (huge_fraction 1, stage2.blocks l2): the
 * combined entry is 2M, which the N1 L1 D-TLB holds; A + 4K hits it. */
START_TEST(test_splinter_s2_blocks)
{
	static const char *const sets[] = {
		"run.mode=virt", "stage1.blocks=l2", "stage2.huge_fraction=1",
		"stage2.blocks=l2", NULL,
	};
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "tlb.L1D.lookups", 2);
	ck_stat(s, "tlb.L1D.hits", 1);
	ck_stat(s, "tlb.L1D.misses", 1);
	ck_stat(s, "tlb.L2.misses", 1);
	ck_stat(s, "os.splintered", 0);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: page-crossing accesses ---- */

/* An 8-byte load at the last 4 bytes of a page touches two pages. */
#define CROSS_VA (VA_A + 4 * KiB - 4)

/* split: two translations, both pages cold: two walks, and the access is a
 * crossing whose two pages both walked. */
START_TEST(test_crossing_split_cold)
{
	struct sim *s = new_sim("one-level", NULL);

	load(s, CROSS_VA, 8);
	ck_stat(s, "accesses", 1);
	ck_stat(s, "translations", 2);
	ck_stat(s, "page_crossings", 1);
	ck_stat(s, "walks", 2);
	ck_stat(s, "tlb.L1.lookups", 2);
	ck_stat(s, "page_crossings_walked_twice.data", 1);
	ck_stat(s, "page_crossings_walked_twice.inst", 0);
	sim_destroy(s);
}
END_TEST

/* split with the second page warm: two translations, one walk; a crossing,
 * but not one that walked twice. */
START_TEST(test_crossing_split_warm)
{
	struct sim *s = new_sim("one-level", NULL);

	load(s, VA_A + 4 * KiB, 8);               /* warm the second page */
	load(s, CROSS_VA, 8);
	ck_stat(s, "accesses", 2);
	ck_stat(s, "translations", 1 + 2);
	ck_stat(s, "page_crossings", 1);
	ck_stat(s, "walks", 1 + 1);
	ck_stat(s, "page_crossings_walked_twice.data", 0);
	sim_destroy(s);
}
END_TEST

/* first: one translation at the first byte; the crossing is still counted.
 * (The one-level preset takes run.crossing from one_level.crossing.) */
START_TEST(test_crossing_first)
{
	static const char *const sets[] = { "one_level.crossing=first", NULL };
	struct sim *s = new_sim("one-level", sets);

	load(s, CROSS_VA, 8);
	ck_stat(s, "accesses", 1);
	ck_stat(s, "translations", 1);
	ck_stat(s, "page_crossings", 1);
	ck_stat(s, "walks", 1);
	ck_stat(s, "tlb.L1.lookups", 1);
	/* The second page was never looked up: a load there walks. */
	load(s, VA_A + 4 * KiB, 1);
	ck_stat(s, "walks", 2);
	sim_destroy(s);
}
END_TEST

/* Accesses that end exactly at the page end do not cross; a fetch that
 * crosses with both pages cold counts on the instruction side. */
START_TEST(test_crossing_edges)
{
	struct sim *s = new_sim("one-level", NULL);

	load(s, VA_A + 4 * KiB - 4, 4);           /* bytes 0xffc..0xfff */
	load(s, VA_A + 4 * KiB - 1, 1);
	ck_stat(s, "page_crossings", 0);
	ck_stat(s, "translations", 2);
	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A + 64 * KiB - 2, 4));
	ck_stat(s, "page_crossings", 1);
	ck_stat(s, "translations", 2 + 2);
	ck_stat(s, "page_crossings_walked_twice.inst", 1);
	ck_stat(s, "page_crossings_walked_twice.data", 0);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: the one-level preset's pages ---- */

/* one_level.page = 2m: every page is a 2 MiB block, so an 8-byte load
 * across a 4 KiB boundary inside the block is one page, one lookup; across
 * the block's end it touches two pages, the first of them warm. */
START_TEST(test_crossing_2m_block)
{
	static const char *const sets[] = { "one_level.page=2m", NULL };
	struct sim *s = new_sim("one-level", sets);

	load(s, CROSS_VA, 8);
	ck_stat(s, "accesses", 1);
	ck_stat(s, "translations", 1);
	ck_stat(s, "page_crossings", 0);
	ck_stat(s, "tlb.L1.lookups", 1);
	ck_stat(s, "walks", 1);
	ck_stat(s, "page_crossings_walked_twice.data", 0);
	load(s, VA_A + 2 * MiB - 4, 8);
	ck_stat(s, "translations", 1 + 2);
	ck_stat(s, "page_crossings", 1);
	ck_stat(s, "tlb.L1.lookups", 1 + 2);
	ck_stat(s, "tlb.L1.hits", 1);
	ck_stat(s, "walks", 1 + 1);
	sim_destroy(s);
}
END_TEST

/* The same rule outside the preset: a page is the smallest mapping a TLB
 * entry can describe.  Native with stage-1 blocks, and s2only with every
 * stage-2 page a block (huge_fraction 1, the default), map 2 MiB blocks:
 * one translation for CROSS_VA.  Virt with stage-1 pages, or s2only with
 * only half of memory backed by blocks, can have 4 KiB entries: two. */
START_TEST(test_crossing_block_modes)
{
	static const char *const native_l2[] = { "run.mode=native", "stage1.blocks=l2", NULL };
	static const char *const s2only[] = { "run.mode=s2only", NULL };
	static const char *const virt[] = { "run.mode=virt", "stage1.blocks=none", NULL };
	static const char *const s2only_half[] = { "run.mode=s2only",
						   "stage2.huge_fraction=0.5", NULL };
	static const struct {
		const char *const *sets;
		uint64_t translations;
	} cases[] = {
		{ native_l2, 1 }, { s2only, 1 }, { virt, 2 }, { s2only_half, 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *s = new_sim(NULL, cases[i].sets);

		load(s, CROSS_VA, 8);
		ck_stat(s, "translations", cases[i].translations);
		ck_stat(s, "page_crossings", cases[i].translations - 1);
		sim_destroy(s);
	}
}
END_TEST

/* Lookups of every one_level.page against a count from the trace alone.
 * A trace of fetches, loads and stores of 1 byte to 10000 bytes, at random
 * in four 2 MiB blocks and just below 4 KiB and 2 MiB boundaries: with
 * crossing = split an access costs one lookup per page of one_level.page
 * it touches, (last >> shift) - (first >> shift) + 1, and is a crossing if
 * that is more than one; with first, one lookup.  Both sides, with the
 * fast path on and off. */
START_TEST(test_one_level_lookups)
{
	static const struct {
		const char *set;
		unsigned shift;
	} pages[] = {
		{ "one_level.page=4k", 12 }, { "one_level.page=16k", 14 },
		{ "one_level.page=64k", 16 }, { "one_level.page=2m", 21 },
	};
	static const uint32_t sizes[] = { 1, 2, 4, 8, 16, 64, 3000, 10000 };
	static const enum trace_kind kinds[] = { TRACE_LOAD, TRACE_STORE, TRACE_FETCH };
	enum { N = 20000 };
	struct trace_rec *t = malloc(N * sizeof(*t));
	uint64_t x = 42;

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < N; i++) {
		uint64_t v = xorshift(&x), va;

		switch (v % 4) {
		case 0:
			va = VA_A + ((v >> 8) % 4) * 2 * MiB + 4 * KiB - (v >> 16) % 16;
			break;
		case 1:
			va = VA_A + ((v >> 8) % 3 + 1) * 2 * MiB - (v >> 16) % 16;
			break;
		default:
			va = VA_A + (v >> 8) % (8 * MiB);
			break;
		}
		t[i] = trace_rec_access(kinds[(v >> 40) % 3], 0, va, sizes[(v >> 50) % 8]);
	}
	for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
		uint64_t look[2] = { 0, 0 }, cross = 0;

		for (size_t i = 0; i < N; i++) {
			uint64_t n = ((t[i].va + t[i].size - 1) >> pages[p].shift) -
				     (t[i].va >> pages[p].shift) + 1;

			look[t[i].kind == TRACE_FETCH] += n;
			cross += n > 1;
		}
		for (int fast = 0; fast <= 1; fast++) {
			const char *split[] = { pages[p].set, "one_level.split=1",
						fast ? "run.fast_path=1" : "run.fast_path=0", NULL };
			const char *first[] = { pages[p].set, "one_level.crossing=first",
						split[2], NULL };
			struct sim *s = new_sim("one-level", split);
			struct sim *f = new_sim("one-level", first);

			step(s, t, N);
			step(f, t, N);
			ck_stat(s, "tlb.L1D.lookups", look[0]);
			ck_stat(s, "tlb.L1I.lookups", look[1]);
			ck_stat(s, "translations", look[0] + look[1]);
			ck_stat(s, "page_crossings", cross);
			ck_stat(f, "tlb.L1.lookups", N);
			ck_stat(f, "translations", N);
			ck_stat(f, "page_crossings", cross);
			sim_destroy(s);
			sim_destroy(f);
		}
	}
	free(t);
}
END_TEST

/* Set index = virtual page number modulo the number of sets, the page
 * being one one_level.page: in a direct-mapped TLB of 4 entries, pages 0
 * and 4 conflict, pages 1, 2 and 3 do not disturb page 0. */
START_TEST(test_one_level_set_index)
{
	static const struct {
		const char *set;
		uint64_t page;
	} pages[] = {
		{ "one_level.page=4k", 4 * KiB }, { "one_level.page=2m", 2 * MiB },
	};

	for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
		const char *sets[] = { pages[p].set, "one_level.entries=4", "one_level.ways=1",
				       NULL };
		struct sim *s = new_sim("one-level", sets);
		uint64_t pg = pages[p].page;

		for (unsigned k = 0; k < 4; k++)
			load(s, VA_A + k * pg, 8);
		load(s, VA_A, 8);                       /* hit: 1..3 are other sets */
		ck_stat(s, "tlb.L1.misses", 4);
		ck_stat(s, "tlb.L1.hits", 1);
		load(s, VA_A + 4 * pg, 8);              /* page 4: set 0, evicts page 0 */
		load(s, VA_A + 3 * pg, 8);              /* hit */
		load(s, VA_A, 8);                       /* miss */
		ck_stat(s, "tlb.L1.misses", 4 + 2);
		ck_stat(s, "tlb.L1.hits", 1 + 1);
		sim_destroy(s);
	}
}
END_TEST

/* ---- Suite: instruction and data sides ---- */

/* one-level split: L1I serves fetches, L1D loads and stores. */
START_TEST(test_sides)
{
	static const char *const sets[] = { "one_level.split=1", NULL };
	struct sim *s = new_sim("one-level", sets);

	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A, 4));
	ck_stat(s, "tlb.L1I.lookups", 1);
	ck_stat(s, "tlb.L1I.misses", 1);
	ck_stat(s, "tlb.L1D.lookups", 0);
	ck_stat(s, "walk_faults", 0);
	/* A load of the same page misses in L1D: the sides are separate. */
	load(s, VA_A, 8);
	one(s, trace_rec_access(TRACE_STORE, 0, VA_A + 8, 8));
	ck_stat(s, "tlb.L1D.lookups", 2);
	ck_stat(s, "tlb.L1D.misses", 1);
	ck_stat(s, "tlb.L1D.hits", 1);
	ck_stat(s, "tlb.L1I.lookups", 1);
	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A + 4, 4));
	ck_stat(s, "tlb.L1I.lookups", 2);
	ck_stat(s, "tlb.L1I.hits", 1);
	ck_stat(s, "walks", 2);
	sim_destroy(s);
}
END_TEST

/* The default (Neoverse N1) hierarchy: L1I and L1D in front of L2. */
START_TEST(test_sides_default)
{
	struct sim *s = new_sim(NULL, NULL);

	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A, 4));
	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A + 8 * KiB, 4));
	load(s, VA_A + 16 * KiB, 8);
	ck_stat(s, "tlb.L1I.lookups", 2);
	ck_stat(s, "tlb.L1D.lookups", 1);
	ck_stat(s, "tlb.L2.lookups", 3);
	sim_destroy(s);
}
END_TEST

/*
 * A miss goes where tlb.NAME.next says.  L1D.next = none: a data miss
 * walks without looking in L2, which only the instruction side reaches
 * (L1I's misses); so a page fetched then loaded walks twice.  And a
 * second-level TLB per side (L1I -> L2I, instruction only; L1D -> L2): each
 * side's misses reach its own.
 */
START_TEST(test_sides_next)
{
	static const char *const no_l2[] = { "tlb.L1D.next=none", NULL };
	static const char *const two_l2[] = {
		"tlb.levels=L1I,L1D,L2I,L2", "tlb.L2I.serves=inst", "tlb.L2I.entries=16",
		"tlb.L2I.sizes=4k", "tlb.L1I.next=L2I", NULL,
	};
	struct sim *s = new_sim(NULL, no_l2);

	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A, 4));
	load(s, VA_A + 8, 8);
	ck_stat(s, "tlb.L1I.lookups", 1);
	ck_stat(s, "tlb.L1D.lookups", 1);
	ck_stat(s, "tlb.L2.lookups", 1);
	ck_stat(s, "walks", 2);
	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A + 8 * KiB, 4));
	ck_stat(s, "tlb.L2.lookups", 2);
	sim_destroy(s);

	s = new_sim(NULL, two_l2);
	one(s, trace_rec_access(TRACE_FETCH, 0, VA_A, 4));
	load(s, VA_A + 8, 8);
	ck_stat(s, "tlb.L2I.lookups", 1);
	ck_stat(s, "tlb.L2.lookups", 1);
	ck_stat(s, "walks", 2);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: TLB maintenance records ---- */

/* Native with a stage-1 walk cache.  After A is cached, TLBI VAE1 (ASID 1,
 * the process's) removes its TLB entries and the walk-cache entries on its
 * path: the next access to A walks all 4 levels again. */
START_TEST(test_tlbi_vae1)
{
	static const char *const sets[] = { "run.mode=native", NULL };
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	load(s, VA_A + 4 * KiB, 8);               /* 1 read (level-2 hit) */
	load(s, VA_A, 8);                         /* TLB hit */
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_s1_refs", 5);
	one(s, trace_rec_tlbi(0, TLBI_VAE1, 0, 1, VA_A));
	ck_stat(s, "tlbi", 1);
	ck_stat(s, "control_records", 1);
	ck_stat(s, "accesses", 3);
	load(s, VA_A, 8);
	ck_stat(s, "walks", 3);
	ck_stat(s, "walk_s1_refs", 5 + 4);
	ck_stat(s, "walk_s1_refs_saved", 3);
	/* Only A's entries went: A + 4K still hits. */
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "walks", 3);
	sim_destroy(s);
}
END_TEST

/* VALE1 removes the leaf only: the walk-cache entries survive and the
 * re-walk of A reads 1 descriptor (3 saved), shorter than after VAE1. */
START_TEST(test_tlbi_vale1)
{
	static const char *const sets[] = { "run.mode=native", NULL };
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	one(s, trace_rec_tlbi(0, TLBI_VALE1, 0, 1, VA_A));
	load(s, VA_A, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_s1_refs", 4 + 1);
	ck_stat(s, "walk_s1_refs_saved", 3);
	sim_destroy(s);
}
END_TEST

/* A by-VA TLBI with another ASID does not touch the process's non-global
 * entries (Arm ARM D8.17.6): the next access hits. */
START_TEST(test_tlbi_other_asid)
{
	static const char *const sets[] = { "run.mode=native", NULL };
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	one(s, trace_rec_tlbi(0, TLBI_VAE1, 0, 2, VA_A));
	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	ck_stat(s, "tlbi", 1);
	/* VMALLE1 removes everything of the VMID: A walks, from the top. */
	one(s, trace_rec_tlbi(0, TLBI_VMALLE1, 0, 0, 0));
	load(s, VA_A, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_s1_refs", 8);
	sim_destroy(s);
}
END_TEST

/* In virt mode with the default caches the same holds for combined
 * entries: VAE1 of A makes A walk again. */
START_TEST(test_tlbi_vae1_virt)
{
	struct sim *s = new_sim(NULL, NULL);

	load(s, VA_A, 8);
	load(s, VA_A, 8);
	ck_stat(s, "walks", 1);
	one(s, trace_rec_tlbi(0, TLBI_VAE1, TLBI_F_IS, 1, VA_A));
	load(s, VA_A, 8);
	ck_stat(s, "walks", 2);
	ck_stat(s, "tlb.L1D.hits", 1);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: warmup ---- */

/* run.warmup = 2: the counters report only the accesses after the first 2.
 * Trace P0 P0 P1 P1 P2 (one-level, distinct pages): the first two (a miss
 * and a hit) are warmup; reported: 3 accesses, P1 miss, P1 hit, P2 miss:
 * 2 walks, 1 hit; 8 walk references. */
START_TEST(test_warmup)
{
	static const char *const sets[] = { "run.warmup=2", NULL };
	struct sim *s = new_sim("one-level", sets);
	const uint64_t p0 = VA_A, p1 = VA_A + 4 * KiB, p2 = VA_A + 8 * KiB;

	load(s, p0, 8);
	load(s, p0, 8);
	load(s, p1, 8);
	load(s, p1, 8);
	load(s, p2, 8);
	ck_stat(s, "accesses", 3);
	ck_stat(s, "translations", 3);
	ck_stat(s, "walks", 2);
	ck_stat(s, "walk_memory_refs", 8);
	ck_stat(s, "tlb.L1.lookups", 3);
	ck_stat(s, "tlb.L1.hits", 1);
	ck_stat(s, "tlb.L1.misses", 2);
	sim_destroy(s);
}
END_TEST

/* Control records are not accesses: they do not count towards warmup.
 * warmup = 1, trace TLBI, P0, P1: P0 is the warmup; reported: 1 access. */
START_TEST(test_warmup_control)
{
	static const char *const sets[] = { "run.warmup=1", NULL };
	struct sim *s = new_sim("one-level", sets);

	one(s, trace_rec_tlbi(0, TLBI_VMALLE1, 0, 0, 0));
	load(s, VA_A, 8);
	load(s, VA_A + 4 * KiB, 8);
	ck_stat(s, "accesses", 1);
	ck_stat(s, "walks", 1);
	ck_stat(s, "tlb.L1.lookups", 1);
	sim_destroy(s);
}
END_TEST

/* A warmup as long as the trace leaves nothing to report. */
START_TEST(test_warmup_whole_trace)
{
	static const char *const sets[] = { "run.warmup=3", NULL };
	struct sim *s = new_sim("one-level", sets);

	load(s, VA_A, 8);
	load(s, VA_A + 4 * KiB, 8);
	load(s, VA_A + 8 * KiB, 8);
	ck_stat(s, "accesses", 0);
	ck_stat(s, "walks", 0);
	ck_stat(s, "tlb.L1.lookups", 0);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: the fast path ---- */

/* run.fast_path changes no result: every statistic equal on random traces,
 * for the default virt hierarchy, a native one with random replacement,
 * and the one-level preset. */
START_TEST(test_fast_path_identical)
{
	static const char *const on_virt[] = { "run.fast_path=1", NULL };
	static const char *const off_virt[] = { "run.fast_path=0", NULL };
	static const char *const on_nat[] = { "run.fast_path=1", "run.mode=native",
					      "tlb.L1D.repl=random", "tlb.L2.repl=random", NULL };
	static const char *const off_nat[] = { "run.fast_path=0", "run.mode=native",
					       "tlb.L1D.repl=random", "tlb.L2.repl=random", NULL };
	static const char *const on_one[] = { "run.fast_path=1", "one_level.entries=8", NULL };
	static const char *const off_one[] = { "run.fast_path=0", "one_level.entries=8", NULL };
	static const struct {
		const char *preset;
		const char *const *on, *const *off;
	} cases[] = {
		{ NULL, on_virt, off_virt },
		{ NULL, on_nat, off_nat },
		{ "one-level", on_one, off_one },
	};
	enum { N = 40000 };
	struct trace_rec *t = malloc(N * sizeof(*t));

	ck_assert_ptr_nonnull(t);
	random_trace(t, N, 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim *a = new_sim(cases[i].preset, cases[i].on);
		struct sim *b = new_sim(cases[i].preset, cases[i].off);

		ck_assert(sim_config(a)->run.fast_path);
		ck_assert(!sim_config(b)->run.fast_path);
		step(a, t, N);
		step(b, t, N);
		ck_assert_uint_gt(stat(a, "walks"), 100);
		ck_assert_uint_gt(stat(a, "translations"), stat(a, "walks"));
		ck_same_stats(a, b, cases[i].preset ? cases[i].preset : "default");
		sim_destroy(a);
		sim_destroy(b);
	}
	free(t);
}
END_TEST

/* ---- Suite: the guest's output size ---- */

/*
 * virt: stage1.pa_bits is the guest's TCR_EL1.IPS.  With 1G stage-1 blocks
 * and IPS 36, guest RAM (2^36 bytes, from IPA 0) holds at most 64 blocks
 * and the tables; touching 70 1G regions exhausts it, which a 40-bit guest
 * (the IPA size) does not.
 */
START_TEST(test_stage1_pa_bits_virt)
{
	static const char *const ips36[] = { "stage1.blocks=l1", "stage1.pa_bits=36", NULL };
	static const char *const ips48[] = { "stage1.blocks=l1", NULL };
	struct sim *s36 = new_sim(NULL, ips36), *s48 = new_sim(NULL, ips48);
	struct sim_error err = { 0 };
	int rc = 0;

	for (uint64_t i = 0; i < 70; i++) {
		struct trace_rec r = trace_rec_access(TRACE_LOAD, 0, VA_A + i * GiB, 8);

		one(s48, r);
		if (!rc)
			rc = sim_step(s36, &r, 1, &err);
	}
	ck_assert_int_eq(rc, SIM_E_NOMEM);
	ck_assert_uint_ge(stat(s36, "os.s1_blocks_l1"), 60);
	ck_stat(s48, "os.s1_blocks_l1", 70);
	sim_destroy(s36);
	sim_destroy(s48);
}
END_TEST

/* ---- Suite: the access flag ---- */

/*
 * A first fetch of page A maps A and, by fault-around (64 KiB: A .. A +
 * 60K), fifteen more pages; with stage1.ha = 1 those are old, so the first
 * load of A + 4K and of A + 8K each walks (TLB misses) and sets AF: one
 * descriptor write each, a write of the level-3 line the walk just read,
 * an L1D hit of cache.L1D.latency (4) cycles.  With ha = 0 the OS maps them
 * young: the same walks, no write.  Without fault-around each load is a
 * demand fault of a young page: no write either.  Native and virt alike
 * (in virt the write goes through the stage-2 translation the fetch of
 * the descriptor used, which is writable).
 */
START_TEST(test_ha_fault_around_writes)
{
	static const char *const modes[] = { "run.mode=native", "run.mode=virt" };

	for (int m = 0; m < 2; m++) {
		static const char *ha_sets[3][4];
		struct sim *s[3];

		for (int k = 0; k < 3; k++) {
			ha_sets[k][0] = modes[m];
			ha_sets[k][1] = k == 1 ? "stage1.ha=0" : "stage1.ha=1";
			ha_sets[k][2] = k == 2 ? "stage1.fault_around=0" : NULL;
			ha_sets[k][3] = NULL;
			s[k] = new_sim(NULL, ha_sets[k]);
			one(s[k], trace_rec_access(TRACE_FETCH, 0, VA_A, 4));
			load(s[k], VA_A + 4 * KiB, 8);
			load(s[k], VA_A + 4 * KiB, 8);
			load(s[k], VA_A + 8 * KiB, 8);
			ck_stat(s[k], "walks", 3);
		}
		ck_stat(s[0], "walk_writes", 2);
		ck_stat(s[1], "walk_writes", 0);
		ck_stat(s[2], "walk_writes", 0);
		ck_stat(s[0], "os.s1_fault_around", 15);
		ck_stat(s[1], "os.s1_fault_around", 15);
		ck_stat(s[2], "os.s1_fault_around", 0);
		ck_stat(s[0], "os.s1_faults", 1);
		ck_stat(s[2], "os.s1_faults", 3);
		ck_assert_uint_eq(stat(s[0], "walk_memory_refs"), stat(s[1], "walk_memory_refs"));
		ck_assert_uint_eq(stat(s[0], "walk_cycles"), stat(s[1], "walk_cycles") + 2 * 4);
		for (int k = 0; k < 3; k++)
			sim_destroy(s[k]);
	}
}
END_TEST

/* ---- Suite: the page-table line cache ---- */

/*
 * Where the walks' references were served (ptcache.*), natively with the
 * default caches (L1D, L2, LLC, 64-byte lines) and walk caches.  A's cold
 * walk reads one descriptor in each of 4 table pages: 4 lines, missing
 * every level, 4 memory reads.  A + 8K: the level-2 walk-cache entry
 * starts the walk at level 3, whose descriptor (2 x 8 bytes after A's)
 * is in the line A's walk brought in: an L1D hit, nothing below.
 */
START_TEST(test_ptcache_counters)
{
	static const char *const sets[] = { "run.mode=native", NULL };
	struct sim *s = new_sim(NULL, sets);

	load(s, VA_A, 8);
	ck_stat(s, "walk_memory_refs", 4);
	ck_stat(s, "ptcache.L1D.lookups", 4);
	ck_stat(s, "ptcache.L1D.hits", 0);
	ck_stat(s, "ptcache.L2.lookups", 4);
	ck_stat(s, "ptcache.L2.hits", 0);
	ck_stat(s, "ptcache.LLC.lookups", 4);
	ck_stat(s, "ptcache.LLC.hits", 0);
	ck_stat(s, "ptcache.memory_reads", 4);
	load(s, VA_A + 8 * KiB, 8);
	ck_stat(s, "walk_memory_refs", 5);
	ck_stat(s, "walk_s1_refs_saved", 3);
	ck_stat(s, "ptcache.L1D.lookups", 5);
	ck_stat(s, "ptcache.L1D.hits", 1);
	ck_stat(s, "ptcache.L2.lookups", 4);
	ck_stat(s, "ptcache.memory_reads", 4);
	sim_destroy(s);
}
END_TEST

/* Every reference (read or write) reaches the first level; what a level
 * misses reaches the next; what the last misses is a memory read: on a
 * random trace in each mode (test_virt.c checks the sums over CPUs). */
START_TEST(test_ptcache_conservation)
{
	static const char *const modes[] = { "run.mode=native", "run.mode=virt", NULL };

	for (int m = 0; modes[m]; m++) {
		const char *sets[] = { modes[m], NULL };
		struct sim *s = new_sim(NULL, sets);
		uint64_t x = 99;

		for (int i = 0; i < 3000; i++) {
			x = x * UINT64_C(6364136223846793005) + 1442695040888963407u;
			load(s, VA_A + ((x >> 20) & (64 * MiB - 8)), 8);
		}
		ck_assert_uint_gt(stat(s, "walks"), 1000);
		ck_assert_uint_eq(stat(s, "ptcache.L1D.lookups"),
				  stat(s, "walk_memory_refs") + stat(s, "walk_writes"));
		ck_assert_uint_eq(stat(s, "ptcache.L2.lookups"),
				  stat(s, "ptcache.L1D.lookups") - stat(s, "ptcache.L1D.hits"));
		ck_assert_uint_eq(stat(s, "ptcache.LLC.lookups"),
				  stat(s, "ptcache.L2.lookups") - stat(s, "ptcache.L2.hits"));
		ck_assert_uint_eq(stat(s, "ptcache.memory_reads"),
				  stat(s, "ptcache.LLC.lookups") - stat(s, "ptcache.LLC.hits"));
		ck_assert_uint_gt(stat(s, "ptcache.L1D.hits"), 0);
		sim_destroy(s);
	}
}
END_TEST

/* ---- Suite: switch records ---- */

/*
 * One address space: sim_step() stops before a context or VM switch with
 * SIM_STEP_SPACES, the index of the switch in step_failed_at, having run
 * (and counted) only the records before it.  With stage 1 off a context
 * switch changes nothing and is counted as a control record; a VM switch
 * still needs the multi-space model.
 */
START_TEST(test_switch_needs_spaces)
{
	static const char *const s2only[] = { "run.mode=s2only", NULL };
	struct trace_rec r[3] = {
		trace_rec_access(TRACE_LOAD, 0, VA_A, 8),
		trace_rec_ctx_switch(0, 2),
		trace_rec_access(TRACE_LOAD, 0, VA_A, 8),
	};
	struct sim_error err = { 0 };
	struct sim *s;

	for (int k = 0; k < 2; k++) {
		s = new_sim(NULL, NULL);
		r[1] = k ? trace_rec_vm_switch(0, 2) : trace_rec_ctx_switch(0, 2);
		ck_assert_int_eq(sim_step(s, r, 3, &err), SIM_STEP_SPACES);
		ck_assert_uint_eq(sim_step_failed_at(s), 1);
		ck_assert_int_eq(err.code, 0);
		ck_stat(s, "accesses", 1);
		ck_stat(s, "control_records", 0);
		sim_destroy(s);
	}
	s = new_sim(NULL, s2only);
	r[1] = trace_rec_ctx_switch(0, 2);
	step(s, r, 3);
	ck_stat(s, "accesses", 2);
	ck_stat(s, "walks", 1);
	ck_stat(s, "control_records", 1);
	r[1] = trace_rec_vm_switch(0, 2);
	ck_assert_int_eq(sim_step(s, r, 3, &err), SIM_STEP_SPACES);
	ck_assert_uint_eq(sim_step_failed_at(s), 1);
	sim_destroy(s);
}
END_TEST

/* ---- Suite: errors ---- */

/* sim_error_prefix() puts the caller's context in front of the message the
 * failing code recorded, keeps that code, and works without a message. */
START_TEST(test_error_prefix)
{
	struct sim_error e = { 0 };
	char longmsg[SIM_ERROR_MSG_MAX + 100];

	ck_assert_int_eq(sim_error_set(&e, SIM_E_INVAL, "VA 0x%x is bad", 0x10), SIM_E_INVAL);
	ck_assert_int_eq(sim_error_prefix(&e, SIM_E_INVAL, "t.lk: record %d", 7), SIM_E_INVAL);
	ck_assert_int_eq(sim_error_prefix(&e, SIM_E_INVAL, "proc %s", "a"), SIM_E_INVAL);
	ck_assert_str_eq(e.msg, "proc a: t.lk: record 7: VA 0x10 is bad");
	/* a later sim_error_set() still keeps the first message */
	sim_error_set(&e, SIM_E_IO, "other");
	ck_assert_int_eq(e.code, SIM_E_INVAL);
	ck_assert_str_eq(e.msg, "proc a: t.lk: record 7: VA 0x10 is bad");
	/* the first code stays even if the context names another */
	ck_assert_int_eq(sim_error_prefix(&e, SIM_E_NOMEM, "x"), SIM_E_NOMEM);
	ck_assert_int_eq(e.code, SIM_E_INVAL);

	/* nothing recorded: the context and the code's name */
	sim_error_clear(&e);
	ck_assert_int_eq(sim_error_prefix(&e, SIM_E_NOMEM, "CPU %u", 1u), SIM_E_NOMEM);
	ck_assert_int_eq(e.code, SIM_E_NOMEM);
	ck_assert_str_eq(e.msg, "CPU 1: out of memory");

	/* NULL is allowed, as for sim_error_set() */
	ck_assert_int_eq(sim_error_prefix(NULL, SIM_E_IO, "x"), SIM_E_IO);

	/* too long: the context survives, the end of the message goes */
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	sim_error_clear(&e);
	sim_error_set(&e, SIM_E_PARSE, "%s", longmsg);
	sim_error_prefix(&e, SIM_E_PARSE, "f.lk: record %d", 3);
	ck_assert_uint_eq(strlen(e.msg), SIM_ERROR_MSG_MAX - 1);
	ck_assert(!strncmp(e.msg, "f.lk: record 3: mmm", 19));
}
END_TEST

/* ---- the same columns in every run ---- */

/*
 * Whatever structures a configuration leaves out (walk caches, the stage-2
 * TLB, stage 2 itself) or a single-trace run lacks (the workload's events,
 * maintenance and ids), the registry has the same names in the same order:
 * only the names the configuration chooses (TLB levels) differ.
 */
START_TEST(test_same_names)
{
	static const char *const nowc[] = { "walkcache.s1.entries=0", "walkcache.s2.entries=0",
					     "s2tlb.entries=0", NULL };
	static const char *const native[] = { "run.mode=native", NULL };
	static const char *const s2only[] = { "run.mode=s2only", NULL };
	const char *const *cases[] = { nowc, native, s2only };
	struct sim *ref = new_sim(NULL, NULL);
	const struct stats_registry *rr = sim_stats(ref);

	ck_assert_int_ge(stats_find(rr, "events.context_switches"), 0);
	ck_assert_int_ge(stats_find(rr, "vmid.rollovers"), 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct sim *s = new_sim(NULL, cases[c]);
		const struct stats_registry *r = sim_stats(s);

		ck_assert_uint_eq(stats_count(r), stats_count(rr));
		for (size_t i = 0; i < stats_count(r); i++) {
			struct stats_item x, y;

			stats_get(rr, i, &x);
			stats_get(r, i, &y);
			ck_assert_str_eq(y.name, x.name);
		}
		sim_destroy(s);
	}
	{
		/* an absent structure reads 0 however the run goes */
		struct sim *s = new_sim(NULL, nowc);

		load(s, VA_A, 8);
		ck_stat(s, "walks", 1);
		ck_stat(s, "walkcache.s1.lookups", 0);
		ck_stat(s, "s2tlb.lookups", 0);
		sim_destroy(s);
	}
	sim_destroy(ref);
}
END_TEST

/* ---- Suite: dirty state, aging, fragmentation, contiguous groups ---- */

/* @n loads, one per page from @base, then @n stores to the same pages. */
static void loads_then_stores(struct sim *s, uint64_t base, unsigned n, uint64_t stride)
{
	struct trace_rec *r = malloc(2 * n * sizeof(*r));

	ck_assert_ptr_nonnull(r);
	for (unsigned i = 0; i < n; i++) {
		r[i] = trace_rec_access(TRACE_LOAD, 0, base + i * stride, 8);
		r[n + i] = trace_rec_access(TRACE_STORE, 0, base + i * stride, 8);
	}
	step(s, r, 2 * n);
	free(r);
}

/*
 * Loads then stores of 4,096 pages, more than the TLBs hold (48 + 1280
 * entries): every store misses.  The loads map each page writable-clean.
 * With stage1.hd = 1 the store's walk sets the dirty state: one
 * descriptor write per page.  With hd = 0 the walk takes a permission
 * fault, the OS makes the page dirty, invalidates it (a TLBI per page) and
 * the store is retried: a second walk, no hardware write.
 */
START_TEST(test_loads_then_stores_4096)
{
	static const char *const hd0[] = { "stage1.hd=0", NULL };
	struct sim *a = new_sim(NULL, NULL), *b = new_sim(NULL, hd0);

	loads_then_stores(a, VA_A, 4096, 4 * KiB);
	loads_then_stores(b, VA_A, 4096, 4 * KiB);
	ck_stat(a, "walks", 8192);
	ck_stat(a, "walk_writes", 4096);
	ck_stat(a, "dirty_update_walks", 0);
	ck_stat(a, "os.s1_dirty_faults", 0);
	ck_stat(a, "fault_retries", 0);
	ck_stat(b, "walks", 3 * 4096);
	ck_stat(b, "walk_writes", 0);
	ck_stat(b, "os.s1_dirty_faults", 4096);
	ck_stat(b, "fault_retries", 4096);
	ck_stat(b, "fault_tlbis", 4096);
	ck_stat(b, "translations", 8192);
	ck_assert_uint_ne(stat(a, "translation_cycles"), stat(b, "translation_cycles"));
	sim_destroy(a);
	sim_destroy(b);
}
END_TEST

/*
 * Sixteen pages, which the TLBs hold: each store hits its page's clean
 * entry.  hd = 1: the PE walks again for the dirty update (16 such walks,
 * 16 writes), later stores hit the dirty entry.  hd = 0: the entry
 * refuses the write, a permission fault without a walk; the OS fixes it
 * and invalidates the entry, the retried store misses and walks.  The
 * fast path gives the same statistics.
 */
START_TEST(test_stores_hit_clean_entries)
{
	static const char *const hd0[] = { "stage1.hd=0", NULL };
	static const char *const hd0_slow[] = { "stage1.hd=0", "run.fast_path=0", NULL };
	static const char *const slow[] = { "run.fast_path=0", NULL };
	struct sim *a = new_sim(NULL, NULL), *b = new_sim(NULL, hd0);
	struct sim *as = new_sim(NULL, slow), *bs = new_sim(NULL, hd0_slow);
	struct sim *all[] = { a, b, as, bs };

	for (int i = 0; i < 4; i++) {
		loads_then_stores(all[i], VA_A, 16, 4 * KiB);
		loads_then_stores(all[i], VA_A, 16, 4 * KiB);
	}
	ck_stat(a, "walks", 32);
	ck_stat(a, "dirty_update_walks", 16);
	ck_stat(a, "walk_writes", 16);
	ck_stat(a, "tlb.L1D.hits", 48);
	ck_stat(b, "walks", 32);
	ck_stat(b, "dirty_update_walks", 0);
	ck_stat(b, "walk_writes", 0);
	ck_stat(b, "os.s1_dirty_faults", 16);
	ck_stat(b, "fault_tlbis", 16);
	ck_stat(b, "fault_retries", 16);
	/* the refused store hit, its retry missed; the second round hits */
	ck_stat(b, "tlb.L1D.lookups", 16 * 5);
	ck_stat(b, "tlb.L1D.hits", 16 * 3);
	ck_stat(b, "tlb.L1D.invalidations", 16);
	ck_same_stats(a, as, "hd = 1, fast path or not");
	ck_same_stats(b, bs, "hd = 0, fast path or not");
	for (int i = 0; i < 4; i++)
		sim_destroy(all[i]);
}
END_TEST

/*
 * Aging: with stage1.old_share = 1 every walk of a mapped user page finds
 * it old.  Loads of 4,096 pages twice: the second round walks again (TLB
 * capacity).  ha = 1: a hardware AF update per walk of the second round;
 * ha = 0: an access-flag fault per page, fixed without a TLBI, and a retry.
 */
START_TEST(test_aging_af)
{
	static const char *const ha1[] = { "stage1.old_share=1", "stage1.hd=0", NULL };
	static const char *const ha0[] = { "stage1.old_share=1", "stage1.ha=0", "stage1.hd=0",
					   NULL };
	struct sim *a = new_sim(NULL, ha1), *b = new_sim(NULL, ha0);
	struct trace_rec *r = malloc(2 * 4096 * sizeof(*r));

	ck_assert_ptr_nonnull(r);
	for (unsigned i = 0; i < 2 * 4096; i++)
		r[i] = trace_rec_access(TRACE_LOAD, 0, VA_A + (i % 4096) * 4 * KiB, 8);
	step(a, r, 2 * 4096);
	step(b, r, 2 * 4096);
	free(r);
	ck_stat(a, "os.s1_aged", 4096);
	ck_stat(a, "walk_writes", 4096);
	ck_stat(a, "walks", 8192);
	ck_stat(b, "os.s1_aged", 4096);
	ck_stat(b, "os.s1_af_faults", 4096);
	ck_stat(b, "walk_writes", 0);
	ck_stat(b, "walks", 3 * 4096);
	ck_stat(b, "fault_retries", 4096);
	ck_stat(b, "fault_tlbis", 0);
	sim_destroy(a);
	sim_destroy(b);
}
END_TEST

/* KVM's dirty logging without VTCR_EL2.HD: the guest's first store to a
 * page it read takes a stage-2 permission fault; the hypervisor fixes it
 * and invalidates the IPA and the VM's stage 1 on this CPU. */
START_TEST(test_dirty_log_faults)
{
	static const char *const log0[] = { "stage2.dirty_log=1", NULL };
	static const char *const log1[] = { "stage2.dirty_log=1", "stage2.hd=1", NULL };
	struct sim *a = new_sim(NULL, log0), *b = new_sim(NULL, log1);

	loads_then_stores(a, VA_A, 4096, 4 * KiB);
	loads_then_stores(b, VA_A, 4096, 4 * KiB);
	/* stage 2 in pages only */
	ck_stat(a, "os.s2_blocks_l2", 0);
	/* stage 1 is dirty by hardware (hd = 1), stage 2 by the hypervisor */
	ck_stat(a, "os.s1_dirty_faults", 0);
	ck_stat(a, "os.s2_dirty_faults", 4096);
	ck_stat(a, "fault_tlbis", 2 * 4096);
	ck_stat(a, "fault_retries", 4096);
	/* hd at stage 2 too: the walk writes both stages' descriptors */
	ck_stat(b, "os.s2_dirty_faults", 0);
	ck_stat(b, "walk_writes", 2 * 4096);
	sim_destroy(a);
	sim_destroy(b);
}
END_TEST

/* The share of blocks follows huge_fraction, at stage 1 (THP) and stage 2
 * (the host's huge pages; s2only, so that each access is a stage-2 fault
 * of its own 2 MiB region): 1,024 faults, one per region. */
START_TEST(test_block_share_follows_fragmentation)
{
	static const char *const fr[][5] = {
		{ "run.mode=native", "stage1.blocks=l2", "stage1.huge_fraction=0.25", NULL },
		{ "run.mode=native", "stage1.blocks=l2", "stage1.huge_fraction=0.75", NULL },
		{ "run.mode=s2only", "stage2.huge_fraction=0.25", NULL },
		{ "run.mode=s2only", "stage2.huge_fraction=0.75", NULL },
	};
	static const double share[] = { 0.25, 0.75, 0.25, 0.75 };

	for (int k = 0; k < 4; k++) {
		struct sim *s = new_sim(NULL, fr[k]);
		uint64_t blocks, pages;

		for (unsigned i = 0; i < 1024; i++)
			load(s, VA_A + (uint64_t)i * 2 * MiB, 8);
		blocks = stat(s, k < 2 ? "os.s1_blocks_l2" : "os.s2_blocks_l2");
		pages = stat(s, k < 2 ? "os.s1_no_free_run" : "os.s2_no_free_run");
		/* 1024 x share within about 4 sd (14) */
		ck_assert_msg(blocks >= 1024 * share[k] - 60 && blocks <= 1024 * share[k] + 60,
			      "case %d: %llu blocks", k, (unsigned long long)blocks);
		ck_assert_uint_eq(blocks + pages, 1024);
		sim_destroy(s);
	}
}
END_TEST

/* Contiguous groups only where frames allow: with free runs, each fault
 * of a new 64 KiB region maps its 16 pages as one group; with none
 * (huge_fraction 0), plain pages: the first fault of a region finds no
 * free run, the others find the region partly mapped and try none. */
START_TEST(test_contiguous_where_frames_allow)
{
	static const char *const on[] = { "run.mode=native", "stage1.contiguous=last", NULL };
	static const char *const none[] = { "run.mode=native", "stage1.contiguous=last",
					    "stage1.huge_fraction=0", NULL };
	struct sim *a = new_sim(NULL, on), *b = new_sim(NULL, none);

	for (unsigned i = 0; i < 64; i++) {
		load(a, VA_A + (uint64_t)i * 4 * KiB, 8);
		load(b, VA_A + (uint64_t)i * 4 * KiB, 8);
	}
	ck_stat(a, "os.s1_contiguous_groups", 4);
	ck_stat(a, "os.s1_pages", 64);
	ck_stat(a, "os.s1_faults", 4);
	ck_stat(b, "os.s1_contiguous_groups", 0);
	ck_stat(b, "os.s1_faults", 64);
	ck_stat(b, "os.s1_no_free_run", 4);
	sim_destroy(a);
	sim_destroy(b);
}
END_TEST

/* ---- the suite ---- */

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc;

	tc = tcase_create("independence");
	tcase_add_test(tc, test_two_sims_do_not_interfere);
	tcase_add_test(tc, test_same_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("cold_walks");
	tcase_add_test(tc, test_cold_walk_native);
	tcase_add_test(tc, test_cold_walk_virt_19);
	tcase_add_test(tc, test_cold_walk_virt_ipa48);
	tcase_add_test(tc, test_cold_walk_virt_start0);
	suite_add_tcase(s, tc);

	tc = tcase_create("walk_caches");
	tcase_add_test(tc, test_walkcache_s1_skip);
	tcase_add_test(tc, test_walkcache_s2_skip);
	tcase_add_test(tc, test_s2tlb_skip);
	suite_add_tcase(s, tc);

	tc = tcase_create("splintering");
	tcase_add_test(tc, test_splinter_s2_pages);
	tcase_add_test(tc, test_splinter_s2_blocks);
	suite_add_tcase(s, tc);

	tc = tcase_create("page_crossing");
	tcase_add_test(tc, test_crossing_split_cold);
	tcase_add_test(tc, test_crossing_split_warm);
	tcase_add_test(tc, test_crossing_first);
	tcase_add_test(tc, test_crossing_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("one_level_pages");
	tcase_add_test(tc, test_crossing_2m_block);
	tcase_add_test(tc, test_crossing_block_modes);
	tcase_add_test(tc, test_one_level_lookups);
	tcase_add_test(tc, test_one_level_set_index);
	suite_add_tcase(s, tc);

	tc = tcase_create("sides");
	tcase_add_test(tc, test_sides);
	tcase_add_test(tc, test_sides_default);
	tcase_add_test(tc, test_sides_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("tlbi");
	tcase_add_test(tc, test_tlbi_vae1);
	tcase_add_test(tc, test_tlbi_vale1);
	tcase_add_test(tc, test_tlbi_other_asid);
	tcase_add_test(tc, test_tlbi_vae1_virt);
	suite_add_tcase(s, tc);

	tc = tcase_create("warmup");
	tcase_add_test(tc, test_warmup);
	tcase_add_test(tc, test_warmup_control);
	tcase_add_test(tc, test_warmup_whole_trace);
	suite_add_tcase(s, tc);

	tc = tcase_create("fast_path");
	tcase_add_test(tc, test_fast_path_identical);
	suite_add_tcase(s, tc);

	tc = tcase_create("guest_ips");
	tcase_add_test(tc, test_stage1_pa_bits_virt);
	suite_add_tcase(s, tc);

	tc = tcase_create("access_flag");
	tcase_add_test(tc, test_ha_fault_around_writes);
	tcase_add_test(tc, test_ptcache_counters);
	tcase_add_test(tc, test_ptcache_conservation);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory_realism");
	tcase_add_test(tc, test_loads_then_stores_4096);
	tcase_add_test(tc, test_stores_hit_clean_entries);
	tcase_add_test(tc, test_aging_af);
	tcase_add_test(tc, test_dirty_log_faults);
	tcase_add_test(tc, test_block_share_follows_fragmentation);
	tcase_add_test(tc, test_contiguous_where_frames_allow);
	suite_add_tcase(s, tc);

	tc = tcase_create("switch_records");
	tcase_add_test(tc, test_switch_needs_spaces);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_error_prefix);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sim_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
