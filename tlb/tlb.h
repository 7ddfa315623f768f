/*
 * tlb/tlb.h - one set-associative TLB.
 *
 * What is modelled:
 *  - Geometry: entries and ways (ways divide the entries into a power-of-two
 *    number of sets; ways == entries is fully
 *    associative), the accesses served (instruction, data or both), the page
 *    sizes held, a hit latency in cycles and a replacement policy.
 *  - Held sizes, two organisations:
 *    shared - one array; a lookup probes it once per held size, at set
 *             (va >> size) mod sets, and an entry lives in the set of its
 *             own size;
 *    split  - one sub-array per size, each with its own entries and ways.
 *    A lookup hits any entry that covers the address under the lookup's
 *    context, whatever its size; one lookup counts once however many probes
 *    it makes.  Probes go from the smallest held size up.
 *  - Splintering: a translation of a size the TLB does not hold is stored at
 *    the largest held size not larger than it, as the piece that covers the
 *    accessed address (output address offset accordingly).  A translation
 *    smaller than every held size is not stored.  The size of a combined
 *    stage-1+2 translation (min of the two stages) is the caller's choice.
 *  - Every entry remembers the block it is a piece of (the translation, or
 *    for a combined entry its stage-1 block): a TLBI by address anywhere in
 *    the block removes every piece.
 *  - Allocation on every fill; tlb_fill() does not look for overlapping
 *    entries of another size or context (a caller that fills only after a
 *    miss never creates them), but an entry with the identical tag and page
 *    is refreshed in place.  It does note whether any two valid entries can
 *    match one lookup ("overlap"; the memos below need to know).
 *  - Two memos (off by default, tlb_set_memo()), which answer a lookup the
 *    way the full probe would, without probing, so that counters, hits and
 *    every later victim are the same with them on or off:
 *    last-hit - the previous lookup hit entry E, nothing was filled since
 *             and E is still valid: a lookup with the same context inside
 *             E's page hits E (inside the smallest held page around the
 *             previous address while entries overlap).  The hit() of the
 *             replacement policy is skipped: the policies are touch-
 *             idempotent (tlb/repl.h).
 *    page   - TLB_PAGE_MEMO slots, direct-mapped by the page of the
 *             smallest held size, each remembering that a lookup of that
 *             page and context hit entry E at (array, set, way).  A slot
 *             holds while the TLB's contents are unchanged (every address
 *             of such a page probes the same sets and is covered by the
 *             same entries, so the probe finds the same first match), or,
 *             while no entries overlap, as long as E still matches (E is
 *             then the only match).  A hit through a slot does what the
 *             probe does on a hit: counts, touches E's replacement state,
 *             sets the last-hit memo.  Any policy.
 * Lookups vastly outnumber fills and invalidations; only lookups are inline.
 */
#ifndef MMUSIM_TLB_TLB_H
#define MMUSIM_TLB_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/bits.h"
#include "sim/err.h"
#include "tlb/repl.h"
#include "tlb/setassoc.h"
#include "tlb/tlb_key.h"

#define TLB_MAX_SIZES 8
#define TLB_NAME_MAX 32
#define TLB_MIN_SHIFT 10
#define TLB_MAX_SHIFT 52

/* Which side of the core an access comes from. */
enum tlb_side {
	TLB_SIDE_INSTR = 0,
	TLB_SIDE_DATA = 1,
};

/* Which accesses a TLB serves (a mask of 1 << enum tlb_side). */
enum tlb_serve {
	TLB_SERVE_INSTR = 1,
	TLB_SERVE_DATA = 2,
	TLB_SERVE_UNIFIED = 3,
};

enum tlb_org {
	TLB_ORG_SHARED = 0,
	TLB_ORG_SPLIT = 1,
};

/* A held page size; entries/ways are used by TLB_ORG_SPLIT only. */
struct tlb_size_geom {
	unsigned shift;
	unsigned entries;
	unsigned ways;
};

struct tlb_geom {
	const char *name;               /* "L1D", "L2" (copied) */
	enum tlb_serve serve;
	enum tlb_org org;
	unsigned entries;               /* TLB_ORG_SHARED */
	unsigned ways;                  /* TLB_ORG_SHARED */
	unsigned nsizes;                /* 1..TLB_MAX_SIZES */
	struct tlb_size_geom sizes[TLB_MAX_SIZES];
	unsigned latency;               /* of a lookup, in cycles (the caller charges it) */
	const struct tlb_repl_ops *repl;
	uint64_t seed;                  /* for the random policy */
};

