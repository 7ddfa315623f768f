/*
 * tlb/setassoc.h - the set-associative array of tagged entries shared by
 * TLBs (tlb/tlb.h) and walk caches (tlb/walkcache.h).
 *
 * An array has sets x ways entries (sets a power of two; ways == entries is
 * fully associative).  An entry lives in set (in_page mod sets): for a TLB
 * that is the virtual page number of its size modulo the number of sets,
 * for a walk cache the input-address prefix of its level.  Insertion fills
 * the lowest invalid way of the set, else the policy's victim; an entry with
 * the same identity (tag but for the block size) and page is refreshed in
 * place instead of duplicated.
 * The array keeps no counters: its owner counts.
 */
#ifndef MMUSIM_TLB_SETASSOC_H
#define MMUSIM_TLB_SETASSOC_H

#include <stdint.h>

#include "sim/err.h"
#include "tlb/repl.h"
#include "tlb/tlb_key.h"

struct tlb_sa {
	unsigned sets;
	unsigned ways;
	uint64_t set_mask;              /* sets - 1 */
	struct tlb_entry *e;            /* sets * ways, set-major */
	const struct tlb_repl_ops *repl;
	void *repl_state;
};

/* How tlb_sa_insert() placed an entry. */
enum tlb_sa_placed {
	TLB_SA_FREE = 0,        /* into an invalid way */
	TLB_SA_REFRESH,         /* over an entry with the same tag and page */
	TLB_SA_EVICT,           /* over the policy's victim (a valid entry) */
};

/**
 * tlb_sa_init() - allocate an empty array.
 * @a: the array (its previous content is ignored)
 * @what: name used in error messages ("tlb L1D")
 * @entries: total entries, a multiple of @ways
 * @ways: associativity; entries / ways must be a power of two
 * @repl: replacement policy (non-NULL)
 * @seed: seed handed to the policy (used by random only)
 * @err: filled on failure
 *
 * Return: 0, SIM_E_CONFIG for an impossible geometry, SIM_E_NOMEM.
 */
int tlb_sa_init(struct tlb_sa *a, const char *what, unsigned entries,
		unsigned ways, const struct tlb_repl_ops *repl, uint64_t seed,
		struct sim_error *err);

/* tlb_sa_destroy() - free the array's memory; @a may be zeroed or NULL. */
void tlb_sa_destroy(struct tlb_sa *a);

/* tlb_sa_set() - the first way of set (@set mod sets). */
static inline struct tlb_entry *tlb_sa_set(const struct tlb_sa *a, uint64_t set)
{
	return &a->e[(size_t)(set & a->set_mask) * a->ways];
}

/**
 * tlb_sa_probe() - find the first way of set @set matching @m.
 *
 * The ways are compared without early exit, 64 at a time, into a bitmask
 * whose lowest set bit is the answer: which way hits is data-dependent and
 * unpredictable, and a mispredicted loop exit costs more than comparing the
 * remaining ways of a set.  Does not touch the replacement state.
 * Return: the way, or -1 if none matches.
 */
static inline __attribute__((always_inline)) int
tlb_sa_probe(const struct tlb_sa *a, uint64_t set,
			       const struct tlb_match *m)
{
	const struct tlb_entry *s = tlb_sa_set(a, set);

	for (unsigned base = 0; base < a->ways; base += 64) {
		unsigned n = a->ways - base < 64 ? a->ways - base : 64;
		uint64_t hits = 0;

		for (unsigned w = 0; w < n; w++)
			hits |= (uint64_t)tlb_entry_matches(&s[base + w], m) << w;
		if (hits)
			return (int)(base + (unsigned)__builtin_ctzll(hits));
	}
	return -1;
}

/**
 * tlb_sa_insert() - store @ne in set (@ne->in_page mod sets).
 * @a: the array
 * @ne: the new entry (valid tag)
 * @placed: filled with how the entry was placed (may be NULL)
 * @same_page: filled with the number of other valid entries of the set
 *             with @ne's page and another identity, left beside the stored
 *             one (0 for a refresh in place; may be NULL)
 *
 * Calls the policy's fill() for the way used.
 * Return: the stored entry.
 */
struct tlb_entry *tlb_sa_insert(struct tlb_sa *a, const struct tlb_entry *ne,
				enum tlb_sa_placed *placed, unsigned *same_page);

/**
 * tlb_sa_invalidate() - invalidate every entry matching @m.
 * @set: only this set, or TLB_SA_ALL_SETS for the whole array
 *
 * Return: the number of entries invalidated.
 */
#define TLB_SA_ALL_SETS UINT64_MAX
unsigned tlb_sa_invalidate(struct tlb_sa *a, uint64_t set,
			   const struct tlb_match *m);

/* Number of valid entries (tests and dumps; walks the whole array). */
unsigned tlb_sa_count_valid(const struct tlb_sa *a);

#endif /* MMUSIM_TLB_SETASSOC_H */
