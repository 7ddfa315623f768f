/*
 * tlb/hier.h - a hierarchy of TLBs (L1 instruction/data, unified L2, ...).
 *
 * What is modelled:
 *  - Any number of TLBs, each naming the TLB its misses go to (next), or
 *    none: then a miss walks.  The first-level TLBs are those no TLB names.
 *    An access from one side (instruction or data) follows a fixed path:
 *    the first-level TLB serving its side, then each next in turn.  Two
 *    first-level TLBs serving the same side, a next that does not serve a
 *    side whose path reaches it, and a loop are configuration errors.
 *  - A lookup tries the path in order and stops at the first hit.  It says
 *    how many TLBs it looked in: up to and including the one that hit, or
 *    all of them on a miss ("walk needed"); the caller prices them.
 *  - A hit below the first level fills every TLB above it on the path with
 *    the entry found (each splintering it to its own held sizes).
 *  - After the walk the caller fills the whole path (tlb_hier_fill()).
 *  - The levels are neither inclusive nor exclusive: an eviction at one
 *    level never touches another.  Invalidations apply to every TLB.
 *  - The optional memos (config.memo) are the per-TLB memos of tlb/tlb.h
 *    switched on for the first-level TLBs: a hit-dominated trace then
 *    costs a few compares per access, with identical statistics.
 *  - No allocation happens after tlb_hier_init().
 */
#ifndef MMUSIM_TLB_HIER_H
#define MMUSIM_TLB_HIER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"
#include "tlb/tlb.h"
#include "tlb/tlb_key.h"

#define TLB_HIER_MAX_TLBS 16
#define TLB_HIER_MAX_DEPTH 8

#define TLB_HIER_WALK (-1)        /* tlb_hier_tlb.next: a miss walks */

struct tlb_hier_tlb {
	struct tlb_geom geom;
	int next;                       /* index in tlbs of where a miss goes,
					 * or TLB_HIER_WALK */
};

struct tlb_hier_config {
	unsigned ntlbs;
	const struct tlb_hier_tlb *tlbs;
	bool memo;                      /* last-hit memo on the first level */
};

struct tlb_hier {
	unsigned ntlbs;
	struct tlb *tlb;                /* ntlbs TLBs, in configuration order */
	unsigned depth[2];              /* path length per enum tlb_side */
	struct tlb *path[2][TLB_HIER_MAX_DEPTH];
};

/* What a hierarchy lookup found. */
struct tlb_hier_result {
	const struct tlb_entry *entry;  /* entry that hit, in the TLB that hit */
	struct tlb *tlb;                /* the TLB that hit, NULL on a miss */
	int depth;                      /* its position on the path (0 = first), -1 on a miss */
	unsigned looked;                /* TLBs of the path looked in: depth + 1,
					 * or the whole path on a miss */
	uint64_t out_addr;              /* translation of the address, on a hit */
};

/**
 * tlb_hier_init() - build the TLBs of a hierarchy.
 * Return: 0, SIM_E_CONFIG (a TLB's geometry, no TLB, two first-level TLBs
 * of one side, a side without one, a next out of range or not serving the
 * side, a loop, too many TLBs or levels) or SIM_E_NOMEM.
 */
int tlb_hier_init(struct tlb_hier *h, const struct tlb_hier_config *c,
		  struct sim_error *err);

/* tlb_hier_destroy() - free the TLBs. */
void tlb_hier_destroy(struct tlb_hier *h);

/* Out-of-line part of tlb_hier_lookup(), after a first-level miss. */
bool tlb_hier_lookup_below(struct tlb_hier *h, enum tlb_side side,
			   uint64_t ctx, uint64_t addr,
			   struct tlb_hier_result *r);

/**
 * tlb_hier_lookup() - look an access up along its side's path.
 * @h: the hierarchy
 * @side: instruction or data
 * @ctx: tlb_ctx(regime, kind, vmid, asid, false) of the access
 * @addr: VA (IPA for stage-2-only lookups)
 * @r: filled in (depth and looked always)
 *
 * Return: true on a hit; false means "walk needed", after which the caller
 * calls tlb_hier_fill().
 */
static inline __attribute__((always_inline)) bool
tlb_hier_lookup(struct tlb_hier *h, enum tlb_side side, uint64_t ctx, uint64_t addr,
		struct tlb_hier_result *r)
{
	struct tlb *t;
	const struct tlb_entry *e;

	if (!h->depth[side]) {
		r->entry = NULL;
		r->tlb = NULL;
		r->depth = -1;
		r->looked = 0;
		return false;
	}
	t = h->path[side][0];
	e = tlb_lookup(t, ctx, addr);
	if (e) {
		r->entry = e;
		r->tlb = t;
		r->depth = 0;
		r->looked = 1;
		r->out_addr = tlb_entry_out_addr(e, addr);
		return true;
	}
	return tlb_hier_lookup_below(h, side, ctx, addr, r);
}

/**
 * tlb_hier_fill() - after a walk, fill every TLB on @side's path.
 * Return: the number of TLBs that stored the translation.
 */
unsigned tlb_hier_fill(struct tlb_hier *h, enum tlb_side side,
		       const struct tlb_fill *f);

/**
 * tlb_hier_invalidate() - apply a TLBI selection to every TLB.
 * Return: the number of entries removed.
 */
unsigned tlb_hier_invalidate(struct tlb_hier *h, const struct tlb_match *m);

/* tlb_hier_first() - the first TLB of @side's path, or NULL. */
static inline struct tlb *tlb_hier_first(const struct tlb_hier *h, enum tlb_side side)
{
	return h->depth[side] ? h->path[side][0] : NULL;
}

/* tlb_hier_set_memo() - switch the first-level memos on or off. */
void tlb_hier_set_memo(struct tlb_hier *h, bool on);

/* tlb_hier_find() - a TLB by name, or NULL. */
struct tlb *tlb_hier_find(struct tlb_hier *h, const char *name);

#endif /* MMUSIM_TLB_HIER_H */
