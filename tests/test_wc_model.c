/*
 * tests/test_wc_model.c - differential test of the walk caches
 * (tlb/walkcache.h) against a deliberately naive reference model, and an
 * end-to-end check that the references a walk cache saves are exactly the
 * levels the walk skips.
 *
 * Part 1, side by side.  The model keeps, per set, a plain array of entries
 * in recency order (index 0 = most recently used), stores every field of
 * an entry unpacked as given (stage, regime, VMID, ASID, granule, level,
 * input-address prefix, next-table address, attributes), finds entries by
 * linear search over the whole cache, and decides lookups and every TLBI
 * form with its own predicates written from the Arm ARM (D8.16.3, D8.16, D8.17.5-D8.17.6)
 * (not from tlb/tlb_key.h or tlb/tlbi.c).  Random sequences of walks
 * (lookup, then fill of the table descriptors read below the hit), bare
 * probes from other start levels, context switches across VMIDs, ASIDs,
 * regimes, stages and granules, table changes, and TLBIs of every form
 * drive both side by side.  Every lookup's outcome (hit level, table,
 * attributes), every TLBI's count and the counters must agree after every
 * step, and the full contents every 64 steps and at the end.  A difference
 * fails the test and prints the sequence.  The planted-divergence test runs
 * the comparison against broken variants of the model and requires that a
 * difference is reported.
 *
 * Part 2, references saved = levels skipped.  Real tables are built with
 * the OS model (workloads/os.h); every address is translated twice by
 * mmu_translate_cached(): without hooks (reads R0 per stage) and with
 * hooks backed by real walk caches (reads R1, saved S), with walk caches
 * for stage 1, stage 2, both, or one cache shared by both stages.  For
 * every walk R1 + S == R0, and per stage too once the stage-2 walks of the
 * stage-1 tables a stage-1 hit made unnecessary are subtracted; the
 * reference list with hooks is the one without minus exactly the skipped
 * references (the first S levels of each walk, and those whole stage-2
 * walks); each walk resumes exactly S levels below its start level, at
 * the table the uncached walk used there; the output address, permissions
 * and sizes are identical.  Planted defects in the hooks (resume one level
 * early, cache the wrong table, share entries across ASIDs) must be caught.
 */
#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/os.h"
#include "mmu/pmem.h"
#include "mmu/translate.h"
#include "sim/bits.h"
#include "tlb/tlbi.h"
#include "tlb/walkcache.h"

/* ---- The reference model ------------------------------------------- */

enum broken {
	BROKEN_NONE = 0,
	BROKEN_IGNORE_ASID,             /* lookups ignore the ASID */
	BROKEN_SHALLOWEST_FIRST,        /* probe from the start level down */
	BROKEN_NO_LRU_UPDATE,           /* hits do not refresh recency */
	BROKEN_LAST_LEVEL_REMOVES,      /* VALE1 & co remove table entries */
	BROKEN_IGNORE_GRANULE,          /* lookups ignore the granule */
	BROKEN_IPAS2_ANY_VMID,          /* IPAS2E1 ignores the VMID */
};

#define M_MAX_SETS 64
#define M_MAX_WAYS 64
#define M_MAX_ENTRIES 64                /* largest cache the driver builds */
#define M_LEVEL_MIN (-1)
#define M_LEVEL_MAX 2

/* The context a walk runs in. */
struct mctx {
	bool s2;                        /* a stage-2 walk */
	enum mmu_regime regime;         /* stage 1 */
	unsigned vmid, asid;            /* as given, unnormalised */
	unsigned g;                     /* granule shift */
	int start;                      /* the walk's start level */
};

struct mentry {
	bool s2;
	enum mmu_regime regime;
	unsigned vmid, asid;            /* as given at fill time */
	unsigned g;
	int level;
	uint64_t prefix;
	uint64_t table;
	uint8_t attrs;
};

struct model {
	unsigned sets, ways;
	unsigned n[M_MAX_SETS];
	struct mentry e[M_MAX_SETS][M_MAX_WAYS];
	uint64_t lookups, hits[M_LEVEL_MAX - M_LEVEL_MIN + 1], misses;
	uint64_t fills, evictions, invals;
	enum broken broken;
};

struct mhit {
	int level;
	uint64_t table;
	uint8_t attrs;
};

/* log2 of the region a level-@level table descriptor covers: the page
 * offset plus one index field per level below it. */
static unsigned m_region_shift(unsigned g, int level)
{
	unsigned s = g;

	for (int l = 3; l > level; l--)
		s += g - 3;
	return s;
}

/* Do an entry filled in context @e and a walk in context @c share a
 * context (Arm ARM D8.16.3, D8.16)?  Granule and level are separate. */
static bool m_same_ctx(const struct model *m, const struct mentry *e,
		       const struct mctx *c)
{
	if (e->s2 != c->s2)
		return false;
	if (e->s2)
		return e->vmid == c->vmid;      /* stage 2: VMID only */
	if (e->regime != c->regime)
		return false;
	switch (e->regime) {
	case MMU_REGIME_EL10:           /* VMID and ASID (non-global) */
		return e->vmid == c->vmid &&
			(m->broken == BROKEN_IGNORE_ASID || e->asid == c->asid);
	case MMU_REGIME_EL20:           /* ASID, no VMID */
		return m->broken == BROKEN_IGNORE_ASID || e->asid == c->asid;
	case MMU_REGIME_EL2:            /* neither */
		return true;
	}
	return false;
}

static struct mctx m_ctx_of(const struct mentry *e)
{
	struct mctx c = {
		.s2 = e->s2, .regime = e->regime, .vmid = e->vmid,
		.asid = e->asid, .g = e->g, .start = 0,
	};

	return c;
}

/* Is @e the level-@level entry on @c's path to @ia? */
static bool m_entry_is(const struct model *m, const struct mentry *e,
		       const struct mctx *c, int level, uint64_t ia)
{
	if (!m_same_ctx(m, e, c) || e->level != level)
		return false;
	if (e->g != c->g && m->broken != BROKEN_IGNORE_GRANULE)
		return false;
	return e->prefix == ia >> m_region_shift(e->g, level);
}

/* Move entry i of set s to the front (most recent). */
static void m_touch(struct model *m, unsigned s, unsigned i)
{
	struct mentry tmp = m->e[s][i];

	memmove(&m->e[s][1], &m->e[s][0], i * sizeof(tmp));
	m->e[s][0] = tmp;
}

/* Find the level-@level entry by a search of every entry; touch it. */
static bool m_probe_level(struct model *m, const struct mctx *c, int level,
			  uint64_t ia, struct mhit *hit)
{
	for (unsigned s = 0; s < m->sets; s++)
		for (unsigned i = 0; i < m->n[s]; i++) {
			const struct mentry *e = &m->e[s][i];

			if (!m_entry_is(m, e, c, level, ia))
				continue;
			hit->level = level;
			hit->table = e->table;
			hit->attrs = e->attrs;
			if (m->broken != BROKEN_NO_LRU_UPDATE)
				m_touch(m, s, i);
			return true;
		}
	return false;
}

