/*
 * tlb/tlb.c - one set-associative TLB (see tlb/tlb.h for the semantics).
 *
 * The per-access path is tlb_lookup() in the header (memo check) and
 * tlb_lookup_slow() here: one probe of one set per held size, each way
 * compared with tlb_entry_matches().  Fills and invalidations are rare and
 * kept simple; an invalidation by address probes only the sets that can
 * hold an entry covering that address (one per held size), any other
 * invalidation scans the whole TLB.
 */
#include "tlb/tlb.h"

#include <stdio.h>
#include <string.h>

#include "sim/bits.h"

const char *const tlb_counter_names[TLB_C__COUNT] = {
#define X(id, name) name,
	TLB_COUNTERS(X)
#undef X
};

static int check_geom(const struct tlb_geom *g, struct sim_error *err)
{
	const char *name = g->name ? g->name : "(unnamed)";

	if (!g->name || !g->name[0] || strlen(g->name) >= TLB_NAME_MAX)
		return sim_error_set(err, SIM_E_CONFIG,
				     "tlb %s: name must have 1..%d characters",
				     name, TLB_NAME_MAX - 1);
	if (g->serve < TLB_SERVE_INSTR || g->serve > TLB_SERVE_UNIFIED)
		return sim_error_set(err, SIM_E_CONFIG,
				     "tlb %s: serves neither instructions nor data",
				     name);
	if (g->org != TLB_ORG_SHARED && g->org != TLB_ORG_SPLIT)
		return sim_error_set(err, SIM_E_CONFIG,
				     "tlb %s: unknown organisation %d", name,
				     (int)g->org);
	if (g->nsizes < 1 || g->nsizes > TLB_MAX_SIZES)
		return sim_error_set(err, SIM_E_CONFIG,
				     "tlb %s: holds %u page sizes, must be 1..%d",
				     name, g->nsizes, TLB_MAX_SIZES);
	for (unsigned i = 0; i < g->nsizes; i++) {
		unsigned s = g->sizes[i].shift;

		if (s < TLB_MIN_SHIFT || s > TLB_MAX_SHIFT)
			return sim_error_set(err, SIM_E_CONFIG,
					     "tlb %s: page shift %u outside %d..%d",
					     name, s, TLB_MIN_SHIFT, TLB_MAX_SHIFT);
		for (unsigned j = 0; j < i; j++)
			if (g->sizes[j].shift == s)
				return sim_error_set(err, SIM_E_CONFIG,
						     "tlb %s: page shift %u listed twice",
						     name, s);
	}
	if (!g->repl)
		return sim_error_set(err, SIM_E_CONFIG,
				     "tlb %s: no replacement policy", name);
	return 0;
}

