/*
 * tlb/walkcache.h - walk caches: caches of intermediate (table) descriptors
 * that let a page-table walk skip the levels it has already resolved.
 *
 * What is modelled (Arm ARM D8.16, intermediate caching):
 *  - Stage 1: an entry is keyed by (regime, VMID, ASID, granule, level L,
 *    input-address prefix ia >> (g + s*(3-L))) where g is the granule shift
 *    and s = g - 3; its value is the address of the level-(L+1) table (an
 *    IPA when stage 2 is on) and the hierarchical table attributes
 *    accumulated down to it.  Walk-cache entries are always non-global:
 *    they carry the ASID of the walk that filled them, whatever the leaf's
 *    nG.
 *  - Stage 2: keyed by (VMID, granule, level, IPA prefix); value the next
 *    table's PA.
 *  - One struct wc may hold entries of both stages (the kind is part of the
 *    tag); a simulator wanting separate structures builds two.
 *  - Entries share the tag format and the match predicate of the TLBs
 *    (tlb/tlb_key.h): an entry of level L is a "page" of size
 *    g + s*(3-L), so TLBI by VA or IPA selects the entries on the path to
 *    the address, and the last-level-only forms (which compare the table
 *    bit) leave them alone.
 *  - The array is the TLBs' set-associative array: set = prefix mod sets,
 *    one replacement policy, entries and ways powers of two.
 *  - wc_lookup() returns the deepest cached level, probing from level 2 up
 *    to the walk's start level, and touches only the entry it returns.
 *    "References saved" is for the caller to compute from the hit level.
 */
#ifndef MMUSIM_TLB_WALKCACHE_H
#define MMUSIM_TLB_WALKCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"
#include "tlb/repl.h"
#include "tlb/setassoc.h"
#include "tlb/tlb_key.h"

#define WC_NAME_MAX 32
#define WC_MIN_LEVEL (-1)       /* 52-bit 4K tables start at level -1 */
#define WC_MAX_LEVEL 2          /* the deepest level that holds tables */

struct wc_geom {
	const char *name;
	unsigned entries;
	unsigned ways;
	unsigned latency;               /* of a lookup, in cycles (the caller charges it) */
	const struct tlb_repl_ops *repl;
	uint64_t seed;
};

/* Counters of one walk cache; hits are per level of the entry that hit. */
#define WC_COUNTERS(X) \
	X(LOOKUP, "lookups") \
	X(HIT_LM1, "hits_lm1") \
	X(HIT_L0, "hits_l0") \
	X(HIT_L1, "hits_l1") \
	X(HIT_L2, "hits_l2") \
	X(MISS, "misses") \
	X(FILL, "fills") \
	X(EVICT, "evictions") \
	X(INVAL, "invalidations")

enum wc_counter {
#define X(id, name) WC_C_##id,
	WC_COUNTERS(X)
#undef X
	WC_C__COUNT
};

struct wc_stats {
	uint64_t c[WC_C__COUNT];
};

extern const char *const wc_counter_names[WC_C__COUNT];

struct wc {
	char name[WC_NAME_MAX];
	unsigned latency;
	struct tlb_sa arr;
	struct wc_stats st;
};

/* What a probe found: the table descriptor read at @level. */
struct wc_hit {
	int level;              /* level of the cached descriptor; resume at level + 1 */
	uint64_t table;         /* address of the level + 1 table */
	uint8_t attrs;          /* accumulated hierarchical attributes */
};

/* One table descriptor of a completed walk, for wc_fill(). */
struct wc_step {
	int level;              /* WC_MIN_LEVEL..WC_MAX_LEVEL */
	uint64_t table;         /* the next-level table it points to */
	uint8_t attrs;          /* accumulated hierarchical attributes */
};

/* wc_ctx_s1() - tag context of stage-1 table entries of a walk. */
static inline uint64_t wc_ctx_s1(enum mmu_regime regime, uint16_t vmid,
				 uint16_t asid)
{
	return tlb_ctx(regime, TLB_KIND_S1, vmid, asid, false) | TLB_TAG_TABLE;
}

/* wc_ctx_s2() - tag context of stage-2 table entries of VMID @vmid. */
static inline uint64_t wc_ctx_s2(uint16_t vmid)
{
	return tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S2, vmid, 0, false) |
		TLB_TAG_TABLE;
}

/* wc_level_shift() - log2 of the region a level-@level entry covers. */
static inline unsigned wc_level_shift(unsigned granule_shift, int level)
{
	return granule_shift + (granule_shift - 3) * (unsigned)(3 - level);
}

/**
 * wc_init() - build an empty walk cache.
 * Return: 0, SIM_E_CONFIG (geometry, name) or SIM_E_NOMEM.
 */
int wc_init(struct wc *w, const struct wc_geom *g, struct sim_error *err);

/* wc_destroy() - free a walk cache built by wc_init(). */
void wc_destroy(struct wc *w);

/**
 * wc_lookup() - the deepest cached table descriptor on the path to @ia.
 * @w: the walk cache
 * @ctx: wc_ctx_s1() or wc_ctx_s2() of the walk
 * @granule_shift: 12, 14 or 16
 * @start_level: the walk's start level; levels above it are not probed
 * @ia: input address of the walk (VA or IPA)
 * @hit: filled on a hit
 *
 * Probes levels WC_MAX_LEVEL, WC_MAX_LEVEL - 1, ..., @start_level and stops
 * at the first hit.  Counts one lookup and a hit at that level or a miss.
 * Return: true on a hit.
 */
bool wc_lookup(struct wc *w, uint64_t ctx, unsigned granule_shift,
	       int start_level, uint64_t ia, struct wc_hit *hit);

/**
 * wc_probe() - whether a level-@level entry for @ia is cached; no counting
 * and no replacement update (tests).
 * Return: the entry or NULL.
 */
const struct tlb_entry *wc_probe(const struct wc *w, uint64_t ctx,
				 unsigned granule_shift, int level, uint64_t ia);

/**
 * wc_fill() - cache the table descriptors of a completed walk.
 * @w: the walk cache
 * @ctx: wc_ctx_s1() or wc_ctx_s2() of the walk
 * @granule_shift: 12, 14 or 16
 * @ia: the walk's input address
 * @steps: the table descriptors read, any order
 * @n: number of steps
 *
 * Counts a fill per entry stored and an eviction per valid entry replaced.
 * Return: 0, or SIM_E_INVAL (nothing stored) for a bad granule or level.
 */
int wc_fill(struct wc *w, uint64_t ctx, unsigned granule_shift, uint64_t ia,
	    const struct wc_step *steps, unsigned n);

/**
 * wc_invalidate() - remove every entry selected by @m (tlb/tlbi.h); counts
 * each as an invalidation.
 * Return: the number removed.
 */
unsigned wc_invalidate(struct wc *w, const struct tlb_match *m);

/* wc_count_valid() - number of valid entries. */
unsigned wc_count_valid(const struct wc *w);

#endif /* MMUSIM_TLB_WALKCACHE_H */