/* The deepest level from 2 up to the start level (never above -1). */
static bool m_lookup(struct model *m, const struct mctx *c, int start,
		     uint64_t ia, struct mhit *hit)
{
	int top = start < M_LEVEL_MIN ? M_LEVEL_MIN : start;
	bool found = false;

	m->lookups++;
	if (m->broken == BROKEN_SHALLOWEST_FIRST) {
		for (int l = top; l <= M_LEVEL_MAX && !found; l++)
			found = m_probe_level(m, c, l, ia, hit);
	} else {
		for (int l = M_LEVEL_MAX; l >= top && !found; l--)
			found = m_probe_level(m, c, l, ia, hit);
	}
	if (found)
		m->hits[hit->level - M_LEVEL_MIN]++;
	else
		m->misses++;
	return found;
}

struct mstep {
	int level;
	uint64_t table;
	uint8_t attrs;
};

/* Insert or refresh each step in turn, evicting the set's least recent. */
static void m_fill(struct model *m, const struct mctx *c, uint64_t ia,
		   const struct mstep *st, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		struct mentry e = {
			.s2 = c->s2, .regime = c->regime, .vmid = c->vmid,
			.asid = c->asid, .g = c->g, .level = st[k].level,
			.table = st[k].table, .attrs = st[k].attrs,
		};
		struct mctx ec;
		unsigned s, i;

		e.prefix = ia >> m_region_shift(c->g, st[k].level);
		s = (unsigned)(e.prefix % m->sets);
		ec = m_ctx_of(&e);
		m->fills++;
		for (i = 0; i < m->n[s]; i++) {
			const struct mentry *o = &m->e[s][i];

			if (o->g == e.g && o->level == e.level &&
			    o->prefix == e.prefix && m_same_ctx(m, o, &ec))
				break;
		}
		if (i < m->n[s]) {              /* refresh in place */
			m->e[s][i] = e;
			m_touch(m, s, i);
			continue;
		}
		if (m->n[s] == m->ways) {
			m->evictions++;
			m->n[s]--;              /* drop the least recent */
		}
		memmove(&m->e[s][1], &m->e[s][0], m->n[s] * sizeof(e));
		m->e[s][0] = e;
		m->n[s]++;
	}
}

struct mtlbi {
	enum tlbi_op op;
	enum mmu_regime regime;         /* target regime */
	unsigned vmid, asid;
	uint64_t addr;
};

/* Does @e's region cover @a? (A table entry is its own block.) */
static bool m_covers(const struct mentry *e, uint64_t a)
{
	return (a >> m_region_shift(e->g, e->level)) == e->prefix;
}

/* Which table entries each TLBI form removes (Arm ARM D8.17.6). */
static bool m_tlbi_hits(const struct model *m, const struct mentry *e,
			const struct mtlbi *t)
{
	/* Stage 1 of the target regime; the VMID only in EL1&0. */
	bool s1_here = !e->s2 && e->regime == t->regime &&
		(t->regime != MMU_REGIME_EL10 || e->vmid == t->vmid);
	bool last_level_only = m->broken == BROKEN_LAST_LEVEL_REMOVES;

	switch (t->op) {
	case TLBI_VMALLE1:
		return s1_here;
	case TLBI_VMALLS12E1:
		return (e->s2 || e->regime == MMU_REGIME_EL10) &&
			e->vmid == t->vmid;
	case TLBI_ALLE1:
		return e->s2 || e->regime == MMU_REGIME_EL10;
	case TLBI_ASIDE1:               /* table entries are all non-global */
		return s1_here && e->asid == t->asid;
	case TLBI_VAE1:
		return s1_here && e->asid == t->asid && m_covers(e, t->addr);
	case TLBI_VAAE1:
		return s1_here && m_covers(e, t->addr);
	case TLBI_IPAS2E1:
		return e->s2 && m_covers(e, t->addr) &&
			(m->broken == BROKEN_IPAS2_ANY_VMID || e->vmid == t->vmid);
	case TLBI_ALLE2:
		return s1_here;
	case TLBI_VAE2:
		return s1_here && m_covers(e, t->addr) &&
			(t->regime == MMU_REGIME_EL2 || e->asid == t->asid);
	case TLBI_VALE1:                /* last level only: no table entry */
		return last_level_only && s1_here && e->asid == t->asid &&
			m_covers(e, t->addr);
	case TLBI_VAALE1:
		return last_level_only && s1_here && m_covers(e, t->addr);
	case TLBI_IPAS2LE1:
		return last_level_only && e->s2 && e->vmid == t->vmid &&
			m_covers(e, t->addr);
	case TLBI_VALE2:
		return last_level_only && s1_here && m_covers(e, t->addr) &&
			(t->regime == MMU_REGIME_EL2 || e->asid == t->asid);
	case TLBI__COUNT:
		break;
	}
	return false;
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
	uint64_t s2, regime, vmid, asid, g, level;
	uint64_t prefix, table, attrs;
};

static int canon_cmp(const void *pa, const void *pb)
{
	return memcmp(pa, pb, sizeof(struct canon));
}

/* The model's normalisation: the fields a context does not have are 0. */
static struct canon canon_of_model(const struct mentry *e)
{
	struct canon k;

	memset(&k, 0, sizeof(k));
	k.s2 = e->s2;
	k.g = e->g;
	k.level = (uint64_t)(int64_t)e->level;
	k.prefix = e->prefix;
	k.table = e->table;
	k.attrs = e->attrs;
	if (e->s2) {
		k.regime = MMU_REGIME_EL10;
		k.vmid = e->vmid;
		return k;
	}
	k.regime = e->regime;
	k.vmid = e->regime == MMU_REGIME_EL10 ? e->vmid : 0;
	k.asid = e->regime == MMU_REGIME_EL2 ? 0 : e->asid;
	return k;
}

/* The real cache's entry, unpacked; anything a table entry must not be
 * (global, leaf, a block larger than its region, a size no level has)
 * yields values the model never produces. */
static struct canon canon_of_real(const struct tlb_entry *e)
{
	struct tlb_key k;
	struct canon c;

	tlb_key_unpack(e, &k);
	memset(&c, 0, sizeof(c));
	c.s2 = k.kind == TLB_KIND_S2 ? 1 : k.kind == TLB_KIND_S1 ? 0 : 7;
	c.regime = k.regime;
	c.vmid = k.vmid;
	c.asid = k.asid;
	c.g = k.granule_shift;
	c.level = 99;
	for (int l = M_LEVEL_MIN; l <= M_LEVEL_MAX; l++)
		if (k.granule_shift && m_region_shift(k.granule_shift, l) == k.page_shift)
			c.level = (uint64_t)(int64_t)l;
	if (k.global || !k.table || k.block_shift != k.page_shift)
		c.level = 98;
	c.prefix = k.in_page;
	c.table = e->out_addr;
	c.attrs = e->attrs;
	return c;
}

/* ---- The driver ----------------------------------------------------- */

struct cfg {
	const char *name;
	unsigned entries, ways;
};

enum op_kind { OP_SWITCH, OP_WALK, OP_PROBE, OP_TLBI, OP_REMAP };

