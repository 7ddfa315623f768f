/*
 * tests/test_tlb_model.c - differential test of the TLB (tlb/tlb.h) and the
 * TLBI selections (tlb/tlbi.h) against a deliberately naive reference model.
 *
 * The model keeps, per set, a plain array of entries in recency order
 * (index 0 = most recently used), finds entries by linear search over the
 * whole TLB, stores every field unpacked as given, and decides lookups and
 * every TLBI form with its own predicates written from the Arm ARM (D8.16.3, D8.17.5-D8.17.6)
 * (not from tlb/tlb_key.h).  Random sequences of lookups (fill on miss),
 * context switches across VMIDs, ASIDs, regimes and kinds, and TLBIs of
 * every form drive both side by side.  After every step the hit/miss
 * outcome, the output address, the number of entries a TLBI removed and the
 * counters must agree, and every 64 steps (and at the end) the full
 * contents.  A difference fails the test and prints the sequence.
 *
 * The planted-divergence tests run the same comparison against broken
 * variants of the model and require that a difference is reported, so the
 * comparison is known to be able to fail.
 */
#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "tlb/tlb.h"
#include "tlb/tlbi.h"

/* ---- The reference model ------------------------------------------- */

enum broken {
	BROKEN_NONE = 0,
	BROKEN_GLOBAL_ANY_VMID,         /* global entries match every VMID */
	BROKEN_ASIDE1_GLOBALS,          /* ASIDE1 also removes global leaves */
	BROKEN_NO_LRU_UPDATE,           /* hits do not refresh recency */
	BROKEN_VA_AT_PAGE,              /* VA TLBIs ignore the block size */
};

#define M_MAX_SETS 64
#define M_MAX_WAYS 64
#define M_MAX_ENTRIES 256               /* largest TLB the driver builds */

struct mentry {
	enum mmu_regime regime;
	enum tlb_kind kind;
	unsigned vmid, asid;            /* as given at fill time, unnormalised */
	bool global;
	unsigned shift, block;
	uint64_t page, out;
};

struct model {
	unsigned sets, ways;
	unsigned nsizes;
	unsigned sizes[TLB_MAX_SIZES];
	unsigned n[M_MAX_SETS];
	struct mentry e[M_MAX_SETS][M_MAX_WAYS];
	uint64_t lookups, hits, misses, fills, evictions, invals;
	enum broken broken;
};

/* The context an access runs in. */
struct mctx {
	enum mmu_regime regime;
	enum tlb_kind kind;
	unsigned vmid, asid;
};

static bool m_covers_page(const struct mentry *e, uint64_t addr)
{
	return (addr >> e->shift) == e->page;
}

static bool m_covers_block(const struct mentry *e, uint64_t addr)
{
	return (addr >> e->block) == (e->page >> (e->block - e->shift));
}

static bool m_lookup_hits(const struct model *m, const struct mentry *e,
			  const struct mctx *c, uint64_t addr)
{
	if (e->kind != c->kind || !m_covers_page(e, addr))
		return false;
	if (e->kind == TLB_KIND_S2)
		return e->vmid == c->vmid;
	if (e->regime != c->regime)
		return false;
	switch (c->regime) {
	case MMU_REGIME_EL10:
		if (e->vmid != c->vmid &&
		    !(m->broken == BROKEN_GLOBAL_ANY_VMID && e->global))
			return false;
		return e->global || e->asid == c->asid;
	case MMU_REGIME_EL20:
		return e->global || e->asid == c->asid;
	case MMU_REGIME_EL2:
		return true;
	}
	return false;
}

struct mtlbi {
	enum tlbi_op op;
	enum mmu_regime regime;         /* target regime */
	unsigned vmid, asid;
	uint64_t addr;
};

