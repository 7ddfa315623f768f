/*
 * tlb/setassoc.c - the set-associative array behind TLBs and walk caches
 * (see tlb/setassoc.h).  Lookups are inline in the header; this file holds
 * the rarer operations: creation, insertion and invalidation.
 */
#include "tlb/setassoc.h"

#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"

int tlb_sa_init(struct tlb_sa *a, const char *what, unsigned entries,
		unsigned ways, const struct tlb_repl_ops *repl, uint64_t seed,
		struct sim_error *err)
{
	size_t n;

	memset(a, 0, sizeof(*a));
	/* Real TLBs are not all powers of two (48-entry fully associative
	 * L1s, 1280-entry 5-way L2s): ways may be anything that divides the
	 * entries, as long as the number of sets is a power of two, so the
	 * set index stays a mask of the page number. */
	if (!entries || !ways || ways > entries || entries % ways ||
	    !bits_is_pow2(entries / ways))
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: %u entries in %u ways: ways must divide the entries "
				     "into a power-of-two number of sets", what, entries, ways);
	if (!repl)
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: no replacement policy", what);
	if (repl == &tlb_repl_plru && !bits_is_pow2(ways))
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: tree-PLRU needs a power-of-two number of ways, not %u",
				     what, ways);
	a->sets = entries / ways;
	a->ways = ways;
	a->set_mask = a->sets - 1;
	a->repl = repl;
	n = (size_t)entries;
	a->e = calloc(n, sizeof(*a->e));
	a->repl_state = malloc(repl->state_size(a->sets, ways));
	if (!a->e || !a->repl_state) {
		tlb_sa_destroy(a);
		return sim_error_set(err, SIM_E_NOMEM, "%s: %u entries", what,
				     entries);
	}
	repl->init(a->repl_state, a->sets, ways, seed);
	return 0;
}

void tlb_sa_destroy(struct tlb_sa *a)
{
	if (!a)
		return;
	free(a->e);
	free(a->repl_state);
	a->e = NULL;
	a->repl_state = NULL;
}

struct tlb_entry *tlb_sa_insert(struct tlb_sa *a, const struct tlb_entry *ne,
				enum tlb_sa_placed *placed, unsigned *same_page)
{
	unsigned set = (unsigned)(ne->in_page & a->set_mask);
	struct tlb_entry *s = tlb_sa_set(a, set);
	unsigned way = a->ways, w, twins = 0;
	enum tlb_sa_placed how = TLB_SA_FREE;

	for (w = 0; w < a->ways; w++) {
		if (s[w].in_page == ne->in_page && s[w].tag) {
			if (!((s[w].tag ^ ne->tag) & TLB_TAG_ID_MASK)) {
				way = w;
				how = TLB_SA_REFRESH;
				twins = 0;
				break;
			}
			twins++;
		}
		if (!s[w].tag && way == a->ways)
			way = w;
	}
	if (way == a->ways) {
		way = a->repl->victim(a->repl_state, set);
		how = TLB_SA_EVICT;
		if (s[way].in_page == ne->in_page)
			twins--;        /* the victim was one */
	}
	s[way] = *ne;
	a->repl->fill(a->repl_state, set, way);
	if (placed)
		*placed = how;
	if (same_page)
		*same_page = twins;
	return &s[way];
}

static unsigned invalidate_set(struct tlb_sa *a, uint64_t set,
			       const struct tlb_match *m)
{
	struct tlb_entry *s = tlb_sa_set(a, set);
	unsigned n = 0;

	for (unsigned w = 0; w < a->ways; w++) {
		if (tlb_entry_matches(&s[w], m)) {
			s[w].tag = 0;
			n++;
		}
	}
	return n;
}

unsigned tlb_sa_invalidate(struct tlb_sa *a, uint64_t set,
			   const struct tlb_match *m)
{
	unsigned n = 0;

	if (set != TLB_SA_ALL_SETS)
		return invalidate_set(a, set, m);
	for (unsigned i = 0; i < a->sets; i++)
		n += invalidate_set(a, i, m);
	return n;
}

unsigned tlb_sa_count_valid(const struct tlb_sa *a)
{
	unsigned n = 0;

	for (size_t i = 0; i < (size_t)a->sets * a->ways; i++)
		n += a->e[i].tag != 0;
	return n;
}
