/*
 * workloads/gen.c - synthetic workload generators (see gen.h for what is
 * modelled and the semantic choices).
 *
 * Implementation notes:
 *   - Three xoshiro256** states per generator (data addresses, read/write
 *     choice, instruction stream), each seeded from the seed by splitmix64
 *     with its own stream constant.
 *   - A number below n is drawn as the high half of a 64x64-bit product
 *     (bias below n/2^64, irrelevant for footprints below 2^40 slots).
 *   - Probabilities become 53-bit integer thresholds at creation; no
 *     floating point is used per record.
 *   - Scrambling permutation on [0, n): an invertible mix (odd multiply,
 *     add, xor-shift) on the smallest power-of-two domain holding n, applied
 *     again until the value falls below n ("cycle walking": fewer than two
 *     rounds on average, since the domain is less than 2n).
 *   - Pointer chasing walks a full-period LCG on the same power-of-two
 *     domain (multiplier 1 mod 4, odd increment: period 2^k), skipping
 *     states >= n, so the states below n form one cycle through all of
 *     them; the node visited is the scrambled state.  O(1) memory for any
 *     footprint, and every node is visited exactly once per cycle.
 *   - Zipf sampling inverts a table of cumulative probabilities: ranks below
 *     GEN_ZIPF_EXACT each have an entry; above, ranks are grouped into
 *     buckets of width floor(r/256), whose mass is the midpoint integral of
 *     x^-s over the bucket and whose ranks are then chosen uniformly (the
 *     true probabilities inside a bucket differ by at most s/256 relative).
 *     A guide table indexed by the top 14 bits of the uniform draw narrows
 *     the search to a few entries (usually one); a binary search bounds the
 *     worst case.  The table has about 1024 + 256 ln(pages/1024) entries.
 */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "workloads/gen.h"

#define GEN_ZIPF_EXACT          1024u   /* ranks below: one table entry each */
#define GEN_ZIPF_BUCKET_DIV     256u    /* above: bucket width = rank / this */
#define GEN_ZIPF_GUIDE_BITS     14u   /* 64 KiB guide table */
#define GEN_PROB_ONE            (UINT64_C(1) << 53)
#define GEN_FRAC_BITS           32u

/* ------------------------------------------------------------------------ */
/* PRNG                                                                      */

struct gen_rng {
	uint64_t s[4];
};

static inline uint64_t rotl64(uint64_t x, unsigned k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rng_seed(struct gen_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * UINT64_C(0xd1b54a32d192ed03));

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	/* splitmix64 outputs are a bijection of distinct inputs: never all 0. */
}