static bool m_tlbi_hits(const struct model *m, const struct mentry *e,
			const struct mtlbi *t)
{
	bool s1_here = e->kind != TLB_KIND_S2 && e->regime == t->regime;
	bool vmid_ok = t->regime != MMU_REGIME_EL10 || e->vmid == t->vmid;
	bool covers = m->broken == BROKEN_VA_AT_PAGE ?
		m_covers_page(e, t->addr) : m_covers_block(e, t->addr);
	bool el10 = e->kind == TLB_KIND_S2 || e->regime == MMU_REGIME_EL10;

	switch (t->op) {
	case TLBI_VMALLE1:
		return s1_here && vmid_ok;
	case TLBI_VMALLS12E1:
		return el10 && e->vmid == t->vmid;
	case TLBI_ALLE1:
		return el10;
	case TLBI_ASIDE1:
		if (m->broken == BROKEN_ASIDE1_GLOBALS && e->global)
			return s1_here && vmid_ok;
		return s1_here && vmid_ok && !e->global && e->asid == t->asid;
	case TLBI_VAE1:
	case TLBI_VALE1:                /* the model holds leaves only */
		return s1_here && vmid_ok && (e->global || e->asid == t->asid) &&
			covers;
	case TLBI_VAAE1:
	case TLBI_VAALE1:
		return s1_here && vmid_ok && covers;
	case TLBI_IPAS2E1:
	case TLBI_IPAS2LE1:
		return e->kind == TLB_KIND_S2 && e->vmid == t->vmid && covers;
	case TLBI_ALLE2:
		return s1_here;
	case TLBI_VAE2:
	case TLBI_VALE2:
		return s1_here && covers &&
			(t->regime == MMU_REGIME_EL2 || e->global || e->asid == t->asid);
	case TLBI__COUNT:
		break;
	}
	return false;
}

/* Move entry i of set s to the front (most recent). */
static void m_touch(struct model *m, unsigned s, unsigned i)
{
	struct mentry tmp = m->e[s][i];

	memmove(&m->e[s][1], &m->e[s][0], i * sizeof(tmp));
	m->e[s][0] = tmp;
}

/* Return: true on a hit, with *out the translation. */
static bool m_lookup(struct model *m, const struct mctx *c, uint64_t addr,
		     uint64_t *out)
{
	m->lookups++;
	for (unsigned s = 0; s < m->sets; s++)
		for (unsigned i = 0; i < m->n[s]; i++) {
			const struct mentry *e = &m->e[s][i];

			if (!m_lookup_hits(m, e, c, addr))
				continue;
			*out = e->out + (addr & ((UINT64_C(1) << e->shift) - 1));
			if (m->broken != BROKEN_NO_LRU_UPDATE)
				m_touch(m, s, i);
			m->hits++;
			return true;
		}
	m->misses++;
	return false;
}

static void m_fill(struct model *m, const struct mctx *c, bool global,
		   uint64_t addr, uint64_t out, unsigned tshift, unsigned block)
{
	struct mentry e;
	unsigned best = 0, s;
	bool any = false;

	for (unsigned i = 0; i < m->nsizes; i++)
		if (m->sizes[i] <= tshift && (!any || m->sizes[i] > best)) {
			best = m->sizes[i];
			any = true;
		}
	if (!any)
		return;
	e.regime = c->regime;
	e.kind = c->kind;
	e.vmid = c->vmid;
	e.asid = c->asid;
	e.global = global;
	e.shift = best;
	e.block = block > tshift ? block : tshift;
	e.page = addr >> best;
	e.out = out & ~((UINT64_C(1) << best) - 1);
	s = (unsigned)(e.page % m->sets);
	m->fills++;
	if (m->n[s] == m->ways) {
		m->evictions++;
		m->n[s]--;              /* drop the least recent */
	}
	memmove(&m->e[s][1], &m->e[s][0], m->n[s] * sizeof(e));
	m->e[s][0] = e;
	m->n[s]++;
}

static unsigned m_tlbi(struct model *m, const struct mtlbi *t)
{
	unsigned removed = 0;

	for (unsigned s = 0; s < m->sets; s++) {
		unsigned k = 0;

		for (unsigned i = 0; i < m->n[s]; i++) {
			if (m_tlbi_hits(m, &m->e[s][i], t))
				removed++;
			else
				m->e[s][k++] = m->e[s][i];
		}
		m->n[s] = k;
	}
	m->invals += removed;
	return removed;
}