struct op {
	enum op_kind kind;
	struct mctx ctx;                /* OP_SWITCH */
	uint64_t addr;                  /* OP_WALK, OP_PROBE */
	int start;                      /* OP_PROBE */
	struct mtlbi tlbi;              /* OP_TLBI */
};

struct run {
	struct op *ops;
	unsigned nops;
	char why[320];
	/* What the model saw, so that agreement is not vacuous. */
	uint64_t hits[M_LEVEL_MAX - M_LEVEL_MIN + 1], misses, evictions, invals;
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

/* The real cache's context tag of @c. */
static uint64_t real_ctx(const struct mctx *c)
{
	return c->s2 ? wc_ctx_s2((uint16_t)c->vmid) :
		wc_ctx_s1(c->regime, (uint16_t)c->vmid, (uint16_t)c->asid);
}

/* A start level the granule allows (4K: -1 for 52 bits, 0, 1; 16K: 0,
 * 1; 64K: 1, 2). */
static int random_start(uint64_t x, unsigned g)
{
	static const int s4k[] = { -1, 0, 0, 1 }, s16k[] = { 0, 1 },
		s64k[] = { 1, 1, 2 };

	switch (g) {
	case 12: return s4k[x % ARRAY_SIZE(s4k)];
	case 14: return s16k[x % ARRAY_SIZE(s16k)];
	default: return s64k[x % ARRAY_SIZE(s64k)];
	}
}

static void random_ctx(uint64_t *s, struct mctx *c)
{
	uint64_t x = rnd(s);
	static const unsigned gs[] = { 12, 12, 12, 14, 16, 16 };

	memset(c, 0, sizeof(*c));
	c->asid = 1 + (unsigned)(x % 3);
	c->vmid = 1 + (unsigned)((x >> 8) % 2);
	c->g = gs[(x >> 40) % ARRAY_SIZE(gs)];
	c->start = random_start(x >> 48, c->g);
	switch ((x >> 16) % 7) {
	case 0: case 1:
		c->regime = MMU_REGIME_EL10;
		break;
	case 2:
		c->regime = MMU_REGIME_EL10;
		c->vmid = 0;            /* host, no EL2 in use */
		break;
	case 3:
		c->regime = MMU_REGIME_EL20;
		c->vmid = (unsigned)(x >> 24) & 0xff;   /* must not matter */
		break;
	case 4:
		c->regime = MMU_REGIME_EL2;
		c->vmid = (unsigned)(x >> 24) & 0xff;   /* must not matter */
		c->asid = (unsigned)(x >> 32) & 0xff;
		break;
	default:
		c->s2 = true;
		c->regime = MMU_REGIME_EL10;
		c->asid = (unsigned)(x >> 32) & 0xff;   /* must not matter */
		break;
	}
}

/* Addresses from a few bits at the level boundaries of every granule, so
 * that prefixes at every level collide often; sometimes a TTBR1 VA. */
static uint64_t random_addr(uint64_t *s)
{
	static const unsigned bits[] = { 13, 16, 21, 25, 29, 30, 36, 39, 42, 47, 48, 51 };
	uint64_t x = rnd(s), a = (x >> 40) & 0xff8;

	for (unsigned i = 0; i < ARRAY_SIZE(bits); i++)
		if (((x >> (2 * i)) & 3) == 0)
			a |= UINT64_C(1) << bits[i];
	if ((x >> 60) == 0)
		a |= GENMASK(63, 52);
	return a;
}

static void random_tlbi(uint64_t *s, const struct mctx *cur, uint64_t last,
			struct mtlbi *t)
{
	uint64_t x = rnd(s);