/* xoshiro256** */
static inline uint64_t rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl64(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* A number in [0, n), n >= 1. */
static inline uint64_t rng_below(struct gen_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* True with the probability encoded by a prob_threshold() value. */
static inline bool rng_chance(struct gen_rng *r, uint64_t thr)
{
	return (rng_next(r) >> 11) < thr;
}

static uint64_t prob_threshold(double p)
{
	if (p <= 0.0)
		return 0;
	if (p >= 1.0)
		return GEN_PROB_ONE;
	return (uint64_t)(p * (double)GEN_PROB_ONE + 0.5);
}

/* ------------------------------------------------------------------------ */
/* Scrambling permutation of [0, n)                                         */

struct gen_perm {
	uint64_t n, mask;
	uint64_t m1, a1, m2, a2;
	unsigned shift;
};

static void perm_init(struct gen_perm *p, uint64_t n, struct gen_rng *r)
{
	unsigned k = n <= 1 ? 0 : bits_log2(n - 1) + 1;

	p->n = n;
	p->mask = bits_low_mask(k);
	p->shift = k / 2 + 1;
	p->m1 = rng_next(r) | 1;
	p->a1 = rng_next(r);
	p->m2 = rng_next(r) | 1;
	p->a2 = rng_next(r);
}

static inline uint64_t perm_round(const struct gen_perm *p, uint64_t x)
{
	x = (x * p->m1 + p->a1) & p->mask;
	x ^= x >> p->shift;
	x = (x * p->m2 + p->a2) & p->mask;
	x ^= x >> p->shift;
	return x;
}

static inline uint64_t perm_apply(const struct gen_perm *p, uint64_t x)
{
	do
		x = perm_round(p, x);
	while (x >= p->n);
	return x;
}

/* ------------------------------------------------------------------------ */
/* The generator                                                             */

/* Mutable state, copied into locals while a batch is filled. */
struct gen_state {
	struct gen_rng addr, rw, code;
	uint64_t off;           /* GEN_SEQ/GEN_STRIDED: next offset */
	uint64_t x;             /* GEN_CHASE: LCG state */
	uint64_t pc;            /* instruction index in the code region */
	uint64_t frac;          /* fetch-ratio accumulator, GEN_FRAC_BITS fraction */
	uint64_t pending;       /* fetches due before the next data access */
	uint64_t emitted;
};

struct gen_zipf {
	uint32_t nb;            /* buckets */
	uint64_t *cdf;          /* nb: cumulative probability * 2^63, last = 2^63 */
	uint64_t *start;        /* nb + 1: first rank of each bucket */
	uint32_t *guide;        /* 2^GEN_ZIPF_GUIDE_BITS + 1 */
};

struct gen {
	struct gen_params p;
	struct gen_state st;

	uint64_t slots;         /* footprint / size */
	uint64_t limit;         /* misalign: offsets above this fold down */
	uint64_t wthr;          /* write threshold */
	uint64_t ratio_fp;      /* fetch_ratio in fixed point */

	struct gen_perm perm;   /* GEN_ZIPF: rank -> page; GEN_CHASE: state -> node */
	uint64_t units;         /* GEN_ZIPF: pages; GEN_CHASE: nodes */
	uint64_t unit_slots;    /* GEN_ZIPF: slots per page */
	uint64_t lcg_a, lcg_c;  /* GEN_CHASE */
	uint64_t hot_thr, hot_slots, cold_slots;    /* GEN_HOTCOLD */
	struct gen_zipf zipf;

	uint64_t code_n;        /* instructions in the code region */
	uint64_t near_n;        /* near branch reach, in instructions */
	uint64_t branch_thr, far_thr;
};

static const char *const pattern_names[GEN_PATTERN__COUNT] = {
	[GEN_SEQ] = "seq",
	[GEN_STRIDED] = "strided",
	[GEN_RANDOM] = "random",
	[GEN_ZIPF] = "zipf",
	[GEN_CHASE] = "chase",
	[GEN_HOTCOLD] = "hotcold",
	[GEN_NONE] = "none",
};

const char *gen_pattern_name(enum gen_pattern pat)
{
	return (unsigned)pat < GEN_PATTERN__COUNT ? pattern_names[pat] : NULL;
}

int gen_pattern_parse(const char *name, enum gen_pattern *pat)
{
	static const struct {
		const char *name;
		enum gen_pattern pat;
	} aliases[] = {
		{ "sequential", GEN_SEQ },
		{ "stride", GEN_STRIDED },
		{ "uniform", GEN_RANDOM },
		{ "pointer-chase", GEN_CHASE },
	};

	for (unsigned i = 0; i < GEN_PATTERN__COUNT; i++) {
		if (!strcmp(name, pattern_names[i])) {
			*pat = (enum gen_pattern)i;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++) {
		if (!strcmp(name, aliases[i].name)) {
			*pat = aliases[i].pat;
			return 0;
		}
	}
	return SIM_E_CONFIG;
}

void gen_params_init(struct gen_params *p)
{
	memset(p, 0, sizeof(*p));
	p->pattern = GEN_SEQ;
	p->seed = 1;
	p->accesses = 1000000;
	p->base = GEN_DEFAULT_DATA_BASE;
	p->footprint = UINT64_C(1) << 20;
	p->size = 8;
	p->stride = 4096;
	p->zipf_s = 0.99;
	p->page_size = 4096;
	p->node_size = 64;
	p->hot_frac = 0.9;
	p->code_base = GEN_DEFAULT_CODE_BASE;
	p->code_bytes = UINT64_C(1) << 20;
	p->branch_prob = 0.125;
	p->far_prob = 0.1;
	p->near_bytes = 1024;
}

static bool prob_ok(double p)
{
	return p >= 0.0 && p <= 1.0;   /* false for NaN */
}

/* Do [a, a + alast] and [b, b + blast] (inclusive ends) overlap? */
static bool ranges_overlap(uint64_t a, uint64_t alast, uint64_t b, uint64_t blast)
{
	return a <= b + blast && b <= a + alast;
}

/* Checks @p (with hot_bytes resolved); the first problem goes to @err. */
static int validate(const struct gen_params *p, bool data, bool code, struct sim_error *err)
{
	if ((unsigned)p->pattern >= GEN_PATTERN__COUNT)
		return sim_error_set(err, SIM_E_CONFIG, "gen: unknown pattern %d", (int)p->pattern);
	if (data) {
		if (p->size != 1 && p->size != 2 && p->size != 4 && p->size != 8 && p->size != 16)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: access size %u: expected 1, 2, 4, 8 or 16",
					     p->size);
		if (p->footprint == 0)
			return sim_error_set(err, SIM_E_CONFIG, "gen: footprint is 0");
		if (p->footprint % p->size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: footprint %llu is not a multiple of the access size %u",
					     (unsigned long long)p->footprint, p->size);
		if (p->base % GEN_BASE_ALIGN)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: data base 0x%llx is not a multiple of %u",
					     (unsigned long long)p->base, GEN_BASE_ALIGN);
		if (p->footprint - 1 > UINT64_MAX - p->base)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: data footprint 0x%llx at 0x%llx passes the top of the address space",
					     (unsigned long long)p->footprint,
					     (unsigned long long)p->base);
		if (p->misalign >= p->size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: misalignment %u must be below the access size %u",
					     p->misalign, p->size);
		if (p->misalign && p->footprint < 2u * p->size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: a misaligned footprint needs at least two access slots");
		if (!prob_ok(p->write_frac))
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: write fraction %g is not in 0..1", p->write_frac);
	}
	switch (p->pattern) {
	case GEN_STRIDED:
		if (p->stride == 0 || p->stride % p->size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: stride %llu must be a nonzero multiple of the access size %u",
					     (unsigned long long)p->stride, p->size);
		if (p->stride > p->footprint)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: stride %llu exceeds the footprint %llu",
					     (unsigned long long)p->stride,
					     (unsigned long long)p->footprint);
		break;
	case GEN_ZIPF:
		if (!(p->zipf_s >= 0.0 && p->zipf_s <= GEN_ZIPF_MAX_EXPONENT))
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: Zipf exponent %g is not in 0..%g", p->zipf_s,
					     GEN_ZIPF_MAX_EXPONENT);
		if (!bits_is_pow2(p->page_size) || p->page_size < p->size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: Zipf page size %llu must be a power of two of at least the access size %u",
					     (unsigned long long)p->page_size, p->size);
		if (p->footprint % p->page_size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: footprint %llu is not a multiple of the Zipf page size %llu",
					     (unsigned long long)p->footprint,
					     (unsigned long long)p->page_size);
		if (p->base % p->page_size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: data base 0x%llx is not aligned to the Zipf page size %llu",
					     (unsigned long long)p->base,
					     (unsigned long long)p->page_size);
		break;
	case GEN_CHASE:
		if (p->node_size == 0 || p->node_size % p->size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: chase node size %llu must be a nonzero multiple of the access size %u",
					     (unsigned long long)p->node_size, p->size);
		if (p->footprint % p->node_size)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: footprint %llu is not a multiple of the chase node size %llu",
					     (unsigned long long)p->footprint,
					     (unsigned long long)p->node_size);
		break;
	case GEN_HOTCOLD:
		if (!prob_ok(p->hot_frac))
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: hot fraction %g is not in 0..1", p->hot_frac);
		if (p->hot_bytes % p->size || p->hot_bytes >= p->footprint)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: hot region %llu must be a multiple of the access size %u below the footprint %llu",
					     (unsigned long long)p->hot_bytes, p->size,
					     (unsigned long long)p->footprint);
		break;
	default:
		break;
	}
	if (!(p->fetch_ratio >= 0.0 && p->fetch_ratio <= GEN_MAX_FETCH_RATIO))
		return sim_error_set(err, SIM_E_CONFIG, "gen: fetch ratio %g is not in 0..%g",
				     p->fetch_ratio, GEN_MAX_FETCH_RATIO);
	if (code) {
		if (p->code_bytes == 0 || p->code_bytes % GEN_FETCH_SIZE)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: code size %llu must be a nonzero multiple of %u",
					     (unsigned long long)p->code_bytes, GEN_FETCH_SIZE);
		if (p->code_base % GEN_BASE_ALIGN)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: code base 0x%llx is not a multiple of %u",
					     (unsigned long long)p->code_base, GEN_BASE_ALIGN);
		if (p->code_bytes - 1 > UINT64_MAX - p->code_base)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: code region 0x%llx at 0x%llx passes the top of the address space",
					     (unsigned long long)p->code_bytes,
					     (unsigned long long)p->code_base);
		if (!prob_ok(p->branch_prob))
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: branch probability %g is not in 0..1", p->branch_prob);
		if (!prob_ok(p->far_prob))
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: far-branch probability %g is not in 0..1", p->far_prob);
		if (p->near_bytes % GEN_FETCH_SIZE)
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: near-branch reach %llu is not a multiple of %u",
					     (unsigned long long)p->near_bytes, GEN_FETCH_SIZE);
		if (data && ranges_overlap(p->base, p->footprint - 1, p->code_base, p->code_bytes - 1))
			return sim_error_set(err, SIM_E_CONFIG,
					     "gen: code region [0x%llx, +0x%llx) overlaps the data footprint [0x%llx, +0x%llx)",
					     (unsigned long long)p->code_base,
					     (unsigned long long)p->code_bytes,
					     (unsigned long long)p->base,
					     (unsigned long long)p->footprint);
	}
	return 0;
}