int tlb_init(struct tlb *t, const struct tlb_geom *g, struct sim_error *err)
{
	unsigned order[TLB_MAX_SIZES];
	char what[TLB_NAME_MAX + 16];
	int rc;

	memset(t, 0, sizeof(*t));
	rc = check_geom(g, err);
	if (rc)
		return rc;
	strcpy(t->name, g->name);
	t->serve = g->serve;
	t->org = g->org;
	t->latency = g->latency;
	t->nsizes = g->nsizes;

	/* Sort the held sizes ascending (insertion sort of indices). */
	for (unsigned i = 0; i < g->nsizes; i++) {
		unsigned j = i;

		while (j > 0 && g->sizes[order[j - 1]].shift > g->sizes[i].shift) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (unsigned i = 0; i < g->nsizes; i++)
		t->shift[i] = (uint8_t)g->sizes[order[i]].shift;

	if (g->org == TLB_ORG_SHARED) {
		snprintf(what, sizeof(what), "tlb %s", g->name);
		t->narr = 1;
		rc = tlb_sa_init(&t->arr[0], what, g->entries, g->ways, g->repl,
				 g->seed, err);
		if (rc)
			goto fail;
	} else {
		for (unsigned i = 0; i < g->nsizes; i++) {
			const struct tlb_size_geom *sg = &g->sizes[order[i]];

			snprintf(what, sizeof(what), "tlb %s size %u", g->name,
				 sg->shift);
			t->arr_of[i] = (uint8_t)i;
			/* Each sub-array gets its own stream of random victims. */
			rc = tlb_sa_init(&t->arr[i], what, sg->entries, sg->ways,
					 g->repl, g->seed + i, err);
			if (rc)
				goto fail;
			t->narr = i + 1;
		}
	}
	return 0;
fail:
	tlb_destroy(t);
	return rc;
}

void tlb_destroy(struct tlb *t)
{
	for (unsigned i = 0; i < TLB_MAX_SIZES; i++)
		tlb_sa_destroy(&t->arr[i]);
	t->narr = 0;
	t->memo.e = NULL;
}

void tlb_set_memo(struct tlb *t, bool on)
{
	t->memo_on = on && t->arr[0].repl->touch_idempotent;
	t->memo.e = NULL;
}

/* Find the way matching @m, and where it is (array, set, way). */
static struct tlb_entry *find(const struct tlb *t, const struct tlb_match *m,
			      unsigned *arr_out, unsigned *set_out, int *way_out)
{
	for (unsigned i = 0; i < t->nsizes; i++) {
		const struct tlb_sa *a = &t->arr[t->arr_of[i]];
		unsigned set = (unsigned)((m->addr >> t->shift[i]) & a->set_mask);
		int way = tlb_sa_probe(a, set, m);

		if (way >= 0) {
			*arr_out = t->arr_of[i];
			*set_out = set;
			*way_out = way;
			return &tlb_sa_set(a, set)[way];
		}
	}
	return NULL;
}

const struct tlb_entry *tlb_lookup_slow(struct tlb *t, uint64_t ctx,
					uint64_t addr)
{
	/*
	 * The lookup's selection is a local whose fields other than tag and
	 * addr are constants: with everything inlined the compiler drops the
	 * TLBI-only parts (block size, address mask) of the shared predicate.
	 */
	const struct tlb_match m = {
		.tag = ctx | TLB_TAG_VALID,
		.tag_mask = TLB_LOOKUP_MASK,
		.addr = addr,
		.addr_mask = ~UINT64_C(0),
		.block_sel = 0,
	};

	t->st.c[TLB_C_LOOKUP]++;
	/* Sizes never filled cannot match: a TLB holding five sizes whose
	 * entries are all 4K pages probes one set, not five. */
	for (uint32_t left = t->filled; left; left &= left - 1) {
		unsigned i = (unsigned)__builtin_ctz(left);
		struct tlb_sa *a = &t->arr[t->arr_of[i]];
		uint64_t set = (addr >> t->shift[i]) & a->set_mask;
		int way = tlb_sa_probe(a, set, &m);
		struct tlb_entry *e;

		if (way < 0)
			continue;
		e = &tlb_sa_set(a, set)[way];
		t->st.c[TLB_C_HIT]++;
		a->repl->hit(a->repl_state, (unsigned)set, (unsigned)way);
		if (t->memo_on) {
			t->memo.e = e;
			t->memo.ctx = ctx;
			t->memo.mask = ~bits_low_mask(tlb_tag_shift(e->tag));
			t->memo.base = addr & t->memo.mask;
		}
		return e;
	}
	t->st.c[TLB_C_MISS]++;
	t->memo.e = NULL;
	return NULL;
}

const struct tlb_entry *tlb_probe(const struct tlb *t, uint64_t ctx,
				  uint64_t addr)
{
	struct tlb_match m;
	unsigned arr, set;
	int way;

	tlb_match_lookup(&m, ctx, addr);
	return find(t, &m, &arr, &set, &way);
}

int tlb_fill(struct tlb *t, const struct tlb_fill *f)
{
	struct tlb_entry ne;
	enum tlb_sa_placed how;
	unsigned s, block;
	int i;

	/* Largest held size not larger than the translation. */
	for (i = (int)t->nsizes - 1; i >= 0; i--)
		if (t->shift[i] <= f->shift)
			break;
	if (i < 0)
		return 1;
	s = t->shift[i];
	memset(&ne, 0, sizeof(ne));
	block = f->block_shift > f->shift ? f->block_shift : f->shift;
	ne.tag = (f->ctx & ~(TLB_TAG_SHIFT | TLB_TAG_BLOCK | TLB_TAG_GRANULE |
			     TLB_TAG_TABLE)) |
		FIELD_PREP(TLB_TAG_SHIFT, s) | FIELD_PREP(TLB_TAG_BLOCK, block) |
		TLB_TAG_VALID;
	if (block > s)
		t->pieces = true;
	ne.in_page = f->in_addr >> s;
	ne.out_addr = f->out_addr & ~bits_low_mask(s);
	ne.attrs = f->attrs;
	ne.s1_level = f->s1_level;
	ne.s2_level = f->s2_level;
	tlb_sa_insert(&t->arr[t->arr_of[i]], &ne, &how);
	t->filled |= UINT32_C(1) << i;
	t->st.c[TLB_C_FILL]++;
	if (how == TLB_SA_EVICT)
		t->st.c[TLB_C_EVICT]++;
	t->memo.e = NULL;       /* the fill moved the replacement state */
	return 0;
}

unsigned tlb_invalidate(struct tlb *t, const struct tlb_match *m)
{
	unsigned n = 0;

	if (m->addr_mask == ~UINT64_C(0) && (!t->pieces || !m->block_sel)) {
		/* An entry covering addr sits in the set of its own size; a
		 * piece of a block covering addr may sit anywhere. */
		for (unsigned i = 0; i < t->nsizes; i++) {
			struct tlb_sa *a = &t->arr[t->arr_of[i]];

			n += tlb_sa_invalidate(a, (m->addr >> t->shift[i]) & a->set_mask, m);
		}
	} else {
		for (unsigned i = 0; i < t->narr; i++)
			n += tlb_sa_invalidate(&t->arr[i], TLB_SA_ALL_SETS, m);
	}
	t->st.c[TLB_C_INVAL] += n;
	if (t->memo.e && !t->memo.e->tag)
		t->memo.e = NULL;
	return n;
}

unsigned tlb_count_valid(const struct tlb *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->narr; i++)
		n += tlb_sa_count_valid(&t->arr[i]);
	return n;
}

void tlb_for_each(const struct tlb *t,
		  void (*fn)(void *arg, const struct tlb_entry *e), void *arg)
{
	for (unsigned i = 0; i < t->narr; i++) {
		const struct tlb_sa *a = &t->arr[i];

		for (size_t j = 0; j < (size_t)a->sets * a->ways; j++)
			if (a->e[j].tag)
				fn(arg, &a->e[j]);
	}
}
