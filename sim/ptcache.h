/*
 * sim/ptcache.h - where a page-table walk's memory references are served.
 *
 * Walks mostly hit in the data caches, and neighbouring descriptors share a
 * line, so each descriptor read or update goes through a small model of the
 * cache hierarchy: up to PTC_LEVELS_MAX levels, each set-associative with
 * true LRU and a fixed hit latency (load-to-use, not additive), then main
 * memory.  A miss fills the line into every level (inclusive).  Only
 * page-table references go through it, so it models the share of the caches
 * the walker's lines would hold; data traffic is not simulated.  The model
 * reports which level served a reference; sim/cost.h charges its latency.
 */
#ifndef MMUSIM_SIM_PTCACHE_H
#define MMUSIM_SIM_PTCACHE_H

#include <stdint.h>

#include "sim/err.h"

#define PTC_LEVELS_MAX 4

struct ptc_level_geom {
	uint64_t size;          /* bytes */
	unsigned ways;
	unsigned line;          /* bytes, a power of two */
	unsigned latency;       /* cycles for a hit here */
};

/* Counters of one level (registered as ptcache.NAME.*). */
#define PTC_COUNTERS(X) \
	X(LOOKUP, "lookups")            /* references that reached this level */ \
	X(HIT, "hits")                  /* ... and found their line here */

enum ptc_counter {
#define X(id, name) PTC_C_##id,
	PTC_COUNTERS(X)
#undef X
	PTC_C__COUNT
};

extern const char *const ptc_counter_names[PTC_C__COUNT];

struct ptc_level {
	unsigned sets, ways, line_shift, latency;
	uint64_t *tag;          /* sets * ways; line number + 1, 0 = empty */
	uint64_t *stamp;        /* LRU: last use time */
	uint64_t c[PTC_C__COUNT];
};

struct ptcache {
	unsigned nlevels;
	struct ptc_level lv[PTC_LEVELS_MAX];
	unsigned mem_latency;
	uint64_t now;
	uint64_t mem_reads;     /* references that missed every level */
};

/**
 * ptc_init() - build the model; @n levels (0 = every reference goes to
 * memory).  Return 0, SIM_E_CONFIG (bad geometry, message in @e) or
 * SIM_E_NOMEM.
 */
int ptc_init(struct ptcache *c, const struct ptc_level_geom *g, unsigned n,
	     unsigned mem_latency, struct sim_error *e);
void ptc_destroy(struct ptcache *c);

/**
 * ptc_access() - one reference to @pa.
 * Return: the level that held its line (0 = nearest), or c->nlevels when
 * every level missed and memory served it.
 */
unsigned ptc_access(struct ptcache *c, uint64_t pa);

/* ptc_latency() - the latency configured for level @level (c->nlevels:
 * memory). */
static inline unsigned ptc_latency(const struct ptcache *c, unsigned level)
{
	return level < c->nlevels ? c->lv[level].latency : c->mem_latency;
}

#endif /* MMUSIM_SIM_PTCACHE_H */
