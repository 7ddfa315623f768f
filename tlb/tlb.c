/*
 * tlb/tlb.c - one set-associative TLB (see tlb/tlb.h for the semantics).
 *
 * The per-access path is tlb_lookup() in the header (the memos) and
 * tlb_lookup_slow() here: one probe of one set per held size, each way
 * compared with tlb_entry_matches().  Fills and invalidations are rare and
 * kept simple; an invalidation by address probes only the sets that can
 * hold an entry covering that address (one per held size), any other
 * invalidation scans the whole TLB.  With a memo on, a fill also looks for
 * entries the new one overlaps (overlap_check()), within a budget.
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
	t->page_memo_on = on;
	t->memo.e = NULL;
	memset(t->page_memo, 0, sizeof(t->page_memo));
	/* Overlaps are tracked only while a memo is on: not knowing, assume
	 * them unless the TLB is empty. */
	t->overlap = t->nvalid != 0;
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
		if (t->memo_on)
			tlb_memo_set(t, e, ctx, addr);
		if (t->page_memo_on) {
			uint64_t page = addr >> t->shift[0];

			t->page_memo[page & (TLB_PAGE_MEMO - 1)] = (struct tlb_page_memo){
				.e = e, .page = page, .ctx = ctx, .gen = t->gen,
				.set = (uint32_t)set, .way = (uint16_t)way,
				.arr = t->arr_of[i],
			};
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

/* Whether some lookup can match both @a and @b: they cover a common
 * address, and agree on every tag bit a lookup compares but the ASID,
 * which they must share unless one of them is global. */
static bool entries_overlap(const struct tlb_entry *a, const struct tlb_entry *b)
{
	unsigned sa = tlb_tag_shift(a->tag), sb = tlb_tag_shift(b->tag);
	unsigned m = sa > sb ? sa : sb;
	uint64_t diff = a->tag ^ b->tag;

	if (diff & TLB_LOOKUP_MASK & ~TLB_TAG_ASID)
		return false;
	if ((diff & TLB_TAG_ASID) && !((a->tag | b->tag) & TLB_TAG_GLOBAL))
		return false;
	return ((a->in_page << sa) >> m) == ((b->in_page << sb) >> m);
}

/* Entries overlap_check() examines at most; beyond, it assumes an overlap. */
#define OVERLAP_SCAN_MAX 256

/*
 * Does a valid entry other than @ne (just stored, size index @i) overlap
 * it?  @twins: how many other valid entries of its set have its page
 * (tlb_sa_insert()): the only ones of its own size that can.  Of each other
 * size j ever filled, an entry at least as large that covers @ne's address
 * sits in one set; smaller ones lie in the sets of the pages of size j
 * inside @ne's page.
 */
static bool overlap_check(const struct tlb *t, const struct tlb_entry *ne, unsigned i,
			  unsigned twins)
{
	unsigned s = tlb_tag_shift(ne->tag), scanned = 0;
	uint64_t addr = ne->in_page << s;

	if (twins) {
		const struct tlb_sa *a = &t->arr[t->arr_of[i]];
		const struct tlb_entry *set = tlb_sa_set(a, ne->in_page);

		for (unsigned w = 0; w < a->ways; w++)
			if (&set[w] != ne && set[w].tag && entries_overlap(&set[w], ne))
				return true;
	}
	for (uint32_t left = t->filled & ~(UINT32_C(1) << i); left; left &= left - 1) {
		unsigned j = (unsigned)__builtin_ctz(left), sj = t->shift[j];
		const struct tlb_sa *a = &t->arr[t->arr_of[j]];
		uint64_t first = addr >> sj, nsets = 1;

		if (sj < s) {
			nsets = s - sj >= 63 ? UINT64_MAX : UINT64_C(1) << (s - sj);
			if (nsets > a->sets)
				nsets = a->sets;
		}
		if (nsets * a->ways > OVERLAP_SCAN_MAX - scanned)
			return true;
		scanned += (unsigned)(nsets * a->ways);
		for (uint64_t k = 0; k < nsets; k++) {
			const struct tlb_entry *set = tlb_sa_set(a, first + k);

			for (unsigned w = 0; w < a->ways; w++)
				if (&set[w] != ne && set[w].tag && entries_overlap(&set[w], ne))
					return true;
		}
	}
	return false;
}

int tlb_fill(struct tlb *t, const struct tlb_fill *f)
{
	struct tlb_entry ne;
	const struct tlb_entry *stored;
	enum tlb_sa_placed how;
	unsigned s, block, twins;
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
	stored = tlb_sa_insert(&t->arr[t->arr_of[i]], &ne, &how, &twins);
	t->filled |= UINT32_C(1) << i;
	t->st.c[TLB_C_FILL]++;
	if (how == TLB_SA_EVICT)
		t->st.c[TLB_C_EVICT]++;
	if (how == TLB_SA_FREE)
		t->nvalid++;
	t->gen++;
	if (t->page_memo_on && !t->overlap && (twins || (t->filled & (t->filled - 1))))
		t->overlap = overlap_check(t, stored, (unsigned)i, twins);
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
	if (n) {
		t->gen++;
		t->nvalid -= n;
		if (!t->nvalid)
			t->overlap = false;
	}
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