/* Mass of 1-based ranks lo+1 .. hi (0-based lo .. hi-1) under x^-s. */
static double zipf_mass(uint64_t lo, uint64_t hi, double s)
{
	double a, b, t;

	if (hi - lo == 1)
		return pow((double)hi, -s);
	/* Midpoint integral of x^-s over [lo + 0.5, hi + 0.5]. */
	a = (double)lo + 0.5;
	b = (double)hi + 0.5;
	t = 1.0 - s;
	if (t == 0.0)
		return log(b / a);
	return pow(a, t) * expm1(t * log(b / a)) / t;
}

static uint64_t zipf_width(uint64_t rank)
{
	return rank < GEN_ZIPF_EXACT ? 1 : rank / GEN_ZIPF_BUCKET_DIV;
}

static int zipf_init(struct gen_zipf *z, uint64_t n, double s, struct sim_error *err)
{
	const uint32_t ng = 1u << GEN_ZIPF_GUIDE_BITS;
	double total = 0.0, cum = 0.0, *mass;
	uint64_t r;
	uint32_t nb = 0, b;

	for (r = 0; r < n; nb++)
		r += zipf_width(r) < n - r ? zipf_width(r) : n - r;
	z->nb = nb;
	z->cdf = malloc(nb * sizeof(*z->cdf));
	z->start = malloc((nb + 1) * sizeof(*z->start));
	z->guide = malloc((ng + 1) * sizeof(*z->guide));
	mass = malloc(nb * sizeof(*mass));
	if (!z->cdf || !z->start || !z->guide || !mass) {
		free(mass);
		return sim_error_set(err, SIM_E_NOMEM, "gen: out of memory for the Zipf table");
	}
	for (r = 0, b = 0; b < nb; b++) {
		uint64_t w = zipf_width(r) < n - r ? zipf_width(r) : n - r;

		z->start[b] = r;
		mass[b] = zipf_mass(r, r + w, s);
		total += mass[b];
		r += w;
	}
	z->start[nb] = n;
	for (b = 0; b < nb; b++) {
		cum += mass[b];
		z->cdf[b] = (uint64_t)ldexp(cum / total, 63);
		if (z->cdf[b] > (UINT64_C(1) << 63))
			z->cdf[b] = UINT64_C(1) << 63;
	}
	z->cdf[nb - 1] = UINT64_C(1) << 63;
	free(mass);

	/* guide[i]: the first bucket whose cdf exceeds i * 2^(63 - bits). */
	b = 0;
	for (uint32_t i = 0; i <= ng; i++) {
		uint64_t u = i == ng ? (UINT64_C(1) << 63) - 1 : (uint64_t)i << (63 - GEN_ZIPF_GUIDE_BITS);

		while (z->cdf[b] <= u)
			b++;
		z->guide[i] = b;
	}
	return 0;
}