/* ---- Canonical entry lists, for comparing contents ------------------ */

/* All fields 64-bit: no padding, so memcmp compares values only. */
struct canon {
	uint64_t regime, kind, vmid, asid, global, shift, block;
	uint64_t page, out;
};

static int canon_cmp(const void *pa, const void *pb)
{
	return memcmp(pa, pb, sizeof(struct canon));
}

/* The model's normalisation, written from the tagging rules. */
static struct canon canon_of_model(const struct mentry *e)
{
	struct canon k;

	memset(&k, 0, sizeof(k));
	k.kind = e->kind;
	k.global = e->global;
	k.shift = e->shift;
	k.block = e->block;
	k.page = e->page;
	k.out = e->out;
	if (e->kind == TLB_KIND_S2) {
		k.regime = MMU_REGIME_EL10;
		k.vmid = e->vmid;
		k.global = 0;
		return k;
	}
	k.regime = e->regime;
	k.vmid = e->regime == MMU_REGIME_EL10 ? e->vmid : 0;
	k.asid = e->regime == MMU_REGIME_EL2 || e->global ? 0 : e->asid;
	return k;
}

struct canon_list {
	struct canon *v;
	unsigned n;
};

static void canon_cb(void *arg, const struct tlb_entry *e)
{
	struct canon_list *l = arg;
	struct tlb_key k;
	struct canon *c = &l->v[l->n++];

	tlb_key_unpack(e, &k);
	memset(c, 0, sizeof(*c));
	c->regime = k.regime;
	c->kind = k.kind;
	c->vmid = k.vmid;
	c->asid = k.asid;
	c->global = k.global;
	c->shift = k.page_shift;
	c->block = k.block_shift;
	c->page = k.in_page;
	c->out = e->out_addr;
}

/* ---- The driver ----------------------------------------------------- */

struct cfg {
	const char *name;
	unsigned entries, ways;
	unsigned nsizes;
	unsigned sizes[3];
};

enum op_kind { OP_ACCESS, OP_SWITCH, OP_TLBI };

struct op {
	enum op_kind kind;
	struct mctx ctx;                /* OP_SWITCH */
	uint64_t addr;                  /* OP_ACCESS */
	struct mtlbi tlbi;              /* OP_TLBI */
};

struct run {
	struct op *ops;
	unsigned nops;
	char why[256];
};

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The "page tables": every context sees 8 regions of 2M at 0x40000000.
 * Odd regions are 2M blocks, even ones 4K pages; in region 2 (mod 4)
 * combined entries are 4K pieces of a 2M stage-1 block.  Regions 0 and 3
 * (mod 3 == 0) are global for stage-1 kinds; EL2 is always global.
 */
struct xlat {
	bool global;
	unsigned shift, block;
	uint64_t out;
};

static struct xlat page_tables(const struct mctx *c, uint64_t addr)
{
	unsigned r = (unsigned)((addr >> 21) & 7);
	struct xlat x;
	uint64_t h;

	x.global = c->kind != TLB_KIND_S2 &&
		(c->regime == MMU_REGIME_EL2 || r % 3 == 0);
	x.shift = r & 1 ? 21 : 12;
	x.block = x.shift;
	if (c->kind == TLB_KIND_COMBINED && r % 4 == 2)
		x.block = 21;
	h = mix64(((uint64_t)c->regime << 40) ^ ((uint64_t)c->kind << 36) ^
		  ((uint64_t)(c->regime == MMU_REGIME_EL10 || c->kind == TLB_KIND_S2 ?
			      c->vmid : 0) << 20) ^
		  ((uint64_t)(x.global || c->kind == TLB_KIND_S2 ? 0 : c->asid) << 4) ^ r);
	/* A block maps to an aligned 2M output block; pages map linearly. */
	x.out = ((h & 0xffff) << 21) + (addr & GENMASK(20, 0));
	return x;
}