	t->op = (enum tlbi_op)(x % TLBI__COUNT);
	t->regime = tlbi_target_regime(t->op, (x >> 8) & 1, (x >> 9) & 1);
	t->vmid = (x >> 10) & 1 ? cur->vmid : (unsigned)((x >> 11) % 3);
	t->asid = (x >> 13) & 1 ? cur->asid : 1 + (unsigned)((x >> 14) % 3);
	t->addr = (x >> 16) % 3 ? last : random_addr(s);
}

/* The "page tables": where the next table of each level lives. */
static struct mstep table_at(const struct mctx *c, uint64_t ia, int level,
			     unsigned epoch)
{
	uint64_t h = mix64(real_ctx(c) ^ ((uint64_t)c->g << 56) ^
			   ((uint64_t)(level + 1) << 60) ^
			   mix64((ia >> m_region_shift(c->g, level)) + epoch));
	struct mstep st = {
		.level = level,
		.table = (h & GENMASK(47, 0)) & ~bits_low_mask(c->g),
		.attrs = (uint8_t)(h >> 60),
	};

	return st;
}

/* Leaf level of @ia's walk: level 3, or a level-2 block in one region in
 * eight (per level-1 region, so the table entries stay consistent). */
static int leaf_level(const struct mctx *c, uint64_t ia)
{
	return mix64(real_ctx(c) ^ (ia >> m_region_shift(c->g, 1))) % 8 ? 3 : 2;
}

static void print_op(FILE *f, unsigned i, const struct op *o)
{
	switch (o->kind) {
	case OP_SWITCH:
		fprintf(f, "  %5u switch %s regime=%d vmid=%u asid=%u granule=%u start=%d\n",
			i, o->ctx.s2 ? "s2" : "s1", (int)o->ctx.regime, o->ctx.vmid,
			o->ctx.asid, o->ctx.g, o->ctx.start);
		break;
	case OP_WALK:
		fprintf(f, "  %5u walk 0x%" PRIx64 "\n", i, o->addr);
		break;
	case OP_PROBE:
		fprintf(f, "  %5u probe 0x%" PRIx64 " from level %d\n", i, o->addr,
			o->start);
		break;
	case OP_TLBI:
		fprintf(f, "  %5u tlbi %s regime=%d vmid=%u asid=%u addr=0x%" PRIx64 "\n",
			i, tlbi_op_name(o->tlbi.op), (int)o->tlbi.regime,
			o->tlbi.vmid, o->tlbi.asid, o->tlbi.addr);
		break;
	case OP_REMAP:
		fprintf(f, "  %5u tables change\n", i);
		break;
	}
}

static bool compare_contents(const struct wc *w, const struct model *m,
			     char *why, size_t n)
{
	struct canon a[M_MAX_ENTRIES], b[M_MAX_ENTRIES];
	unsigned na = 0, nb = 0;

	for (size_t i = 0; i < (size_t)w->arr.sets * w->arr.ways; i++)
		if (w->arr.e[i].tag)
			a[na++] = canon_of_real(&w->arr.e[i]);
	for (unsigned s = 0; s < m->sets; s++)
		for (unsigned i = 0; i < m->n[s]; i++)
			b[nb++] = canon_of_model(&m->e[s][i]);
	if (na != nb || na != wc_count_valid(w)) {
		snprintf(why, n, "contents: walk cache holds %u entries, model %u", na, nb);
		return false;
	}
	qsort(a, na, sizeof(a[0]), canon_cmp);
	qsort(b, nb, sizeof(b[0]), canon_cmp);
	for (unsigned i = 0; i < nb; i++)
		if (canon_cmp(&a[i], &b[i])) {
			snprintf(why, n, "contents differ: cache s2=%" PRIu64 " regime=%" PRIu64
				 " vmid=%" PRIu64 " asid=%" PRIu64 " g=%" PRIu64 " L%" PRId64
				 " prefix 0x%" PRIx64 " table 0x%" PRIx64 " vs model s2=%" PRIu64
				 " regime=%" PRIu64 " vmid=%" PRIu64 " asid=%" PRIu64 " g=%" PRIu64
				 " L%" PRId64 " prefix 0x%" PRIx64 " table 0x%" PRIx64,
				 a[i].s2, a[i].regime, a[i].vmid, a[i].asid, a[i].g,
				 (int64_t)a[i].level, a[i].prefix, a[i].table,
				 b[i].s2, b[i].regime, b[i].vmid, b[i].asid, b[i].g,
				 (int64_t)b[i].level, b[i].prefix, b[i].table);
			return false;
		}
	return true;
}

static bool compare_counters(const struct wc *w, const struct model *m,
			     char *why, size_t n)
{
	const uint64_t mv[WC_C__COUNT] = {
		[WC_C_LOOKUP] = m->lookups,
		[WC_C_HIT_LM1] = m->hits[-1 - M_LEVEL_MIN],
		[WC_C_HIT_L0] = m->hits[0 - M_LEVEL_MIN],
		[WC_C_HIT_L1] = m->hits[1 - M_LEVEL_MIN],
		[WC_C_HIT_L2] = m->hits[2 - M_LEVEL_MIN],
		[WC_C_MISS] = m->misses, [WC_C_FILL] = m->fills,
		[WC_C_EVICT] = m->evictions, [WC_C_INVAL] = m->invals,
	};

	for (unsigned c = 0; c < WC_C__COUNT; c++)
		if (w->st.c[c] != mv[c]) {
			snprintf(why, n, "counter %s: walk cache %" PRIu64 ", model %" PRIu64,
				 wc_counter_names[c], w->st.c[c], mv[c]);
			return false;
		}
	return true;
}

/* One lookup on both sides.  Return: false (with @why) on a difference. */
static bool both_lookup(struct wc *w, struct model *m, const struct mctx *c,
			int start, uint64_t ia, bool *hit, struct mhit *mh,
			char *why, size_t n)
{
	struct wc_hit rh;
	bool rhit = wc_lookup(w, real_ctx(c), c->g, start, ia, &rh);
	bool mhit = m_lookup(m, c, start, ia, mh);

	*hit = mhit;
	if (rhit != mhit) {
		snprintf(why, n, "walk cache %s, model %s", rhit ? "hit" : "missed",
			 mhit ? "hit" : "missed");
		return false;
	}
	if (rhit && (rh.level != mh->level || rh.table != mh->table ||
		     rh.attrs != mh->attrs)) {
		snprintf(why, n, "hit at level %d table 0x%" PRIx64 " attrs 0x%x vs model "
			 "level %d table 0x%" PRIx64 " attrs 0x%x", rh.level, rh.table,
			 rh.attrs, mh->level, mh->table, mh->attrs);
		return false;
	}
	return true;
}

/* A walk: look up, "read" the levels below the hit, fill what was read
 * (sometimes in reverse order: wc_fill takes any order). */
static bool both_walk(struct wc *w, struct model *m, const struct mctx *c,
		      uint64_t ia, unsigned epoch, bool reverse, char *why, size_t n)
{
	struct mhit mh;
	struct mstep ms[4];
	struct wc_step rs[4];
	unsigned k = 0;
	bool hit;
	int from, leaf = leaf_level(c, ia);

	if (!both_lookup(w, m, c, c->start, ia, &hit, &mh, why, n))
		return false;
	from = hit ? mh.level + 1 : c->start;
	for (int l = from; l < leaf; l++)
		ms[k++] = table_at(c, ia, l, epoch);
	for (unsigned i = 0; i < k; i++) {
		const struct mstep *src = &ms[reverse ? k - 1 - i : i];

		rs[i] = (struct wc_step){ .level = src->level, .table = src->table,
					  .attrs = src->attrs };
	}
	if (reverse)
		for (unsigned i = 0; i < k; i++)
			ms[i] = (struct mstep){ .level = rs[i].level,
						.table = rs[i].table, .attrs = rs[i].attrs };
	if (wc_fill(w, real_ctx(c), c->g, ia, rs, k) != 0) {
		snprintf(why, n, "wc_fill refused %u steps", k);
		return false;
	}
	m_fill(m, c, ia, ms, k);
	return true;
}

/*
 * Run @nops random steps from @seed on a real walk cache of configuration
 * @c and the model (with defect @broken).  The steps are recorded in @r.
 * Return: -1 if both agreed throughout, else the index of the first step
 * after which they differ (r->why says how).
 */
static long run_compare(const struct cfg *c, uint64_t seed, unsigned nops,
			enum broken broken, struct run *r)
{
	struct wc_geom g = {
		.name = c->name, .entries = c->entries, .ways = c->ways,
		.latency = 1, .repl = &tlb_repl_lru,
	};
	struct wc w;
	struct model *m = calloc(1, sizeof(*m));
	struct mctx cur = { .s2 = false, .regime = MMU_REGIME_EL10, .vmid = 1,
			    .asid = 1, .g = 12, .start = 0 };
	uint64_t s = seed ? seed : 1, last = 0;
	unsigned epoch = 0;
	long bad = -1;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_le(c->entries, M_MAX_ENTRIES);
	ck_assert_uint_le(c->ways, M_MAX_WAYS);
	ck_assert_uint_le(c->entries / c->ways, M_MAX_SETS);
	ck_assert_int_eq(wc_init(&w, &g, NULL), 0);
	m->sets = c->entries / c->ways;
	m->ways = c->ways;
	m->broken = broken;
	r->nops = 0;
	r->why[0] = '\0';

