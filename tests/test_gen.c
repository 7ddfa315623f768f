/*
 * tests/test_gen.c - Check suite for workloads/gen.c (synthetic workload
 * generators) and the mmusim gen subcommand.
 *
 * Statistical checks use fixed seeds and tolerances of at least five
 * standard deviations, so they are deterministic and do not flake, yet a
 * generator whose distribution is off by a few percent fails them.
 */
#include "autoconfig.h"

#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "workloads/gen.h"
#include "workloads/trace.h"

#define NREC 100000

/*
 * Assertions inside loops over 100k records: every ck_assert_*() call
 * records a checkpoint (a message to the parent in fork mode), far too slow
 * per record, so test the condition first.
 */
#define CHECK_OP(a, op, b) do { \
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b); \
	if (!(a_ op b_)) \
		ck_abort_msg("%s:%d: %s %s %s: 0x%" PRIx64 " vs 0x%" PRIx64, __FILE__, __LINE__, \
			     #a, #op, #b, a_, b_); \
} while (0)

static const enum gen_pattern data_patterns[] = {
	GEN_SEQ, GEN_STRIDED, GEN_RANDOM, GEN_ZIPF, GEN_CHASE, GEN_HOTCOLD,
};

static struct gen *make(const struct gen_params *p)
{
	struct sim_error err;
	struct gen *g = NULL;
	int rc;

	sim_error_clear(&err);
	rc = gen_create(&g, p, &err);
	ck_assert_msg(rc == 0, "gen_create(%s): %d %s", gen_pattern_name(p->pattern), rc, err.msg);
	ck_assert_ptr_nonnull(g);
	return g;
}

/* Generates @n records into a new array (in batches of @batch). */
static struct trace_rec *gen_all(const struct gen_params *p, size_t n, size_t batch)
{
	struct trace_rec *recs = malloc(n * sizeof(*recs));
	struct gen *g = make(p);
	size_t got = 0;

	ck_assert_ptr_nonnull(recs);
	while (got < n) {
		size_t want = n - got < batch ? n - got : batch;
		int rc = gen_next_batch(g, recs + got, want);

		CHECK_OP(rc, ==, want);
		got += (size_t)rc;
	}
	CHECK_OP(gen_records(g), ==, n);
	gen_destroy(g);
	return recs;
}

static void params(struct gen_params *p, enum gen_pattern pat, uint64_t footprint, unsigned size)
{
	gen_params_init(p);
	p->pattern = pat;
	p->footprint = footprint;
	p->size = size;
	p->accesses = 0;
	p->seed = 12345;
}

/* ------------------------------------------------------------------------ */
/* Determinism                                                               */

START_TEST(test_same_seed_same_records)
{
	struct gen_params p;

	params(&p, data_patterns[_i], 1 << 24, 8);
	p.write_frac = 0.3;
	p.fetch_ratio = 1.5;
	{
		struct trace_rec *a = gen_all(&p, NREC, 4096);
		struct trace_rec *b = gen_all(&p, NREC, 1);
		struct trace_rec *c = gen_all(&p, NREC, 777);

		ck_assert_int_eq(memcmp(a, b, NREC * sizeof(*a)), 0);
		ck_assert_int_eq(memcmp(a, c, NREC * sizeof(*a)), 0);
		free(a);
		free(b);
		free(c);
	}
}
END_TEST

START_TEST(test_other_seed_other_records)
{
	struct gen_params p;
	struct trace_rec *a, *b;
	size_t same = 0;

	params(&p, data_patterns[_i], 1 << 24, 8);
	p.write_frac = 0.5;
	p.fetch_ratio = 1.0;
	a = gen_all(&p, NREC, 4096);
	p.seed++;
	b = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++)
		same += !memcmp(&a[i], &b[i], sizeof(a[i]));
	/* Sequential and strided addresses do not depend on the seed, but the
	 * read/write choice and the fetch stream do. */
	ck_assert_msg(same < NREC * 3 / 4, "%zu of %d records equal", same, NREC);
	free(a);
	free(b);
}
END_TEST