static void random_ctx(uint64_t *s, struct mctx *c)
{
	uint64_t x = rnd(s);

	c->asid = 1 + (unsigned)(x % 3);
	c->vmid = 1 + (unsigned)((x >> 8) % 2);
	switch ((x >> 16) % 6) {
	case 0: case 1:
		c->regime = MMU_REGIME_EL10;
		c->kind = TLB_KIND_COMBINED;
		break;
	case 2:
		c->regime = MMU_REGIME_EL10;
		c->kind = TLB_KIND_S1;
		c->vmid = 0;            /* host, stage 2 off */
		break;
	case 3:
		c->regime = MMU_REGIME_EL20;
		c->kind = TLB_KIND_S1;
		c->vmid = (unsigned)(x >> 24) & 0xff;   /* must not matter */
		break;
	case 4:
		c->regime = MMU_REGIME_EL2;
		c->kind = TLB_KIND_S1;
		c->vmid = (unsigned)(x >> 24) & 0xff;
		c->asid = (unsigned)(x >> 32) & 0xff;
		break;
	default:
		c->regime = MMU_REGIME_EL10;
		c->kind = TLB_KIND_S2;
		c->asid = (unsigned)(x >> 32) & 0xff;   /* must not matter */
		break;
	}
}

static uint64_t random_addr(uint64_t *s)
{
	uint64_t x = rnd(s);

	return 0x40000000 + ((x & 7) << 21) + (((x >> 3) & 7) << 12) +
		((x >> 6) & 0xff8);
}

static void random_tlbi(uint64_t *s, const struct mctx *cur, struct mtlbi *t)
{
	uint64_t x = rnd(s);

	t->op = (enum tlbi_op)(x % TLBI__COUNT);
	t->regime = tlbi_target_regime(t->op, (x >> 8) & 1, (x >> 9) & 1);
	t->vmid = (x >> 10) & 1 ? cur->vmid : 1 + (unsigned)((x >> 11) % 2);
	t->asid = 1 + (unsigned)((x >> 12) % 3);
	t->addr = random_addr(s);
}

static void print_op(FILE *f, unsigned i, const struct op *o)
{
	switch (o->kind) {
	case OP_ACCESS:
		fprintf(f, "  %5u access 0x%" PRIx64 "\n", i, o->addr);
		break;
	case OP_SWITCH:
		fprintf(f, "  %5u switch regime=%d kind=%d vmid=%u asid=%u\n", i,
			(int)o->ctx.regime, (int)o->ctx.kind, o->ctx.vmid, o->ctx.asid);
		break;
	case OP_TLBI:
		fprintf(f, "  %5u tlbi %s regime=%d vmid=%u asid=%u addr=0x%" PRIx64 "\n",
			i, tlbi_op_name(o->tlbi.op), (int)o->tlbi.regime,
			o->tlbi.vmid, o->tlbi.asid, o->tlbi.addr);
		break;
	}
}

static bool compare_contents(const struct tlb *t, const struct model *m,
			     char *why, size_t n)
{
	struct canon a[M_MAX_ENTRIES], b[M_MAX_ENTRIES];
	struct canon_list la = { a, 0 };
	unsigned nb = 0;

	tlb_for_each(t, canon_cb, &la);
	for (unsigned s = 0; s < m->sets; s++)
		for (unsigned i = 0; i < m->n[s]; i++)
			b[nb++] = canon_of_model(&m->e[s][i]);
	if (la.n != nb) {
		snprintf(why, n, "contents: tlb holds %u entries, model %u", la.n, nb);
		return false;
	}
	qsort(a, la.n, sizeof(a[0]), canon_cmp);
	qsort(b, nb, sizeof(b[0]), canon_cmp);
	for (unsigned i = 0; i < nb; i++)
		if (canon_cmp(&a[i], &b[i])) {
			snprintf(why, n, "contents differ: tlb page 0x%" PRIx64
				 " size %" PRIu64 " vs model page 0x%" PRIx64
				 " size %" PRIu64,
				 a[i].page, a[i].shift, b[i].page, b[i].shift);
			return false;
		}
	return true;
}