	for (unsigned i = 0; i < nops && bad < 0; i++) {
		uint64_t x = rnd(&s);
		struct op *o = &r->ops[r->nops++];

		memset(o, 0, sizeof(*o));
		if (x % 100 < 6) {
			o->kind = OP_SWITCH;
			random_ctx(&s, &cur);
			o->ctx = cur;
		} else if (x % 100 < 11) {
			struct tlbi_args a;
			struct tlb_match mt;
			unsigned nr, nm;

			o->kind = OP_TLBI;
			random_tlbi(&s, &cur, last, &o->tlbi);
			a = (struct tlbi_args){
				.regime = o->tlbi.regime, .vmid = (uint16_t)o->tlbi.vmid,
				.asid = (uint16_t)o->tlbi.asid, .addr = o->tlbi.addr,
			};
			ck_assert_int_eq(tlbi_match(o->tlbi.op, &a, &mt, NULL), 0);
			nr = wc_invalidate(&w, &mt);
			nm = m_tlbi(m, &o->tlbi);
			if (nr != nm) {
				snprintf(r->why, sizeof(r->why),
					 "tlbi removed %u entries, model %u", nr, nm);
				bad = (long)i;
			}
		} else if (x % 100 < 12) {
			o->kind = OP_REMAP;
			epoch++;
		} else if (x % 100 < 20) {
			struct mhit mh;
			bool hit;

			o->kind = OP_PROBE;
			o->addr = random_addr(&s);
			o->start = random_start(x >> 32, cur.g);
			if (!both_lookup(&w, m, &cur, o->start, o->addr, &hit, &mh,
					 r->why, sizeof(r->why)))
				bad = (long)i;
		} else {
			o->kind = OP_WALK;
			o->addr = (x >> 20) % 4 ? random_addr(&s) : last;
			last = o->addr;
			if (!both_walk(&w, m, &cur, o->addr, epoch, (x >> 24) % 4 == 0,
				       r->why, sizeof(r->why)))
				bad = (long)i;
		}
		if (bad < 0 && !compare_counters(&w, m, r->why, sizeof(r->why)))
			bad = (long)i;
		if (bad < 0 && (i % 64 == 63 || i + 1 == nops) &&
		    !compare_contents(&w, m, r->why, sizeof(r->why)))
			bad = (long)i;
	}
	for (int l = M_LEVEL_MIN; l <= M_LEVEL_MAX; l++)
		r->hits[l - M_LEVEL_MIN] += m->hits[l - M_LEVEL_MIN];
	r->misses += m->misses;
	r->evictions += m->evictions;
	r->invals += m->invals;
	wc_destroy(&w);
	free(m);
	return bad;
}

static const struct cfg cfgs[] = {
	{ "fa-16", 16, 16 },            /* fully associative: no sets */
	{ "sa-32x4", 32, 4 },
	{ "sa-16x2", 16, 2 },
	{ "direct-8", 8, 1 },
	{ "fa-64", 64, 64 },
};

enum { NOPS = 8000, NSEEDS = 8 };

START_TEST(test_model_agrees)
{
	const struct cfg *c = &cfgs[_i];
	struct run r;

	memset(&r, 0, sizeof(r));
	r.ops = malloc(NOPS * sizeof(*r.ops));
	ck_assert_ptr_nonnull(r.ops);
	for (uint64_t seed = 1; seed <= NSEEDS; seed++) {
		long bad = run_compare(c, seed * UINT64_C(0x9e3779b97f4a7c15), NOPS,
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
	/* Hits at every level, misses, evictions and invalidations happened. */
	for (int l = M_LEVEL_MIN; l <= M_LEVEL_MAX; l++)
		ck_assert_msg(r.hits[l - M_LEVEL_MIN] > 50, "%s: %" PRIu64 " hits at level %d",
			      c->name, r.hits[l - M_LEVEL_MIN], l);
	ck_assert_uint_gt(r.misses, 1000);
	ck_assert_uint_gt(r.evictions, 1000);
	ck_assert_uint_gt(r.invals, 100);
	free(r.ops);
}
END_TEST

/* Each planted defect must be caught by the comparison, on every
 * geometry, within the seeds test_model_agrees runs. */
START_TEST(test_model_planted_divergence)
{
	static const enum broken defects[] = {
		BROKEN_IGNORE_ASID, BROKEN_SHALLOWEST_FIRST, BROKEN_NO_LRU_UPDATE,
		BROKEN_LAST_LEVEL_REMOVES, BROKEN_IGNORE_GRANULE,
		BROKEN_IPAS2_ANY_VMID,
	};
	struct run r;

	memset(&r, 0, sizeof(r));
	r.ops = malloc(NOPS * sizeof(*r.ops));
	ck_assert_ptr_nonnull(r.ops);
	for (unsigned d = 0; d < ARRAY_SIZE(defects); d++)
		for (unsigned k = 0; k < ARRAY_SIZE(cfgs); k++) {
			long bad;

			/* One way: no recency to get wrong. */
			if (defects[d] == BROKEN_NO_LRU_UPDATE && cfgs[k].ways == 1)
				continue;
			/* Within the seeds the agreement test runs. */
			bad = -1;
			for (uint64_t seed = 1; seed <= NSEEDS && bad < 0; seed++)
				bad = run_compare(&cfgs[k], seed * UINT64_C(0x9e3779b97f4a7c15),
						  NOPS, defects[d], &r);

			ck_assert_msg(bad >= 0, "planted defect %u went unnoticed on %s",
				      (unsigned)defects[d], cfgs[k].name);
			ck_assert(r.why[0] != '\0');
		}
	free(r.ops);
}
END_TEST

/* ---- Part 2: references saved equal the levels skipped -------------- */

/* One walk-cache lookup the hooks made during a translation. */
struct hlook {
	enum mmu_stage stage;
	uint64_t ia;
	int start;                      /* the walk's start level */
	bool hit;
	struct walk_start st;           /* what the hook supplied */
};

#define H_MAX_LOOKS 16

/* Defects planted in the hooks, which the check must catch. */
enum hook_defect {
	HOOK_OK = 0,
	HOOK_RESUME_TOO_EARLY,          /* resume at the cached level itself */
	HOOK_FILL_WRONG_TABLE,          /* cache the level's own table */
	HOOK_SHARE_ASIDS,               /* stage-1 entries of every ASID under ASID 0 */
};

struct hooks_ctx {
	struct wc s1, s2;
	bool use_s1, use_s2;
	bool shared;                    /* one walk cache for both stages (s1) */
	uint16_t asid, vmid;
	enum hook_defect defect;
	unsigned nlooks;
	struct hlook looks[H_MAX_LOOKS];
};

static struct wc *h_cache(struct hooks_ctx *h, const struct walk_params *p,
			  uint64_t *tag)
{
	if (p->stage == MMU_STAGE2) {
		*tag = wc_ctx_s2(h->vmid);
		if (!h->use_s2)
			return NULL;
		return h->shared ? &h->s1 : &h->s2;
	}
	*tag = wc_ctx_s1(p->regime, h->vmid,
			 h->defect == HOOK_SHARE_ASIDS ? 0 : h->asid);
	return h->use_s1 ? &h->s1 : NULL;
}

static bool h_wc_lookup(void *ctx, const struct walk_params *p, uint64_t ia,
			struct walk_start *st)
{
	struct hooks_ctx *h = ctx;
	uint64_t tag;
	struct wc *w = h_cache(h, p, &tag);
	struct wc_hit hit;
	struct hlook *l;

	if (!w)
		return false;
	ck_assert_uint_lt(h->nlooks, H_MAX_LOOKS);
	l = &h->looks[h->nlooks++];
	memset(l, 0, sizeof(*l));
	l->stage = p->stage;
	l->ia = ia;
	l->start = p->start_level;
	l->hit = wc_lookup(w, tag, p->granule_shift, p->start_level, ia, &hit);
	if (!l->hit)
		return false;
	/* The level-L descriptor points at the level-(L + 1) table. */
	st->level = (int8_t)(hit.level + (h->defect == HOOK_RESUME_TOO_EARLY ? 0 : 1));
	st->table = hit.table;
	st->tattrs = hit.attrs;
	l->st = *st;
	return true;
}

static void h_wc_fill(void *ctx, const struct walk_params *p, uint64_t ia,
		      const struct walk_out *out, int from)
{
	struct hooks_ctx *h = ctx;
	uint64_t tag;
	struct wc *w = h_cache(h, p, &tag);
	struct wc_step steps[WALK_LEVELS];
	unsigned n = 0;

	if (!w)
		return;
	for (int l = from; l < out->level; l++)
		steps[n++] = (struct wc_step){
			.level = l,
			.table = out->table[h->defect == HOOK_FILL_WRONG_TABLE ? l : l + 1],
			.attrs = out->tattrs_at[l + 1],
		};
	ck_assert_int_eq(wc_fill(w, tag, p->granule_shift, ia, steps, n), 0);
}

/* Totals over a run, so that the check cannot pass vacuously. */
struct e2e_tot {
	uint64_t translations, s1_saved, s2_saved, s1_hits, s2_hits, s2_walks;
	uint64_t s1_saved_by[WALK_LEVELS], s2_saved_by[WALK_LEVELS];   /* walks saving k levels */
};

/*
 * Compare one translation of @va without hooks (r0, refs0) and with them
 * (r1, refs1, the lookups in @h).  Return: false with @why on a difference.
 */
static bool check_pair(const struct mmu_ctx *c, uint64_t va,
		       const struct mmu_result *r0, const struct mmu_refs *f0,
		       const struct mmu_result *r1, const struct mmu_refs *f1,
		       const struct hooks_ctx *h, struct e2e_tot *tot,
		       char *why, size_t n)
{
	const struct walk_params *p1 = &c->s1[(va >> 55) & 1];
	const struct walk_params *p2 = &c->s2;
	const struct hlook *l1 = NULL;
	const struct hlook *l2[H_MAX_LOOKS];
	unsigned n2 = 0, s1_saved = 0, s2_saved_sum = 0, nexp = 0;
	unsigned reads0[MMU_REF_FOR_FINAL + 1] = { 0 }, reads1[MMU_REF_FOR_FINAL + 1] = { 0 };
	unsigned saved2[MMU_REF_FOR_FINAL + 1] = { 0 };
	bool walked2[MMU_REF_FOR_FINAL + 1] = { false };
	unsigned s2_skipped = 0, nwalks2;
	int s1_from;
	struct mmu_ref exp[MMU_MAX_REFS];

	if (r0->oa != r1->oa || r0->ipa != r1->ipa || r0->prot != r1->prot ||
	    r0->shift != r1->shift || r0->global != r1->global) {
		snprintf(why, n, "result differs: oa 0x%" PRIx64 "/0x%" PRIx64
			 " prot 0x%x/0x%x shift %u/%u", r0->oa, r1->oa, r0->prot,
			 r1->prot, r0->shift, r1->shift);
		return false;
	}
	if (r0->s1.level != r1->s1.level || r0->s1.desc != r1->s1.desc ||
	    r0->s1.prot != r1->s1.prot || r0->writes || r1->writes) {
		snprintf(why, n, "stage-1 leaf differs: level %d/%d prot 0x%x/0x%x",
			 r0->s1.level, r1->s1.level, r0->s1.prot, r1->s1.prot);
		return false;
	}
	if (r0->s1_saved || r0->s2_saved) {
		snprintf(why, n, "saved %u/%u without hooks", r0->s1_saved, r0->s2_saved);
		return false;
	}
	for (unsigned i = 0; i < h->nlooks; i++) {
		if (h->looks[i].stage == MMU_STAGE1) {
			if (l1 || i != 0 || h->looks[i].ia != va) {
				snprintf(why, n, "stage-1 lookup %u of 0x%" PRIx64
					 " is not the first and only", i, h->looks[i].ia);
				return false;
			}
			l1 = &h->looks[i];
		} else {
			l2[n2++] = &h->looks[i];
		}
	}
	if (h->use_s1 != (l1 != NULL)) {
		snprintf(why, n, "stage-1 walk cache %s", l1 ? "used unasked" : "not consulted");
		return false;
	}

	/* Stage 1: the walk resumes exactly `saved` levels below its start,
	 * at the table the uncached walk used there. */
	if (l1 && l1->hit) {
		if (l1->start != p1->start_level || l1->st.level <= p1->start_level ||
		    l1->st.level > r0->s1.level) {
			snprintf(why, n, "stage-1 hit resumes at level %d (start %d, leaf %d)",
				 l1->st.level, p1->start_level, r0->s1.level);
			return false;
		}
		s1_saved = (unsigned)(l1->st.level - p1->start_level);
		tot->s1_saved_by[s1_saved < WALK_LEVELS ? s1_saved : 0]++;
		if (l1->st.table != r0->s1.table[l1->st.level] ||
		    l1->st.tattrs != r0->s1.tattrs_at[l1->st.level]) {
			snprintf(why, n, "stage-1 hit supplies level-%d table 0x%" PRIx64
				 " attrs 0x%x; the walk used 0x%" PRIx64 " attrs 0x%x",
				 l1->st.level, l1->st.table, l1->st.tattrs,
				 r0->s1.table[l1->st.level], r0->s1.tattrs_at[l1->st.level]);
			return false;
		}
		tot->s1_hits++;
	}
	s1_from = p1->start_level + (int)s1_saved;
	if (r1->s1_saved != s1_saved || r1->s1_reads + r1->s1_saved != r0->s1_reads ||
	    r0->s1_reads != (unsigned)(r0->s1.level - p1->start_level + 1)) {
		snprintf(why, n, "stage 1: R0 %u, R1 %u, saved %u (levels skipped %u)",
			 r0->s1_reads, r1->s1_reads, r1->s1_saved, s1_saved);
		return false;
	}

	/* Stage 2: one walk per stage-1 table fetched and one for the
	 * output IPA; the fetches above s1_from were skipped. */
	for (unsigned i = 0; i < f0->n; i++)
		if (f0->ref[i].stage == 2)
			reads0[f0->ref[i].for_s1]++;
	for (unsigned i = 0; i < f1->n; i++)
		if (f1->ref[i].stage == 2)
			reads1[f1->ref[i].for_s1]++;
	nwalks2 = c->s2_enabled ? (unsigned)(r0->s1.level - s1_from + 1) + 1 : 0;
	if (h->use_s2 && n2 != nwalks2) {
		snprintf(why, n, "%u stage-2 walk-cache lookups for %u stage-2 walks",
			 n2, nwalks2);
		return false;
	}
	if (!h->use_s2 && n2) {
		snprintf(why, n, "stage-2 walk cache used unasked");
		return false;
	}
	for (unsigned k = 0; k < n2; k++) {
		int L = k + 1 < n2 ? s1_from + (int)k : MMU_REF_FOR_FINAL;
		const struct hlook *l = l2[k];

		if (l->start != p2->start_level) {
			snprintf(why, n, "stage-2 lookup %u from level %d, start %d", k,
				 l->start, p2->start_level);
			return false;
		}
		if (l->hit) {
			if (l->st.level <= p2->start_level || l->st.level > 3) {
				snprintf(why, n, "stage-2 hit resumes at level %d", l->st.level);
				return false;
			}
			saved2[L] = (unsigned)(l->st.level - p2->start_level);
			tot->s2_saved_by[saved2[L] < WALK_LEVELS ? saved2[L] : 0]++;
			s2_saved_sum += saved2[L];
			tot->s2_hits++;
			if (L == MMU_REF_FOR_FINAL &&
			    (l->st.table != r0->s2.table[l->st.level] ||
			     l->st.tattrs != r0->s2.tattrs_at[l->st.level])) {
				snprintf(why, n, "final stage-2 hit supplies level-%d table 0x%"
					 PRIx64 "; the walk used 0x%" PRIx64, l->st.level,
					 l->st.table, r0->s2.table[l->st.level]);
				return false;
			}
		}
	}
	for (int L = 0; L <= MMU_REF_FOR_FINAL; L++) {
		walked2[L] = c->s2_enabled && (L == MMU_REF_FOR_FINAL ||
					       (L >= s1_from && L <= r0->s1.level));
		if (!walked2[L]) {
			s2_skipped += reads0[L];
			if (reads1[L]) {
				snprintf(why, n, "a stage-2 walk for stage-1 level %d that the "
					 "stage-1 walk cache made unnecessary", L);
				return false;
			}
			continue;
		}
		tot->s2_walks++;
		/* Per walk: R1 + S == R0. */
		if (reads1[L] + saved2[L] != reads0[L]) {
			snprintf(why, n, "stage-2 walk for %d: R0 %u, R1 %u, saved %u", L,
				 reads0[L], reads1[L], saved2[L]);
			return false;
		}
	}
	/* Per stage: R1 + S == R0 minus the walks skipped altogether. */
	if (r1->s2_saved != s2_saved_sum ||
	    r1->s2_reads + r1->s2_saved + s2_skipped != r0->s2_reads) {
		snprintf(why, n, "stage 2: R0 %u, R1 %u, saved %u (walks' %u), skipped %u",
			 r0->s2_reads, r1->s2_reads, r1->s2_saved, s2_saved_sum, s2_skipped);
		return false;
	}

	/* The references with hooks are those without, minus the skipped. */
	for (unsigned i = 0; i < f0->n; i++) {
		const struct mmu_ref *rf = &f0->ref[i];

		if (rf->stage == 1 && rf->level < s1_from)
			continue;
		if (rf->stage == 2 && (!walked2[rf->for_s1] ||
				       rf->level < p2->start_level + (int)saved2[rf->for_s1]))
			continue;
		exp[nexp++] = *rf;
	}
	if (nexp != f1->n) {
		snprintf(why, n, "%u references with hooks, %u expected", f1->n, nexp);
		return false;
	}
	for (unsigned i = 0; i < nexp; i++) {
		const struct mmu_ref *a = &exp[i], *b = &f1->ref[i];

		if (a->pa != b->pa || a->stage != b->stage || a->level != b->level ||
		    a->for_s1 != b->for_s1 || a->write != b->write) {
			snprintf(why, n, "reference %u: stage %u level %d pa 0x%" PRIx64
				 ", expected stage %u level %d pa 0x%" PRIx64, i, b->stage,
				 b->level, b->pa, a->stage, a->level, a->pa);
			return false;
		}
	}
	tot->translations++;
	tot->s1_saved += r1->s1_saved;
	tot->s2_saved += r1->s2_saved;
	return true;
}

/* A machine with real tables, the processes that use it and the VAs. */
struct e2e_case {
	const char *name;
	unsigned host_g;                /* host stage-1 granule */
	bool virt;
	unsigned s2_g, ipa_bits, guest_g;
};

static const struct e2e_case e2e_cases[] = {
	{ "native-4k-48", 12, false, 0, 0, 0 },
	{ "virt-4k-48-over-4k-40", 12, true, 12, 40, 12 },
	{ "virt-64k-48-over-64k-42", 12, true, 16, 42, 16 },
	{ "native-64k-48", 16, false, 0, 0, 0 },
};

/* Hook configurations: which stages have a walk cache. */
struct e2e_hooks {
	const char *name;
	bool s1, s2, shared;
	unsigned s1_entries, s1_ways, s2_entries, s2_ways;
};

/* The guest's IPAs are few and dense: tiny stage-2 caches make them miss. */
static const struct e2e_hooks e2e_hooks[] = {
	{ "s1+s2", true, true, false, 16, 4, 2, 1 },
	{ "s1 only", true, false, false, 16, 4, 0, 0 },
	{ "s2 only", false, true, false, 0, 0, 4, 2 },
	{ "one cache for both", true, true, true, 16, 2, 0, 0 },
};

enum { E2E_PROCS = 2, E2E_ADDRS = 1200, E2E_XLATS = 2500 };

struct e2e_addr {
	unsigned proc;
	uint64_t va;
};

/* A VA in one of four clusters (three user, one kernel): eight regions of
 * the level-2 size, 64 pages each, and four level-1 neighbours. */
static uint64_t e2e_va(uint64_t *s, unsigned g)
{
	static const uint64_t bases[] = {
		UINT64_C(0x0000000000400000), UINT64_C(0x00005555a0000000),
		UINT64_C(0x00007fff00000000), UINT64_C(0xffff800010000000),
	};
	uint64_t x = rnd(s);
	unsigned stride = g - 3;

	return bases[x % 4] + (((x >> 8) % 64) << g) + (((x >> 16) % 8) << (g + stride)) +
		(((x >> 24) % 4) << (g + 2 * stride)) + ((x >> 32) & 0xff8);
}

/*
 * Build the tables of case @k, then translate E2E_XLATS random touched
 * addresses without and with hooks for every hook configuration.
 * Return: true if every pair agreed; else false with @why.
 */
static bool e2e_run(const struct e2e_case *k, uint64_t seed, enum hook_defect defect,
		    char *why, size_t n)
{
	struct pmem *pm = calloc(1, sizeof(*pm));
	struct os *os = calloc(1, sizeof(*os));
	struct os_cfg ocfg = { .ram_base = 0x80000000, .seed = 7,
			       .host = { .granule_shift = k->host_g } };
	struct os_vm *vm = NULL;
	struct os_proc *procs[E2E_PROCS];
	struct mmu_ctx ctxs[E2E_PROCS];
	struct e2e_addr *addrs = calloc(E2E_ADDRS, sizeof(*addrs));
	struct mmu_refs *f0 = malloc(sizeof(*f0)), *f1 = malloc(sizeof(*f1));
	struct hooks_ctx *h = calloc(1, sizeof(*h));
	struct mmu_mem mem;
	struct sim_error err;
	unsigned g = k->virt ? k->guest_g : k->host_g;
	uint64_t s = seed;
	bool ok = true;

	ck_assert(pm && os && addrs && f0 && f1 && h);
	sim_error_clear(&err);
	ck_assert_int_eq(pmem_init(pm, &err), 0);
	ck_assert_msg(os_init(os, &ocfg, pm, &err) == 0, "os_init: %s", err.msg);
	if (k->virt) {
		struct os_vm_cfg vcfg = {
			.s2_granule_shift = k->s2_g, .ipa_bits = k->ipa_bits,
			.s2_policy = OS_MAP_PAGES, .ipa_base = 0x40000000,
			.guest = { .granule_shift = k->guest_g },
		};

		ck_assert_msg(os_vm_create(os, &vcfg, &vm, &err) == 0, "os_vm_create: %s",
			      err.msg);
	}
	for (unsigned p = 0; p < E2E_PROCS; p++) {
		const struct os_proc_cfg pcfg = { .regime = MMU_REGIME_EL10 };

		ck_assert_msg(os_proc_create(os, vm, &pcfg, &procs[p], &err) == 0,
			      "os_proc_create: %s", err.msg);
		os_proc_mmu_ctx(procs[p], (uint16_t)(5 + p), (uint16_t)(vm ? vm->id : 0),
				&ctxs[p]);
		ck_assert(ctxs[p].s2_enabled == k->virt);
	}
	for (unsigned i = 0; i < E2E_ADDRS; i++) {
		addrs[i].proc = (unsigned)(rnd(&s) % E2E_PROCS);
		addrs[i].va = e2e_va(&s, g);
		ck_assert_msg(os_touch(os, procs[addrs[i].proc], addrs[i].va, NULL, &err) == 0,
			      "os_touch(0x%" PRIx64 "): %s", addrs[i].va, err.msg);
	}
	mem = pmem_mem(pm);

	for (unsigned hc = 0; hc < ARRAY_SIZE(e2e_hooks) && ok; hc++) {
		const struct e2e_hooks *hk = &e2e_hooks[hc];
		struct wc_geom g1 = { .name = "S1WC", .entries = hk->s1_entries,
				      .ways = hk->s1_ways, .latency = 1, .repl = &tlb_repl_lru };
		struct wc_geom g2 = { .name = "S2WC", .entries = hk->s2_entries,
				      .ways = hk->s2_ways, .latency = 1, .repl = &tlb_repl_lru };
		struct mmu_hooks hooks = {
			.wc_lookup = h_wc_lookup, .wc_fill = h_wc_fill, .ctx = h,
		};
		struct e2e_tot tot = { 0 };
		char what[256];

		if (!k->virt && !hk->s1)
			continue;
		memset(h, 0, sizeof(*h));
		if (hk->s1_entries)
			ck_assert_int_eq(wc_init(&h->s1, &g1, NULL), 0);
		if (hk->s2_entries)
			ck_assert_int_eq(wc_init(&h->s2, &g2, NULL), 0);
		h->use_s1 = hk->s1;
		h->use_s2 = hk->s2 && k->virt;
		h->shared = hk->shared;
		h->defect = defect;
		for (unsigned t = 0; t < E2E_XLATS && ok; t++) {
			const struct e2e_addr *a = &addrs[rnd(&s) % E2E_ADDRS];
			const struct mmu_ctx *c = &ctxs[a->proc];
			const struct mmu_access acc = { .type = MMU_ACC_READ, .el = 1 };
			struct mmu_result r0, r1;
			int rc0, rc1;

			rc0 = mmu_translate_cached(c, &mem, NULL, a->va, acc, true, &r0, f0);
			ck_assert_msg(rc0 == 0, "%s: 0x%" PRIx64 ": rc %d, fault %d", k->name,
				      a->va, rc0, r0.fault.type);
			h->asid = c->asid;
			h->vmid = c->vmid;
			h->nlooks = 0;
			rc1 = mmu_translate_cached(c, &mem, &hooks, a->va, acc, true, &r1, f1);
			if (rc1 != 0) {
				snprintf(what, sizeof(what), "rc %d with hooks, fault %d level %d",
					 rc1, r1.fault.type, r1.fault.level);
				ok = false;
			} else {
				ok = check_pair(c, a->va, &r0, f0, &r1, f1, h, &tot, what,
						sizeof(what));
			}
			if (!ok)
				snprintf(why, n, "%s/%s: translation %u of 0x%" PRIx64
					 " (process %u, ASID %u, VMID %u): %s", k->name,
					 hk->name, t, a->va, a->proc, c->asid, c->vmid, what);
		}
		if (ok && defect == HOOK_OK) {
			/* Not vacuous: the caches hit and missed at each stage
			 * used, and saved every number of levels they can. */
			ck_assert_uint_eq(tot.translations, E2E_XLATS);
			if (h->use_s1) {
				ck_assert_uint_gt(tot.s1_hits, E2E_XLATS / 8);
				ck_assert_uint_lt(tot.s1_hits, E2E_XLATS);
				ck_assert_uint_gt(tot.s1_saved_by[1], 0);
				ck_assert_uint_gt(tot.s1_saved_by[2], 0);
			} else {
				ck_assert_uint_eq(tot.s1_saved, 0);
			}
			if (h->use_s2) {
				ck_assert_uint_gt(tot.s2_hits, tot.s2_walks / 4);
				ck_assert_uint_lt(tot.s2_hits, tot.s2_walks);
				for (int l = 1; l < 3 - ctxs[0].s2.start_level + 1; l++)
					ck_assert_msg(tot.s2_saved_by[l] > 0, "%s/%s: no stage-2 walk "
						      "saved %d levels", k->name, hk->name, l);
			} else {
				ck_assert_uint_eq(tot.s2_saved, 0);
			}
		}
		if (hk->s1_entries)
			wc_destroy(&h->s1);
		if (hk->s2_entries)
			wc_destroy(&h->s2);
	}
	free(h);
	free(f0);
	free(f1);
	free(addrs);
	os_destroy(os);
	pmem_destroy(pm);
	free(os);
	free(pm);
	return ok;
}

START_TEST(test_saved_equals_skipped)
{
	char why[512];
	bool ok = e2e_run(&e2e_cases[_i], 0x5eed + (uint64_t)_i, HOOK_OK, why, sizeof(why));

	ck_assert_msg(ok, "%s", why);
}
END_TEST

/* Each planted hook defect must be caught on a virtualized case. */
START_TEST(test_saved_planted_divergence)
{
	static const enum hook_defect defects[] = {
		HOOK_RESUME_TOO_EARLY, HOOK_FILL_WRONG_TABLE, HOOK_SHARE_ASIDS,
	};
	char why[512];

	for (unsigned d = 0; d < ARRAY_SIZE(defects); d++) {
		why[0] = '\0';
		ck_assert_msg(!e2e_run(&e2e_cases[1], 0x5eed, defects[d], why, sizeof(why)),
			      "planted hook defect %u went unnoticed", (unsigned)defects[d]);
		ck_assert(why[0] != '\0');
	}
}
END_TEST

static Suite *wc_model_suite(void)
{
	Suite *s = suite_create("wc_model");
	TCase *tc;

	tc = tcase_create("differential");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_model_agrees, 0, (int)ARRAY_SIZE(cfgs));
	suite_add_tcase(s, tc);

	tc = tcase_create("planted");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_model_planted_divergence);
	suite_add_tcase(s, tc);

	tc = tcase_create("saved equals skipped");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_saved_equals_skipped, 0, (int)ARRAY_SIZE(e2e_cases));
	tcase_add_test(tc, test_saved_planted_divergence);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(wc_model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
