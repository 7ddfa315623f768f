/* sim/cost.c - where every cycle is charged; see sim/cost.h. */
#include "sim/cost.h"

#include <string.h>

const char *const cost_counter_names[COST_C__COUNT] = {
#define X(id, name) [COST_C_##id] = name,
	COST_COUNTERS(X)
#undef X
};

/* Exact buckets of the walk-cycles histogram (one overflow bucket above). */
#define HIST_CYCLES_LIMIT 8192

int cost_init(struct cost *c, const struct cfg_policy *pol, struct sim_error *err)
{
	memset(c, 0, sizeof(*c));
	c->maint_price[COST_TLBI_LOCAL] = pol->tlbi_local_cycles;
	c->maint_price[COST_TLBI_BROADCAST] = pol->tlbi_broadcast_cycles;
	c->maint_price[COST_IPI] = pol->ipi_cycles;
	if (stats_hist_init(&c->h_walk_cycles, HIST_CYCLES_LIMIT))
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	return 0;
}

void cost_destroy(struct cost *c)
{
	stats_hist_free(&c->h_walk_cycles);
}

void cost_tlb_paths(struct cost *c, const struct tlb_hier *h)
{
	for (unsigned side = 0; side < 2; side++) {
		c->tlb_path[side][0] = 0;
		for (unsigned d = 0; d < h->depth[side]; d++)
			c->tlb_path[side][d + 1] = c->tlb_path[side][d] + h->path[side][d]->latency;
	}
}