/* Counters of one TLB: the X-macro keeps the enum and the names in sync. */
#define TLB_COUNTERS(X) \
	X(LOOKUP, "lookups") \
	X(HIT, "hits") \
	X(MISS, "misses") \
	X(FILL, "fills") \
	X(EVICT, "evictions") \
	X(INVAL, "invalidations")

enum tlb_counter {
#define X(id, name) TLB_C_##id,
	TLB_COUNTERS(X)
#undef X
	TLB_C__COUNT
};

struct tlb_stats {
	uint64_t c[TLB_C__COUNT];
};

extern const char *const tlb_counter_names[TLB_C__COUNT];

struct tlb_memo {
	const struct tlb_entry *e;      /* NULL: nothing memoised */
	uint64_t ctx;                   /* lookup context of the memoised hit */
	uint64_t base;                  /* input address of the page it answers */
	uint64_t mask;                  /* ~(that page's size - 1) */
};

#define TLB_PAGE_MEMO 64                /* page memo slots, a power of two */

/* One slot of the page memo (see the file comment). */
struct tlb_page_memo {
	const struct tlb_entry *e;      /* NULL: empty */
	uint64_t page;                  /* address >> the smallest held shift */
	uint64_t ctx;                   /* lookup context */
	uint64_t gen;                   /* struct tlb gen when recorded */
	uint32_t set;                   /* where e lives */
	uint16_t way;
	uint8_t arr;
};

struct tlb {
	char name[TLB_NAME_MAX];
	enum tlb_serve serve;
	enum tlb_org org;
	unsigned latency;
	unsigned nsizes;
	uint8_t shift[TLB_MAX_SIZES];   /* held sizes, ascending */
	uint8_t arr_of[TLB_MAX_SIZES];  /* array holding each size */
	unsigned narr;
	struct tlb_sa arr[TLB_MAX_SIZES];
	bool memo_on;                   /* the last-hit memo */
	bool page_memo_on;              /* the page memo */
	bool pieces;                    /* holds entries smaller than their block */
	bool overlap;                   /* two valid entries may match one lookup */
	uint32_t filled;                /* bit i: size shift[i] was ever filled */
	unsigned nvalid;                /* valid entries */
	uint64_t gen;                   /* changes of the contents: fills, and
					 * invalidations that removed entries */
	struct tlb_memo memo;
	struct tlb_stats st;
	struct tlb_page_memo page_memo[TLB_PAGE_MEMO];
};

/* What a walk (or a lower TLB level) produced, to be cached. */
struct tlb_fill {
	uint64_t ctx;           /* tlb_ctx() of the translation, with its global flag */
	uint64_t in_addr;       /* the accessed input address (VA, or IPA for S2) */
	uint64_t out_addr;      /* the address in_addr translates to */
	uint8_t shift;          /* size of the translation, log2 bytes */
	/* Size of the block a TLBI by address must remove whole (the stage-1
	 * block of a combined entry, whose size is min(stage 1, stage 2));
	 * 0 or anything below shift means shift. */
	uint8_t block_shift;
	uint8_t s1_level;
	uint8_t s2_level;
	uint32_t attrs;
};

/**
 * tlb_init() - build an empty TLB.
 * @t: the TLB
 * @g: geometry; validated here (powers of two, distinct sizes in
 *     TLB_MIN_SHIFT..TLB_MAX_SHIFT, a policy, a name shorter than
 *     TLB_NAME_MAX)
 * @err: filled on failure
 *
 * Return: 0, SIM_E_CONFIG or SIM_E_NOMEM.  On failure nothing is left
 * allocated; on success release with tlb_destroy().
 */
int tlb_init(struct tlb *t, const struct tlb_geom *g, struct sim_error *err);

/* tlb_destroy() - free a TLB built by tlb_init(). */
void tlb_destroy(struct tlb *t);

/* tlb_set_memo() - switch the memos on or off (off after init): the page
 * memo for any policy, the last-hit memo for touch-idempotent ones. */
void tlb_set_memo(struct tlb *t, bool on);

static inline bool tlb_serves(const struct tlb *t, enum tlb_side side)
{
	return (t->serve >> side) & 1;
}

/* Out-of-line part of tlb_lookup(); do not call directly. */
const struct tlb_entry *tlb_lookup_slow(struct tlb *t, uint64_t ctx,
					uint64_t addr);

/* The last-hit memo after a hit of @e by (@ctx, @addr); tlb.c's. */
static inline void tlb_memo_set(struct tlb *t, const struct tlb_entry *e, uint64_t ctx,
				uint64_t addr)
{
	t->memo.e = e;
	t->memo.ctx = ctx;
	t->memo.mask = ~bits_low_mask(t->overlap ? t->shift[0] : tlb_tag_shift(e->tag));
	t->memo.base = addr & t->memo.mask;
}