static void zipf_free(struct gen_zipf *z)
{
	free(z->cdf);
	free(z->start);
	free(z->guide);
}

/* A 0-based rank. */
static inline uint64_t zipf_rank(const struct gen_zipf *z, struct gen_rng *r)
{
	uint64_t u = rng_next(r) >> 1;
	uint32_t i = (uint32_t)(u >> (63 - GEN_ZIPF_GUIDE_BITS));
	uint32_t lo = z->guide[i], hi = z->guide[i + 1];
	uint64_t w;

	/* Binary search down to a few entries, then scan (usually 0 steps). */
	while (hi - lo > 4) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (z->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	while (z->cdf[lo] <= u)
		lo++;
	/* Width 1 gives 0: drawing anyway is cheaper than a mispredicted branch. */
	w = z->start[lo + 1] - z->start[lo];
	return z->start[lo] + rng_below(r, w);
}

int gen_create(struct gen **gp, const struct gen_params *params, struct sim_error *err)
{
	struct gen_params p = *params;
	bool data, code;
	struct gen *g;
	struct gen_rng setup;
	int rc;

	*gp = NULL;
	data = p.pattern != GEN_NONE;
	code = p.pattern == GEN_NONE || p.fetch_ratio > 0.0;
	if (!data)
		p.fetch_ratio = 0.0;
	if (p.pattern == GEN_HOTCOLD && p.hot_bytes == 0 && p.size && p.footprint) {
		p.hot_bytes = p.footprint / 16 / p.size * p.size;
		if (p.hot_bytes == 0)
			p.hot_bytes = p.size;
	}
	rc = validate(&p, data, code, err);
	if (rc)
		return rc;

	g = calloc(1, sizeof(*g));
	if (!g)
		return sim_error_set(err, SIM_E_NOMEM, "gen: out of memory");
	g->p = p;
	rng_seed(&g->st.addr, p.seed, 1);
	rng_seed(&g->st.rw, p.seed, 2);
	rng_seed(&g->st.code, p.seed, 3);
	rng_seed(&setup, p.seed, 4);

	if (data) {
		g->slots = p.footprint / p.size;
		g->limit = p.misalign ? p.footprint - 2 * p.size : p.footprint - p.size;
		g->wthr = prob_threshold(p.write_frac);
	}
	switch (p.pattern) {
	case GEN_ZIPF:
		g->units = p.footprint / p.page_size;
		g->unit_slots = p.page_size / p.size;
		perm_init(&g->perm, g->units, &setup);
		rc = zipf_init(&g->zipf, g->units, p.zipf_s, err);
		if (rc) {
			gen_destroy(g);
			return rc;
		}
		break;
	case GEN_CHASE:
		g->units = p.footprint / p.node_size;
		perm_init(&g->perm, g->units, &setup);
		g->lcg_a = (rng_next(&setup) & ~UINT64_C(3)) | 1;
		g->lcg_c = rng_next(&setup) | 1;
		g->st.x = rng_below(&setup, g->units);
		break;
	case GEN_HOTCOLD:
		g->hot_thr = prob_threshold(p.hot_frac);
		g->hot_slots = p.hot_bytes / p.size;
		g->cold_slots = (p.footprint - p.hot_bytes) / p.size;
		break;
	default:
		break;
	}
	if (code) {
		g->code_n = p.code_bytes / GEN_FETCH_SIZE;
		g->near_n = p.near_bytes / GEN_FETCH_SIZE;
		g->branch_thr = prob_threshold(p.branch_prob);
		g->far_thr = prob_threshold(p.far_prob);
		g->st.pc = rng_below(&g->st.code, g->code_n);
		g->ratio_fp = (uint64_t)ldexp(p.fetch_ratio, GEN_FRAC_BITS);
		/* The fetches due before the first data access. */
		g->st.frac = g->ratio_fp;
		g->st.pending = g->st.frac >> GEN_FRAC_BITS;
		g->st.frac &= bits_low_mask(GEN_FRAC_BITS);
	}
	*gp = g;
	return 0;
}

void gen_destroy(struct gen *g)
{
	if (!g)
		return;
	zipf_free(&g->zipf);
	free(g);
}

uint64_t gen_records(const struct gen *g)
{
	return g->st.emitted;
}

const struct gen_params *gen_get_params(const struct gen *g)
{
	return &g->p;
}

#define GEN_INLINE static inline __attribute__((always_inline))

/* The next data offset in the footprint (aligned, before misalignment). */
GEN_INLINE uint64_t data_offset(const struct gen *g, struct gen_state *st,
				const enum gen_pattern pat)
{
	const struct gen_params *p = &g->p;
	uint64_t off;

	switch (pat) {
	case GEN_SEQ:
		off = st->off;
		st->off += p->size;
		if (st->off == p->footprint)
			st->off = 0;
		return off;
	case GEN_STRIDED:
		off = st->off;
		st->off += p->stride;
		if (st->off >= p->footprint)
			st->off -= p->footprint;
		return off;
	case GEN_RANDOM:
		return rng_below(&st->addr, g->slots) * p->size;
	case GEN_ZIPF: {
		uint64_t page = perm_apply(&g->perm, zipf_rank(&g->zipf, &st->addr));

		return page * p->page_size + rng_below(&st->addr, g->unit_slots) * p->size;
	}
	case GEN_CHASE: {
		uint64_t x = st->x;

		do
			x = (x * g->lcg_a + g->lcg_c) & g->perm.mask;
		while (x >= g->units);
		st->x = x;
		return perm_apply(&g->perm, x) * p->node_size;
	}
	case GEN_HOTCOLD:
		if (rng_chance(&st->addr, g->hot_thr))
			return rng_below(&st->addr, g->hot_slots) * p->size;
		return p->hot_bytes + rng_below(&st->addr, g->cold_slots) * p->size;
	default:
		return 0;
	}
}

/* The next instruction fetch; advances the program counter. */
GEN_INLINE struct trace_rec next_fetch(const struct gen *g, struct gen_state *st)
{
	struct trace_rec rec = trace_rec_access(TRACE_FETCH, g->p.cpu,
						g->p.code_base + st->pc * GEN_FETCH_SIZE,
						GEN_FETCH_SIZE);

	if (rng_chance(&st->code, g->branch_thr)) {
		if (rng_chance(&st->code, g->far_thr)) {
			st->pc = rng_below(&st->code, g->code_n);
		} else {
			uint64_t d = rng_below(&st->code, 2 * g->near_n + 1) % g->code_n;
			uint64_t back = g->near_n % g->code_n;

			/* pc + d - near_n, modulo code_n */
			st->pc = (st->pc + d + g->code_n - back) % g->code_n;
		}
	} else if (++st->pc == g->code_n) {
		st->pc = 0;
	}
	return rec;
}

GEN_INLINE void fill(struct gen *g, struct trace_rec *recs, size_t n, const enum gen_pattern pat)
{
	struct gen_state st = g->st;
	const uint64_t base = g->p.base + g->p.misalign;
	const uint32_t size = g->p.size;
	const uint16_t cpu = g->p.cpu;
	const uint64_t wthr = g->wthr;
	const bool mixed = wthr != 0 && wthr != GEN_PROB_ONE;
	const enum trace_kind fixed_kind = wthr ? TRACE_STORE : TRACE_LOAD;

	for (size_t i = 0; i < n; i++) {
		enum trace_kind kind;
		uint64_t off;

		if (pat == GEN_NONE) {
			recs[i] = next_fetch(g, &st);
			continue;
		}
		if (st.pending) {
			st.pending--;
			recs[i] = next_fetch(g, &st);
			continue;
		}
		off = data_offset(g, &st, pat);
		if (g->p.misalign && off > g->limit)
			off = g->limit;
		kind = fixed_kind;
		if (mixed)
			kind = rng_chance(&st.rw, wthr) ? TRACE_STORE : TRACE_LOAD;
		recs[i] = trace_rec_access(kind, cpu, base + off, size);
		st.frac += g->ratio_fp;
		st.pending = st.frac >> GEN_FRAC_BITS;
		st.frac &= bits_low_mask(GEN_FRAC_BITS);
	}
	st.emitted += n;
	g->st = st;
}

int gen_next_batch(struct gen *g, struct trace_rec *recs, size_t max)
{
	size_t n = max > INT_MAX ? INT_MAX : max;

	if (g->p.accesses) {
		uint64_t left = g->p.accesses - g->st.emitted;

		if (n > left)
			n = (size_t)left;
	}
	if (n == 0)
		return 0;
	switch (g->p.pattern) {
	case GEN_SEQ:
		fill(g, recs, n, GEN_SEQ);
		break;
	case GEN_STRIDED:
		fill(g, recs, n, GEN_STRIDED);
		break;
	case GEN_RANDOM:
		fill(g, recs, n, GEN_RANDOM);
		break;
	case GEN_ZIPF:
		fill(g, recs, n, GEN_ZIPF);
		break;
	case GEN_CHASE:
		fill(g, recs, n, GEN_CHASE);
		break;
	case GEN_HOTCOLD:
		fill(g, recs, n, GEN_HOTCOLD);
		break;
	default:
		fill(g, recs, n, GEN_NONE);
		break;
	}
	return (int)n;
}
