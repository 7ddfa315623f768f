/*
 * sim/cost.h - where every cycle is charged.
 *
 * The models report what happened and the latencies they are configured
 * with; this module alone turns that into cycles and owns the counters of
 * cycles:
 *  - a translation's TLB lookups: the hierarchy says which TLBs of the
 *    path it looked in (tlb_hier_result.looked); each costs its latency
 *    (tlb_cycles);
 *  - a walk (walk_cycles, and the histogram of cycles per walk): each
 *    probe of a walk cache or the stage-2 TLB costs that structure's
 *    latency, hit or miss; each descriptor reference (read, or hardware
 *    update) costs the latency of the page-table line cache level that
 *    held the line, or of memory (load-to-use, not added up the levels);
 *  - TLB maintenance in a workload run (maintenance.cycles): a local TLBI,
 *    a broadcast TLBI and an IPI each cost their [policy] price;
 *  - translation_cycles is the sum of the three.
 * The model assumes that nothing overlaps: every latency is exposed, one
 * walk at a time, and a walk's references are charged one after another.
 *
 * One struct cost per simulation (the counters are run-wide); a walk's
 * cycles accrue in a struct cost_walk of the CPU that walks, from
 * cost_walk_start() to cost_walk_end().  The hot functions are inline.
 */
#ifndef MMUSIM_SIM_COST_H
#define MMUSIM_SIM_COST_H

#include <stdint.h>

#include "mmu/translate.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/ptcache.h"
#include "sim/stats.h"
#include "tlb/hier.h"
#include "tlb/tlb.h"
#include "tlb/walkcache.h"

/* The run-wide cycle counters; registered among the run's own (sim.c). */
#define COST_COUNTERS(X) \
	X(WALK, "walk_cycles") \
	X(TLB, "tlb_cycles")            /* TLB lookup latencies */ \
	X(TRANS, "translation_cycles")  /* tlb_cycles + walk_cycles + maintenance */

enum cost_counter {
#define X(id, name) COST_C_##id,
	COST_COUNTERS(X)
#undef X
	COST_C__COUNT
};

extern const char *const cost_counter_names[COST_C__COUNT];

/* TLB maintenance operations, priced by [policy]. */
enum cost_maint {
	COST_TLBI_LOCAL = 0,            /* tlbi_local_cycles */
	COST_TLBI_BROADCAST,            /* tlbi_broadcast_cycles */
	COST_IPI,                       /* ipi_cycles */
	COST_MAINT__COUNT
};

struct cost {
	uint64_t c[COST_C__COUNT];
	uint64_t maint_cycles;          /* maintenance.cycles */
	struct stats_hist h_walk_cycles;
	unsigned maint_price[COST_MAINT__COUNT];
	/* [side][n]: the latencies of the first n TLBs of side's path */
	unsigned tlb_path[2][TLB_HIER_MAX_DEPTH + 1];
};

/* One walk's cycles as they accrue. */
struct cost_walk {
	unsigned cycles;
};

/**
 * cost_init() - no cycles yet; maintenance priced from @pol.
 * Return: 0 or SIM_E_NOMEM (@err filled).
 */
int cost_init(struct cost *c, const struct cfg_policy *pol, struct sim_error *err);

/* cost_destroy() - free what cost_init() allocated; @c may be zeroed. */
void cost_destroy(struct cost *c);

/* cost_tlb_paths() - the TLB latencies of the hierarchy @h, which every
 * CPU of the simulation has. */
void cost_tlb_paths(struct cost *c, const struct tlb_hier *h);

/* A lookup of @side's path that looked in r->looked TLBs. */
static inline __attribute__((always_inline)) void
cost_tlb_lookup(struct cost *c, enum tlb_side side, const struct tlb_hier_result *r)
{
	unsigned cycles = c->tlb_path[side][r->looked];

	c->c[COST_C_TLB] += cycles;
	c->c[COST_C_TRANS] += cycles;
}

/* @n lookups of @side that the first TLB of its path answered from its
 * last-hit memo without making them (tlb_memo_hits()). */
static inline void cost_tlb_memo_hits(struct cost *c, enum tlb_side side, uint64_t n)
{
	c->c[COST_C_TLB] += n * c->tlb_path[side][1];
	c->c[COST_C_TRANS] += n * c->tlb_path[side][1];
}

static inline void cost_walk_start(struct cost_walk *w)
{
	w->cycles = 0;
}

/* The walk probed the walk cache @wc. */
static inline void cost_walk_wc_probe(struct cost_walk *w, const struct wc *wc)
{
	w->cycles += wc->latency;
}

/* The walk probed the stage-2 TLB @t for a stage-2 translation. */
static inline void cost_walk_s2tlb_probe(struct cost_walk *w, const struct tlb *t)
{
	w->cycles += t->latency;
}

/* The walk's reference @ref was served by level @served of @ptc
 * (ptc_access(); its nlevels: memory). */
static inline void cost_walk_ref(struct cost_walk *w, const struct ptcache *ptc,
				 const struct mmu_ref *ref, unsigned served)
{
	(void)ref;
	w->cycles += ptc_latency(ptc, served);
}

/* The walk is over: charge it. */
static inline void cost_walk_end(struct cost *c, const struct cost_walk *w)
{
	c->c[COST_C_WALK] += w->cycles;
	c->c[COST_C_TRANS] += w->cycles;
	stats_hist_add(&c->h_walk_cycles, w->cycles);
}

/* One TLB maintenance operation of a workload run. */
static inline void cost_maint(struct cost *c, enum cost_maint what)
{
	c->c[COST_C_TRANS] += c->maint_price[what];
	c->maint_cycles += c->maint_price[what];
}

#endif /* MMUSIM_SIM_COST_H */