/* The data addresses do not depend on the write mix or the fetch ratio. */
START_TEST(test_streams_independent)
{
	struct gen_params p;
	struct trace_rec *a, *b;
	size_t j = 0;

	params(&p, data_patterns[_i], 1 << 22, 4);
	a = gen_all(&p, NREC / 4, 4096);
	p.fetch_ratio = 3;
	p.write_frac = 0.7;
	b = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++) {
		if (b[i].kind == TRACE_FETCH)
			continue;
		CHECK_OP(j, <, NREC / 4);
		CHECK_OP(b[i].va, ==, a[j].va);
		j++;
	}
	CHECK_OP(j, ==, NREC / 4);
	free(a);
	free(b);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Addresses                                                                 */

START_TEST(test_inside_and_aligned)
{
	static const unsigned sizes[] = { 1, 2, 4, 8, 16 };
	struct gen_params p;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct trace_rec *r;
		uint64_t fp = 3 * ((UINT64_C(1) << 20) + 4096);        /* not a power of two */

		params(&p, data_patterns[_i], fp, sizes[s]);
		p.base = 0x7f0000000000;
		p.cpu = 3;
		p.write_frac = 0.5;
		p.stride = 4096 + 16;
		p.node_size = 48;
		r = gen_all(&p, NREC, 4096);
		for (size_t i = 0; i < NREC; i++) {
			CHECK_OP(r[i].va, >=, p.base);
			CHECK_OP(r[i].va + r[i].size, <=, p.base + fp);
			CHECK_OP(r[i].va % sizes[s], ==, 0);
			CHECK_OP(r[i].size, ==, sizes[s]);
			CHECK_OP(r[i].cpu, ==, 3);
			CHECK_OP(r[i].rsvd, ==, 0);
			if (r[i].kind != TRACE_LOAD && r[i].kind != TRACE_STORE)
				ck_abort_msg("record %zu: kind %u", i, r[i].kind);
			/* naturally aligned, so never across a page */
			CHECK_OP(r[i].va >> 12, ==, (r[i].va + r[i].size - 1) >> 12);
		}
		free(r);
	}
}
END_TEST

START_TEST(test_misalign_crosses_pages)
{
	struct gen_params p;
	struct trace_rec *r;
	size_t crossing = 0;

	params(&p, data_patterns[_i], 1 << 16, 8);
	p.misalign = 4;
	p.stride = 4096 + 8;
	r = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++) {
		CHECK_OP(r[i].va, >=, p.base);
		CHECK_OP(r[i].va + 8, <=, p.base + p.footprint);
		CHECK_OP(r[i].va % 8, ==, 4);
		crossing += r[i].va >> 12 != (r[i].va + 7) >> 12;
	}
	if (p.pattern == GEN_SEQ)
		CHECK_OP(crossing, >, 0);
	free(r);
}
END_TEST

START_TEST(test_sequential_exact)
{
	struct gen_params p;
	struct trace_rec *r;

	params(&p, GEN_SEQ, 4096 + 64, 16);
	r = gen_all(&p, 1000, 100);
	for (size_t i = 0; i < 1000; i++)
		CHECK_OP(r[i].va, ==, GEN_DEFAULT_DATA_BASE + (i * 16) % (4096 + 64));
	free(r);
}
END_TEST

START_TEST(test_strided_exact)
{
	struct gen_params p;
	struct trace_rec *r;
	const uint64_t fp = 12 * 4096 + 256, stride = 5 * 1024;

	params(&p, GEN_STRIDED, fp, 8);
	p.stride = stride;
	r = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++)
		CHECK_OP(r[i].va, ==, GEN_DEFAULT_DATA_BASE + (i * stride) % fp);
	free(r);

	/* one access per page, wrapping onto the same pages */
	params(&p, GEN_STRIDED, 64 * 4096, 4);
	p.stride = 4096;
	r = gen_all(&p, 200, 7);
	for (size_t i = 0; i < 200; i++)
		CHECK_OP(r[i].va, ==, GEN_DEFAULT_DATA_BASE + (i % 64) * 4096);
	free(r);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Each cycle of n accesses visits every node once, and cycles repeat. */
