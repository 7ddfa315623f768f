/*
 * tlb/walkcache.c - walk caches (see tlb/walkcache.h).
 *
 * A probe of level L builds the level's tag (context | size | granule |
 * table bit) and compares it exactly, so an entry of another level, granule
 * or stage never answers; the address compare is the TLBs' "covers" test on
 * the prefix.  Invalidations scan the whole (small) array.
 */
#include "tlb/walkcache.h"

#include <stdio.h>
#include <string.h>

const char *const wc_counter_names[WC_C__COUNT] = {
#define X(id, name) name,
	WC_COUNTERS(X)
#undef X
};

int wc_init(struct wc *w, const struct wc_geom *g, struct sim_error *err)
{
	char what[WC_NAME_MAX + 16];

	memset(w, 0, sizeof(*w));
	if (!g->name || !g->name[0] || strlen(g->name) >= WC_NAME_MAX)
		return sim_error_set(err, SIM_E_CONFIG,
				     "walk cache: name must have 1..%d characters",
				     WC_NAME_MAX - 1);
	strcpy(w->name, g->name);
	w->latency = g->latency;
	snprintf(what, sizeof(what), "walk cache %s", g->name);
	return tlb_sa_init(&w->arr, what, g->entries, g->ways, g->repl,
			   g->seed, err);
}

void wc_destroy(struct wc *w)
{
	tlb_sa_destroy(&w->arr);
}

static bool granule_ok(unsigned g)
{
	return g == 12 || g == 14 || g == 16;
}

/* The shallowest table level of a granule: level -1 exists only with 4K
 * (LPA2); for 64K its region shift would exceed 63 bits. */
static int min_level(unsigned g)
{
	return g == 12 ? WC_MIN_LEVEL : 0;
}

/* The probe of one level: an exact tag for that level, covering ia. */
static void level_match(struct tlb_match *m, uint64_t ctx, unsigned g,
			int level, uint64_t ia)
{
	m->tag = (ctx & ~TLB_TAG_GLOBAL) | TLB_TAG_VALID | TLB_TAG_TABLE |
		FIELD_PREP(TLB_TAG_SHIFT, wc_level_shift(g, level)) |
		FIELD_PREP(TLB_TAG_GRANULE, tlb_granule_code(g)) |
		FIELD_PREP(TLB_TAG_BLOCK, wc_level_shift(g, level));
	m->tag_mask = TLB_WC_LOOKUP_MASK;
	m->addr = ia;
	m->addr_mask = ~UINT64_C(0);
	m->block_sel = 0;
}

bool wc_lookup(struct wc *w, uint64_t ctx, unsigned granule_shift,
	       int start_level, uint64_t ia, struct wc_hit *hit)
{
	int lo;

	w->st.c[WC_C_LOOKUP]++;
	if (!granule_ok(granule_shift)) {
		w->st.c[WC_C_MISS]++;
		return false;
	}
	lo = start_level < min_level(granule_shift) ? min_level(granule_shift) : start_level;
	for (int level = WC_MAX_LEVEL; level >= lo; level--) {
		unsigned sh = wc_level_shift(granule_shift, level);
		uint64_t set = ia >> sh;
		struct tlb_match m;
		int way;

		level_match(&m, ctx, granule_shift, level, ia);
		way = tlb_sa_probe(&w->arr, set, &m);
		if (way >= 0) {
			const struct tlb_entry *e = &tlb_sa_set(&w->arr, set)[way];

			w->arr.repl->hit(w->arr.repl_state,
					 (unsigned)(set & w->arr.set_mask),
					 (unsigned)way);
			w->st.c[WC_C_HIT_LM1 + (level - WC_MIN_LEVEL)]++;
			hit->level = level;
			hit->table = e->out_addr;
			hit->attrs = (uint8_t)e->attrs;
			return true;
		}
	}
	w->st.c[WC_C_MISS]++;
	return false;
}

const struct tlb_entry *wc_probe(const struct wc *w, uint64_t ctx,
				 unsigned granule_shift, int level, uint64_t ia)
{
	struct tlb_match m;
	uint64_t set;
	int way;

	if (!granule_ok(granule_shift) || level < min_level(granule_shift) ||
	    level > WC_MAX_LEVEL)
		return NULL;
	set = ia >> wc_level_shift(granule_shift, level);
	level_match(&m, ctx, granule_shift, level, ia);
	way = tlb_sa_probe(&w->arr, set, &m);
	return way < 0 ? NULL : &tlb_sa_set(&w->arr, set)[way];
}

int wc_fill(struct wc *w, uint64_t ctx, unsigned granule_shift, uint64_t ia,
	    const struct wc_step *steps, unsigned n)
{
	if (!granule_ok(granule_shift))
		return SIM_E_INVAL;
	for (unsigned i = 0; i < n; i++)
		if (steps[i].level < min_level(granule_shift) || steps[i].level > WC_MAX_LEVEL)
			return SIM_E_INVAL;
	for (unsigned i = 0; i < n; i++) {
		struct tlb_match m;
		struct tlb_entry ne;
		enum tlb_sa_placed how;

		level_match(&m, ctx, granule_shift, steps[i].level, ia);
		memset(&ne, 0, sizeof(ne));
		ne.tag = m.tag & ~TLB_TAG_GLOBAL;       /* always non-global */
		ne.in_page = ia >> wc_level_shift(granule_shift, steps[i].level);
		ne.out_addr = steps[i].table;
		ne.attrs = steps[i].attrs;
		tlb_sa_insert(&w->arr, &ne, &how, NULL);
		w->st.c[WC_C_FILL]++;
		if (how == TLB_SA_EVICT)
			w->st.c[WC_C_EVICT]++;
	}
	return 0;
}

unsigned wc_invalidate(struct wc *w, const struct tlb_match *m)
{
	unsigned n = tlb_sa_invalidate(&w->arr, TLB_SA_ALL_SETS, m);

	w->st.c[WC_C_INVAL] += n;
	return n;
}

unsigned wc_count_valid(const struct wc *w)
{
	return tlb_sa_count_valid(&w->arr);
}