static bool compare_counters(const struct tlb *t, const struct model *m,
			     char *why, size_t n)
{
	const uint64_t mv[TLB_C__COUNT] = {
		[TLB_C_LOOKUP] = m->lookups, [TLB_C_HIT] = m->hits,
		[TLB_C_MISS] = m->misses, [TLB_C_FILL] = m->fills,
		[TLB_C_EVICT] = m->evictions, [TLB_C_INVAL] = m->invals,
	};

	for (unsigned c = 0; c < TLB_C__COUNT; c++)
		if (t->st.c[c] != mv[c]) {
			snprintf(why, n, "counter %s: tlb %" PRIu64 ", model %" PRIu64,
				 tlb_counter_names[c], t->st.c[c], mv[c]);
			return false;
		}
	return true;
}

/*
 * Run @nops random steps from @seed on a real TLB of configuration @c and
 * the model (with defect @broken).  The steps are recorded in @r.
 * Return: -1 if both agreed throughout, else the index of the first step
 * after which they differ (r->why says how).
 */
static long run_compare(const struct cfg *c, uint64_t seed, unsigned nops,
			enum broken broken, struct run *r)
{
	struct tlb_geom g;
	struct tlb t;
	struct model *m = calloc(1, sizeof(*m));
	struct mctx cur = { MMU_REGIME_EL10, TLB_KIND_COMBINED, 1, 1 };
	uint64_t s = seed ? seed : 1;
	long bad = -1;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_le(c->entries, M_MAX_ENTRIES);
	ck_assert_uint_le(c->ways, M_MAX_WAYS);
	ck_assert_uint_le(c->entries / c->ways, M_MAX_SETS);
	memset(&g, 0, sizeof(g));
	g.name = c->name;
	g.serve = TLB_SERVE_UNIFIED;
	g.org = TLB_ORG_SHARED;
	g.entries = c->entries;
	g.ways = c->ways;
	g.nsizes = c->nsizes;
	for (unsigned i = 0; i < c->nsizes; i++)
		g.sizes[i].shift = c->sizes[i];
	g.latency = 1;
	g.repl = &tlb_repl_lru;
	ck_assert_int_eq(tlb_init(&t, &g, NULL), 0);
	/* Exercise the memo on the real side too: it must not matter. */
	tlb_set_memo(&t, (seed & 1) != 0);

	m->sets = c->entries / c->ways;
	m->ways = c->ways;
	m->nsizes = c->nsizes;
	memcpy(m->sizes, c->sizes, sizeof(c->sizes));
	m->broken = broken;
	r->nops = 0;
	r->why[0] = '\0';