static void check_chase(uint64_t nodes, uint64_t node_size, uint64_t seed)
{
	struct gen_params p;
	struct trace_rec *r;
	uint64_t *v = malloc(nodes * sizeof(*v));

	params(&p, GEN_CHASE, nodes * node_size, 8);
	p.node_size = node_size;
	p.seed = seed;
	r = gen_all(&p, 3 * nodes, 4096);
	ck_assert_ptr_nonnull(v);
	for (uint64_t c = 0; c < 3; c++) {
		for (uint64_t i = 0; i < nodes; i++) {
			uint64_t off = r[c * nodes + i].va - p.base;

			CHECK_OP(off % node_size, ==, 0);
			v[i] = off / node_size;
			if (c)
				CHECK_OP(r[c * nodes + i].va, ==, r[i].va);
		}
		qsort(v, nodes, sizeof(*v), cmp_u64);
		for (uint64_t i = 0; i < nodes; i++)
			CHECK_OP(v[i], ==, i);
	}
	/* The cycle is scrambled: consecutive nodes are rarely neighbours. */
	if (nodes >= 1000) {
		uint64_t adjacent = 0;

		for (uint64_t i = 1; i < nodes; i++) {
			uint64_t a = r[i - 1].va, b = r[i].va;

			adjacent += (a > b ? a - b : b - a) == node_size;
		}
		CHECK_OP(adjacent, <, nodes / 50);
	}
	free(v);
	free(r);
}

START_TEST(test_chase_cycle)
{
	check_chase(1, 64, 1);
	check_chase(2, 64, 1);
	check_chase(3, 64, 9);
	check_chase(1000, 64, 1);
	check_chase(4096, 64, 2);
	check_chase(65537, 128, 3);
	check_chase(100003, 64, 4);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Mixes and distributions                                                   */

START_TEST(test_write_fraction)
{
	static const double fracs[] = { 0.0, 0.05, 0.3, 0.5, 0.9, 1.0 };
	struct gen_params p;

	for (size_t f = 0; f < sizeof(fracs) / sizeof(fracs[0]); f++) {
		struct trace_rec *r;
		size_t stores = 0;
		double share;

		params(&p, data_patterns[_i], 1 << 24, 8);
		p.write_frac = fracs[f];
		r = gen_all(&p, NREC, 4096);
		for (size_t i = 0; i < NREC; i++)
			stores += r[i].kind == TRACE_STORE;
		share = (double)stores / NREC;
		/* 5 sigma of a binomial over 100k is below 0.008 */
		ck_assert_msg(fabs(share - fracs[f]) < 0.008, "write share %f for %f", share,
			      fracs[f]);
		if (fracs[f] == 0.0 || fracs[f] == 1.0)
			ck_assert(share == fracs[f]);
		free(r);
	}
}
END_TEST

/* Expected share of rank @k among @n ranks with exponent @s. */
static double zipf_share(uint64_t n, double s, uint64_t k)
{
	double h = 0;

	for (uint64_t r = n; r >= 1; r--)
		h += pow((double)r, -s);
	return pow((double)(k + 1), -s) / h;
}

static void check_zipf(uint64_t pages, double s, unsigned nsamples)
{
	struct gen_params p;
	struct trace_rec *r;
	uint64_t *count = calloc(pages, sizeof(*count)), top[8], saved[8];
	unsigned n = nsamples;

	ck_assert_ptr_nonnull(count);
	params(&p, GEN_ZIPF, pages * 4096, 8);
	p.zipf_s = s;
	p.seed = 99;
	r = gen_all(&p, n, 4096);
	for (unsigned i = 0; i < n; i++)
		count[(r[i].va - p.base) / 4096]++;

	/* Record the hottest pages before sorting the counts. */
	for (int t = 0; t < 8; t++) {
		uint64_t best = 0;

		for (uint64_t i = 1; i < pages; i++)
			if (count[i] > count[best])
				best = i;
		top[t] = best;
		saved[t] = count[best];
		count[best] = 0;        /* restored below */
	}
	for (int t = 0; t < 8; t++)
		count[top[t]] = saved[t];

	qsort(count, pages, sizeof(*count), cmp_u64);       /* ascending */
	for (uint64_t k = 0; k < 5; k++) {
		double want = zipf_share(pages, s, k);
		double got = (double)count[pages - 1 - k] / n;
		double sigma = sqrt(want * (1 - want) / n);

		ck_assert_msg(fabs(got - want) < 5 * sigma + 0.02 * want,
			      "pages %" PRIu64 " s %g rank %" PRIu64 ": share %f, expected %f",
			      pages, s, k, got, want);
	}
	/* ordered as expected: rank 0 well above rank 4 when s is large */
	if (s >= 0.8)
		CHECK_OP(count[pages - 1], >, 2 * count[pages - 5]);

	/* hot pages are scattered, not one contiguous run */
	qsort(top, 8, sizeof(top[0]), cmp_u64);
	CHECK_OP(top[7] - top[0], >, 8);
	free(count);
	free(r);
}

START_TEST(test_zipf_ranks)
{
	check_zipf(1024, 1.0, 400000);
	check_zipf(1000, 0.99, 400000);
	check_zipf(1 << 18, 0.99, 400000);      /* 1 GiB: bucketed tail */
	check_zipf(1 << 20, 1.2, 400000);
	check_zipf(4096, 2.0, 100000);
	check_zipf(64, 0.5, 400000);
}
END_TEST

/* With the bucketed tail, the share of the ranks beyond the exact table is
 * still right: compare the shares of the top 1000 pages with the sum. */
START_TEST(test_zipf_tail_mass)
{
	const uint64_t pages = 1 << 16;
	const double s = 0.8;
	const unsigned n = 1000000;
	struct gen_params p;
	struct trace_rec *r;
	uint64_t *count = calloc(pages, sizeof(*count)), head = 0;
	double want = 0;

	ck_assert_ptr_nonnull(count);
	params(&p, GEN_ZIPF, pages * 4096, 8);
	p.zipf_s = s;
	r = gen_all(&p, n, 4096);
	for (unsigned i = 0; i < n; i++)
		count[(r[i].va - p.base) / 4096]++;
	qsort(count, pages, sizeof(*count), cmp_u64);
	for (uint64_t k = 0; k < 100; k++) {
		head += count[pages - 1 - k];
		want += zipf_share(pages, s, k);
	}
	ck_assert_msg(fabs((double)head / n - want) < 0.01, "top-100 share %f, expected %f",
		      (double)head / n, want);
	free(count);
	free(r);
}
END_TEST

START_TEST(test_zipf_zero_is_uniform)
{
	struct gen_params p;
	struct trace_rec *r;
	uint64_t count[256] = { 0 };

	params(&p, GEN_ZIPF, 256 * 4096, 8);
	p.zipf_s = 0;
	r = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++)
		count[(r[i].va - p.base) / 4096]++;
	for (int i = 0; i < 256; i++)
		ck_assert_msg(count[i] > 300 && count[i] < 490, "page %d: %" PRIu64, i, count[i]);
	free(r);
}
END_TEST