/* The page memo's answer for (@ctx, @addr), counted as a hit, or NULL. */
static inline __attribute__((always_inline)) const struct tlb_entry *
tlb_page_memo_hit(struct tlb *t, uint64_t ctx, uint64_t addr)
{
	uint64_t page = addr >> t->shift[0];
	struct tlb_page_memo *pm = &t->page_memo[page & (TLB_PAGE_MEMO - 1)];
	const struct tlb_sa *a;

	if (!pm->e || pm->page != page || pm->ctx != ctx)
		return NULL;
	if (pm->gen != t->gen) {
		struct tlb_match m;

		/* Changed since: without overlaps, e is the only entry that
		 * can match, so it is the hit while it still matches. */
		tlb_match_lookup(&m, ctx, addr);
		if (t->overlap || !tlb_entry_matches(pm->e, &m)) {
			pm->e = NULL;
			return NULL;
		}
		pm->gen = t->gen;
	}
	t->st.c[TLB_C_LOOKUP]++;
	t->st.c[TLB_C_HIT]++;
	a = &t->arr[pm->arr];
	a->repl->hit(a->repl_state, pm->set, pm->way);
	if (t->memo_on)
		tlb_memo_set(t, pm->e, ctx, addr);
	return pm->e;
}

/**
 * tlb_lookup() - look an address up; counts a lookup and a hit or a miss.
 * @t: the TLB
 * @ctx: tlb_ctx(regime, kind, vmid, asid, false) of the access
 * @addr: VA (IPA for TLB_KIND_S2)
 *
 * On a hit the replacement state is touched.
 * Return: the entry that hit (valid until the next fill or invalidation of
 * @t; translate with tlb_entry_out_addr()), or NULL on a miss.
 */
static inline __attribute__((always_inline)) const struct tlb_entry *
tlb_lookup(struct tlb *t, uint64_t ctx, uint64_t addr)
{
	const struct tlb_memo *mo = &t->memo;

	if (mo->e && mo->ctx == ctx && !((addr ^ mo->base) & mo->mask)) {
		t->st.c[TLB_C_LOOKUP]++;
		t->st.c[TLB_C_HIT]++;
		return mo->e;
	}
	if (t->page_memo_on) {
		const struct tlb_entry *e = tlb_page_memo_hit(t, ctx, addr);

		if (e)
			return e;
	}
	return tlb_lookup_slow(t, ctx, addr);
}

/**
 * tlb_memo_span() - the addresses the last-hit memo answers for @ctx.
 * Return: true with *@base and *@mask set (an address a is answered when
 * !((a ^ *base) & *mask)), or false when the memo is empty or of another
 * context.
 */
static inline bool tlb_memo_span(const struct tlb *t, uint64_t ctx, uint64_t *base,
				 uint64_t *mask)
{
	if (!t->memo.e || t->memo.ctx != ctx)
		return false;
	*base = t->memo.base;
	*mask = t->memo.mask;
	return true;
}

/**
 * tlb_memo_hits() - count @n lookups, each of an address that
 * tlb_memo_span() answers, without making them: what @n tlb_lookup() calls
 * would do (the last-hit memo changes nothing else).
 */
static inline void tlb_memo_hits(struct tlb *t, uint64_t n)
{
	t->st.c[TLB_C_LOOKUP] += n;
	t->st.c[TLB_C_HIT] += n;
}

/**
 * tlb_probe() - like tlb_lookup() but without counting or touching the
 * replacement state (for tests, dumps and inclusion checks).
 */
const struct tlb_entry *tlb_probe(const struct tlb *t, uint64_t ctx,
				  uint64_t addr);

/**
 * tlb_fill() - cache a translation (splintered as the file comment says).
 * @t: the TLB
 * @f: the translation
 *
 * Counts a fill, and an eviction when a valid entry was replaced.
 * Return: 0 when stored, 1 when the translation is smaller than every
 * held size and was not stored (nothing counted).
 */
int tlb_fill(struct tlb *t, const struct tlb_fill *f);

/**
 * tlb_invalidate() - remove every entry selected by @m (a TLBI, see
 * tlb/tlbi.h); counts each removed entry as an invalidation.
 *
 * Return: the number of entries removed.
 */
unsigned tlb_invalidate(struct tlb *t, const struct tlb_match *m);

/* tlb_count_valid() - number of valid entries. */
unsigned tlb_count_valid(const struct tlb *t);

/**
 * tlb_for_each() - call @fn for every valid entry, array by array, set by
 * set, way by way.
 */
void tlb_for_each(const struct tlb *t,
		  void (*fn)(void *arg, const struct tlb_entry *e), void *arg);

#endif /* MMUSIM_TLB_TLB_H */