	for (unsigned i = 0; i < nops && bad < 0; i++) {
		uint64_t x = rnd(&s);
		struct op *o = &r->ops[r->nops++];

		if (x % 100 < 8) {
			o->kind = OP_SWITCH;
			random_ctx(&s, &cur);
			o->ctx = cur;
		} else if (x % 100 < 12) {
			struct tlb_match mt;
			unsigned nt, nm;

			o->kind = OP_TLBI;
			random_tlbi(&s, &cur, &o->tlbi);
			{
				struct tlbi_args a = {
					.regime = o->tlbi.regime, .vmid = (uint16_t)o->tlbi.vmid,
					.asid = (uint16_t)o->tlbi.asid, .addr = o->tlbi.addr,
				};

				ck_assert_int_eq(tlbi_match(o->tlbi.op, &a, &mt, NULL), 0);
			}
			nt = tlb_invalidate(&t, &mt);
			nm = m_tlbi(m, &o->tlbi);
			if (nt != nm) {
				snprintf(r->why, sizeof(r->why),
					 "tlbi removed %u entries, model %u", nt, nm);
				bad = (long)i;
			}
		} else {
			uint64_t ctx = tlb_ctx(cur.regime, cur.kind, (uint16_t)cur.vmid,
					       (uint16_t)cur.asid, false);
			const struct tlb_entry *e;
			uint64_t mout = 0;
			bool mh;

			o->kind = OP_ACCESS;
			o->addr = random_addr(&s);
			e = tlb_lookup(&t, ctx, o->addr);
			mh = m_lookup(m, &cur, o->addr, &mout);
			if (!!e != mh) {
				snprintf(r->why, sizeof(r->why), "tlb %s, model %s",
					 e ? "hit" : "missed", mh ? "hit" : "missed");
				bad = (long)i;
			} else if (e && tlb_entry_out_addr(e, o->addr) != mout) {
				snprintf(r->why, sizeof(r->why),
					 "output 0x%" PRIx64 " vs model 0x%" PRIx64,
					 tlb_entry_out_addr(e, o->addr), mout);
				bad = (long)i;
			} else if (!e) {
				struct xlat xl = page_tables(&cur, o->addr);
				struct tlb_fill f = {
					.ctx = tlb_ctx(cur.regime, cur.kind, (uint16_t)cur.vmid,
						       (uint16_t)cur.asid, xl.global),
					.in_addr = o->addr,
					.out_addr = xl.out,
					.shift = (uint8_t)xl.shift,
					.block_shift = (uint8_t)xl.block,
				};

				tlb_fill(&t, &f);
				m_fill(m, &cur, xl.global, o->addr, xl.out, xl.shift,
				       xl.block);
			}
		}
		if (bad < 0 && !compare_counters(&t, m, r->why, sizeof(r->why)))
			bad = (long)i;
		if (bad < 0 && (i % 64 == 63 || i + 1 == nops) &&
		    !compare_contents(&t, m, r->why, sizeof(r->why)))
			bad = (long)i;
	}
	tlb_destroy(&t);
	free(m);
	return bad;
}

static const struct cfg cfgs[] = {
	{ "shared-4k-2m", 16, 4, 2, { 12, 21 } },
	{ "splinter-4k", 8, 2, 1, { 12 } },
	{ "fa-4k-64k-2m", 8, 8, 3, { 12, 16, 21 } },
	{ "direct-2m-only", 4, 1, 1, { 21 } },
};

enum { NOPS = 20000, NSEEDS = 12 };

START_TEST(test_model_agrees)
{
	const struct cfg *c = &cfgs[_i];
	struct run r;

	r.ops = malloc(NOPS * sizeof(*r.ops));
	ck_assert_ptr_nonnull(r.ops);
	for (uint64_t seed = 1; seed <= NSEEDS; seed++) {
		long bad = run_compare(c, seed * 0x9e3779b97f4a7c15u, NOPS,
				       BROKEN_NONE, &r);

		if (bad >= 0) {
			fprintf(stderr, "%s seed %" PRIu64 ": step %ld: %s\nsequence:\n",
				c->name, seed, bad, r.why);
			for (unsigned i = 0; i < r.nops; i++)
				print_op(stderr, i, &r.ops[i]);
		}
		ck_assert_msg(bad < 0, "%s seed %" PRIu64 ": step %ld: %s",
			      c->name, seed, bad, r.why);
	}
	free(r.ops);
}
END_TEST

/* Each planted defect must be caught by the comparison. */
START_TEST(test_model_planted_divergence)
{
	static const enum broken defects[] = {
		BROKEN_GLOBAL_ANY_VMID, BROKEN_ASIDE1_GLOBALS,
		BROKEN_NO_LRU_UPDATE, BROKEN_VA_AT_PAGE,
	};
	struct run r;

	r.ops = malloc(NOPS * sizeof(*r.ops));
	ck_assert_ptr_nonnull(r.ops);
	for (unsigned d = 0; d < ARRAY_SIZE(defects); d++) {
		long bad = run_compare(&cfgs[0], 0x1234567, NOPS, defects[d], &r);

		ck_assert_msg(bad >= 0, "planted defect %u went unnoticed",
			      (unsigned)defects[d]);
		ck_assert(r.why[0] != '\0');
	}
	free(r.ops);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("tlb_model");
	TCase *tc;

	tc = tcase_create("differential");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_model_agrees, 0, (int)ARRAY_SIZE(cfgs));
	suite_add_tcase(s, tc);

	tc = tcase_create("planted");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_model_planted_divergence);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