START_TEST(test_random_uniform)
{
	struct gen_params p;
	struct trace_rec *r;
	uint64_t count[100] = { 0 };

	params(&p, GEN_RANDOM, 100 * 4096, 16);
	r = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++)
		count[(r[i].va - p.base) / 4096]++;
	for (int i = 0; i < 100; i++)
		ck_assert_msg(count[i] > 850 && count[i] < 1150, "page %d: %" PRIu64, i, count[i]);
	free(r);
}
END_TEST

START_TEST(test_hotcold_share)
{
	struct gen_params p;
	struct trace_rec *r;
	size_t hot = 0, cold_hi = 0;

	params(&p, GEN_HOTCOLD, 1 << 24, 8);
	p.hot_frac = 0.8;
	p.hot_bytes = 64 * 1024;
	r = gen_all(&p, NREC, 4096);
	for (size_t i = 0; i < NREC; i++) {
		uint64_t off = r[i].va - p.base;

		hot += off < p.hot_bytes;
		cold_hi += off >= p.footprint / 2;
	}
	ck_assert_msg(fabs((double)hot / NREC - 0.8) < 0.007, "hot share %f", (double)hot / NREC);
	/* the cold part is uniform over the rest: about half of 20% above the middle */
	ck_assert_msg(fabs((double)cold_hi / NREC - 0.1 * (1 << 24) / ((1 << 24) - 65536)) < 0.006,
		      "cold upper-half share %f", (double)cold_hi / NREC);
	free(r);

	/* default hot region: footprint / 16 */
	params(&p, GEN_HOTCOLD, 1 << 20, 8);
	{
		struct gen *g = make(&p);

		CHECK_OP(gen_get_params(g)->hot_bytes, ==, 1 << 16);
		gen_destroy(g);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Instruction stream                                                        */

START_TEST(test_fetch_ratio)
{
	static const double ratios[] = { 3.0, 1.0, 2.5, 0.25, 7.0 };
	struct gen_params p;

	for (size_t k = 0; k < sizeof(ratios) / sizeof(ratios[0]); k++) {
		struct trace_rec *r;
		uint64_t fetch = 0, data = 0;

		params(&p, GEN_RANDOM, 1 << 24, 8);
		p.fetch_ratio = ratios[k];
		p.code_bytes = 2 << 20;
		r = gen_all(&p, NREC, 1000);
		for (size_t i = 0; i < NREC; i++) {
			if (r[i].kind == TRACE_FETCH) {
				fetch++;
				CHECK_OP(r[i].size, ==, 4);
				CHECK_OP(r[i].va % 4, ==, 0);
				CHECK_OP(r[i].va, >=, GEN_DEFAULT_CODE_BASE);
				CHECK_OP(r[i].va, <, GEN_DEFAULT_CODE_BASE + (2 << 20));
			} else {
				data++;
				/* exactly floor(data * ratio) fetches precede each data access */
				CHECK_OP(fetch, ==, (uint64_t)floor((double)data * ratios[k]));
			}
		}
		free(r);
	}
	/* 3: the interleaving is F F F D */
	params(&p, GEN_SEQ, 4096, 8);
	p.fetch_ratio = 3;
	{
		struct trace_rec *r = gen_all(&p, 40, 40);

		for (int i = 0; i < 40; i++)
			CHECK_OP(r[i].kind, ==, i % 4 == 3 ? TRACE_LOAD : TRACE_FETCH);
		free(r);
	}
}
END_TEST

START_TEST(test_fetch_basic_blocks)
{
	struct gen_params p;
	struct trace_rec *r;
	uint64_t jumps = 0, far = 0;
	const uint64_t code = 8 << 20;

	params(&p, GEN_NONE, 0, 0);
	p.code_bytes = code;
	p.branch_prob = 0.125;
	p.far_prob = 0.2;
	p.near_bytes = 512;
	r = gen_all(&p, NREC, 4096);
	for (size_t i = 1; i < NREC; i++) {
		uint64_t a = r[i - 1].va, b = r[i].va;
		uint64_t d = a > b ? a - b : b - a;

		CHECK_OP(r[i].kind, ==, TRACE_FETCH);
		CHECK_OP(b, >=, GEN_DEFAULT_CODE_BASE);
		CHECK_OP(b, <, GEN_DEFAULT_CODE_BASE + code);
		if (b != a + 4) {
			jumps++;
			far += d > 512;
		}
	}
	/* taken branches: 12.5%, minus near ones landing on the next one */
	ck_assert_msg(fabs((double)jumps / NREC - 0.125) < 0.006, "jump share %f",
		      (double)jumps / NREC);
	ck_assert_msg(fabs((double)far / jumps - 0.2) < 0.03, "far share %f", (double)far / jumps);
	free(r);

	/* no branches: one straight walk, wrapping */
	params(&p, GEN_NONE, 0, 0);
	p.code_bytes = 4096;
	p.branch_prob = 0;
	r = gen_all(&p, 3000, 100);
	for (size_t i = 1; i < 3000; i++)
		CHECK_OP(r[i].va - GEN_DEFAULT_CODE_BASE, ==,
			 (r[i - 1].va - GEN_DEFAULT_CODE_BASE + 4) % 4096);
	free(r);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Counts and parameters                                                     */

START_TEST(test_access_count)
{
	struct gen_params p;
	struct trace_rec recs[300];
	struct gen *g;
	uint64_t total = 0;
	int rc;

	params(&p, GEN_RANDOM, 1 << 20, 8);
	p.accesses = 1000;
	g = make(&p);
	while ((rc = gen_next_batch(g, recs, 300)) > 0)
		total += (uint64_t)rc;
	ck_assert_int_eq(rc, 0);
	CHECK_OP(total, ==, 1000);
	ck_assert_int_eq(gen_next_batch(g, recs, 300), 0);
	gen_destroy(g);

	p.accesses = 0;         /* endless */
	g = make(&p);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(gen_next_batch(g, recs, 300), 300);
	gen_destroy(g);
}
END_TEST

struct bad_case {
	const char *what;       /* expected in the message */
	void (*edit)(struct gen_params *p);
};

static void e_fp0(struct gen_params *p) { p->footprint = 0; }
static void e_fp_mult(struct gen_params *p) { p->footprint = 1001; }
static void e_size3(struct gen_params *p) { p->size = 3; }
static void e_size32(struct gen_params *p) { p->size = 32; }
static void e_zipf_neg(struct gen_params *p) { p->pattern = GEN_ZIPF; p->zipf_s = -0.5; }
static void e_zipf_big(struct gen_params *p) { p->pattern = GEN_ZIPF; p->zipf_s = 11; }
static void e_zipf_nan(struct gen_params *p) { p->pattern = GEN_ZIPF; p->zipf_s = NAN; }
static void e_zipf_page(struct gen_params *p) { p->pattern = GEN_ZIPF; p->page_size = 3000; }
static void e_zipf_fp(struct gen_params *p) { p->pattern = GEN_ZIPF; p->footprint = 6000; }
static void e_stride0(struct gen_params *p) { p->pattern = GEN_STRIDED; p->stride = 0; }
static void e_stride_big(struct gen_params *p) { p->pattern = GEN_STRIDED; p->stride = 1 << 21; }
static void e_node(struct gen_params *p) { p->pattern = GEN_CHASE; p->node_size = 12; }
static void e_node_fp(struct gen_params *p) { p->pattern = GEN_CHASE; p->footprint = 64 * 10 + 8; }
static void e_hot(struct gen_params *p) { p->pattern = GEN_HOTCOLD; p->hot_bytes = 1 << 20; }
static void e_hot_frac(struct gen_params *p) { p->pattern = GEN_HOTCOLD; p->hot_frac = 1.5; }
static void e_writes(struct gen_params *p) { p->write_frac = -0.1; }
static void e_base(struct gen_params *p) { p->base = 0x400000100; }
static void e_top(struct gen_params *p) { p->base = UINT64_C(0xfffffffffff80000); }
static void e_misalign(struct gen_params *p) { p->misalign = 8; }
static void e_ratio(struct gen_params *p) { p->fetch_ratio = -1; }
static void e_code0(struct gen_params *p) { p->fetch_ratio = 3; p->code_bytes = 0; }
static void e_code_overlap(struct gen_params *p) { p->fetch_ratio = 3; p->code_base = 0x400080000; }
static void e_branch(struct gen_params *p) { p->fetch_ratio = 3; p->branch_prob = 2; }
static void e_pattern(struct gen_params *p) { p->pattern = GEN_PATTERN__COUNT; }

static const struct bad_case bad_cases[] = {
	{ "footprint is 0", e_fp0 },
	{ "not a multiple of the access size", e_fp_mult },
	{ "access size 3", e_size3 },
	{ "access size 32", e_size32 },
	{ "Zipf exponent", e_zipf_neg },
	{ "Zipf exponent", e_zipf_big },
	{ "Zipf exponent", e_zipf_nan },
	{ "Zipf page size", e_zipf_page },
	{ "multiple of the Zipf page size", e_zipf_fp },
	{ "stride 0", e_stride0 },
	{ "exceeds the footprint", e_stride_big },
	{ "chase node size", e_node },
	{ "multiple of the chase node size", e_node_fp },
	{ "hot region", e_hot },
	{ "hot fraction", e_hot_frac },
	{ "write fraction", e_writes },
	{ "data base", e_base },
	{ "top of the address space", e_top },
	{ "misalignment", e_misalign },
	{ "fetch ratio", e_ratio },
	{ "code size", e_code0 },
	{ "overlaps", e_code_overlap },
	{ "branch probability", e_branch },
	{ "unknown pattern", e_pattern },
};

START_TEST(test_param_errors)
{
	const struct bad_case *c = &bad_cases[_i];
	struct gen_params p;
	struct sim_error err;
	struct gen *g = (struct gen *)&p;      /* must be reset to NULL */
	int rc;

	gen_params_init(&p);
	c->edit(&p);
	sim_error_clear(&err);
	rc = gen_create(&g, &p, &err);
	ck_assert_int_eq(rc, SIM_E_CONFIG);
	ck_assert_ptr_null(g);
	ck_assert_int_eq(err.code, SIM_E_CONFIG);
	ck_assert_msg(strstr(err.msg, c->what), "'%s' lacks '%s'", err.msg, c->what);
}
END_TEST

START_TEST(test_defaults_valid)
{
	struct gen_params p;
	enum gen_pattern pat;

	for (int i = 0; i < GEN_PATTERN__COUNT; i++) {
		struct gen *g;

		gen_params_init(&p);
		p.pattern = (enum gen_pattern)i;
		p.fetch_ratio = 3;
		g = make(&p);
		gen_destroy(g);
		ck_assert_int_eq(gen_pattern_parse(gen_pattern_name(p.pattern), &pat), 0);
		ck_assert_int_eq(pat, i);
	}
	ck_assert_ptr_null(gen_pattern_name(GEN_PATTERN__COUNT));
	ck_assert_int_eq(gen_pattern_parse("pointer-chase", &pat), 0);
	ck_assert_int_eq(pat, GEN_CHASE);
	ck_assert_int_eq(gen_pattern_parse("zipfian", &pat), SIM_E_CONFIG);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* mmusim gen                                                                */

struct fixture {
	char dir[256];
	char path[512];
};

static void fx_init(struct fixture *fx)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/test_gen.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
}

static const char *fx_path(struct fixture *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	return fx->path;
}

static int run_gen(const char *const *args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)"gen";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return cmd_gen(argc, argv);
}

/* Reads @path whole and compares with the generator's records. */
static void check_file(const char *path, const struct gen_params *p, uint64_t n,
		       enum trace_compression comp)
{
	struct trace_rec *want = gen_all(p, n, 4096), got[1000];
	struct trace_reader *rd;
	struct sim_error err;
	uint64_t i = 0;
	int rc;

	sim_error_clear(&err);
	ck_assert_msg(trace_reader_open(&rd, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(trace_reader_compression(rd), comp);
	while ((rc = trace_read(rd, got, 1000)) > 0) {
		CHECK_OP(i + (uint64_t)rc, <=, n);
		if (memcmp(got, want + i, (size_t)rc * sizeof(*got)))
			ck_abort_msg("records %" PRIu64 "..: differ", i);
		i += (uint64_t)rc;
	}
	ck_assert_int_eq(rc, 0);
	CHECK_OP(i, ==, n);
	trace_reader_close(rd);
	free(want);
}

START_TEST(test_cli_writes_trace)
{
	struct fixture fx;
	struct gen_params p;
	const char *out;

	fx_init(&fx);
	out = fx_path(&fx, "z.mmt");
	{
		const char *args[] = { "--pattern", "zipf", "--footprint", "64m", "--accesses",
				       "20k", "--writes", "0.3", "--seed", "7", "--zipf=0.9",
				       "--fetch-ratio", "3", "--code", "2m", "--quiet", out, NULL };

		ck_assert_int_eq(run_gen(args), 0);
	}
	gen_params_init(&p);
	p.pattern = GEN_ZIPF;
	p.footprint = 64 << 20;
	p.accesses = 20000;
	p.write_frac = 0.3;
	p.seed = 7;
	p.zipf_s = 0.9;
	p.fetch_ratio = 3;
	p.code_bytes = 2 << 20;
	check_file(out, &p, 20000, TRACE_COMP_NONE);
	unlink(out);

	/* .zst compresses; --code alone implies 3 fetches per data access */
	out = fx_path(&fx, "c.mmt.zst");
	{
		const char *args[] = { "--pattern=chase", "--footprint=0x100000", "--node", "128",
				       "--accesses", "1k", "--code", "64k", "--cpu", "5",
				       "--quiet", out, NULL };

		ck_assert_int_eq(run_gen(args), 0);
	}
	gen_params_init(&p);
	p.pattern = GEN_CHASE;
	p.node_size = 128;
	p.accesses = 1000;
	p.code_bytes = 64 << 10;
	p.fetch_ratio = 3;
	p.cpu = 5;
	check_file(out, &p, 1000, TRACE_COMP_ZSTD);
	unlink(out);
	rmdir(fx.dir);
}
END_TEST

START_TEST(test_cli_errors)
{
	static const char *const bad[][6] = {
		{ "--pattern", "zipfian", NULL },
		{ "--footprint", "0", NULL },
		{ "--footprint", "12q", NULL },
		{ "--footprint", "-4k", NULL },
		{ "--accesses", "0", NULL },
		{ "--zipf", "12", "--pattern", "zipf", NULL },
		{ "--writes", "abc", NULL },
		{ "--size", "3", NULL },
		{ "--frobnicate", "1", NULL },
		{ "--seed", NULL },
		{ "-x", NULL },
	};
	struct fixture fx;
	struct stat st;

	fx_init(&fx);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[8];
		size_t n = 0;

		while (bad[i][n]) {
			args[n] = bad[i][n];
			n++;
		}
		args[n++] = fx_path(&fx, "out.mmt");
		args[n] = NULL;
		ck_assert_msg(run_gen(args) == EXIT_USAGE, "case %zu", i);
		ck_assert_int_ne(stat(fx.path, &st), 0);       /* nothing left behind */
	}
	{
		const char *none[] = { "--quiet", NULL };
		const char *two[] = { "a", "b", NULL };

		ck_assert_int_eq(run_gen(none), EXIT_USAGE);
		ck_assert_int_eq(run_gen(two), EXIT_USAGE);
	}
	{
		const char *nodir[] = { "--quiet", "/nonexistent-dir/x.mmt", NULL };

		ck_assert_int_eq(run_gen(nodir), EXIT_USAGE);
	}
	rmdir(fx.dir);
}
END_TEST

static const char *const value_names[] = {
	"--pattern", "--footprint", "--base", "--size", "--writes", "--misalign", "--stride",
	"--zipf", "--page", "--node", "--hot-frac", "--hot ", "--fetch-ratio", "--code ",
	"--code-base", "--branch", "--far", "--near", "--accesses", "--seed", "--cpu", "--zstd",
	"--level", "--quiet", "--help",
};

START_TEST(test_cli_help)
{
	const char *args[] = { "--help", NULL };
	FILE *saved = stdout;
	FILE *f = tmpfile();
	char buf[8192];
	size_t n;

	ck_assert_ptr_nonnull(f);
	stdout = f;
	ck_assert_int_eq(run_gen(args), 0);
	stdout = saved;
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < sizeof(value_names) / sizeof(value_names[0]); i++)
		ck_assert_msg(strstr(buf, value_names[i]), "--help lacks %s", value_names[i]);
}
END_TEST

static Suite *gen_suite(void)
{
	Suite *s = suite_create("gen");
	const int np = (int)(sizeof(data_patterns) / sizeof(data_patterns[0]));
	TCase *tc;

	tc = tcase_create("determinism");
	tcase_add_loop_test(tc, test_same_seed_same_records, 0, np);
	tcase_add_loop_test(tc, test_other_seed_other_records, 0, np);
	tcase_add_loop_test(tc, test_streams_independent, 0, np);
	suite_add_tcase(s, tc);

	tc = tcase_create("addresses");
	tcase_add_loop_test(tc, test_inside_and_aligned, 0, np);
	tcase_add_loop_test(tc, test_misalign_crosses_pages, 0, np);
	tcase_add_test(tc, test_sequential_exact);
	tcase_add_test(tc, test_strided_exact);
	tcase_add_test(tc, test_chase_cycle);
	suite_add_tcase(s, tc);

	tc = tcase_create("distributions");
	tcase_add_loop_test(tc, test_write_fraction, 0, np);
	tcase_add_test(tc, test_zipf_ranks);
	tcase_add_test(tc, test_zipf_tail_mass);
	tcase_add_test(tc, test_zipf_zero_is_uniform);
	tcase_add_test(tc, test_random_uniform);
	tcase_add_test(tc, test_hotcold_share);
	suite_add_tcase(s, tc);

	tc = tcase_create("instructions");
	tcase_add_test(tc, test_fetch_ratio);
	tcase_add_test(tc, test_fetch_basic_blocks);
	suite_add_tcase(s, tc);

	tc = tcase_create("parameters");
	tcase_add_test(tc, test_access_count);
	tcase_add_loop_test(tc, test_param_errors, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_defaults_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_add_test(tc, test_cli_writes_trace);
	tcase_add_test(tc, test_cli_errors);
	tcase_add_test(tc, test_cli_help);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(gen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
