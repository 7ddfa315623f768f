/* sim/ptcache.c - page-table line cache model; see sim/ptcache.h. */
#include "sim/ptcache.h"

#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"

const char *const ptc_counter_names[PTC_C__COUNT] = {
#define X(id, name) [PTC_C_##id] = name,
	PTC_COUNTERS(X)
#undef X
};

int ptc_init(struct ptcache *c, const struct ptc_level_geom *g, unsigned n,
	     unsigned mem_latency, struct sim_error *e)
{
	memset(c, 0, sizeof(*c));
	c->mem_latency = mem_latency;
	if (n > PTC_LEVELS_MAX)
		return sim_error_set(e, SIM_E_CONFIG, "at most %d cache levels", PTC_LEVELS_MAX);
	for (unsigned i = 0; i < n; i++) {
		struct ptc_level *l = &c->lv[i];
		uint64_t lines;

		if (!bits_is_pow2(g[i].line) || !g[i].ways || g[i].size % ((uint64_t)g[i].line * g[i].ways)) {
			ptc_destroy(c);
			return sim_error_set(e, SIM_E_CONFIG,
				"cache level %u: size %llu is not a multiple of line (%u) x ways (%u), "
				"or the line is not a power of two", i + 1,
				(unsigned long long)g[i].size, g[i].line, g[i].ways);
		}
		lines = g[i].size / g[i].line;
		l->ways = g[i].ways;
		l->sets = (unsigned)(lines / g[i].ways);
		l->line_shift = bits_log2(g[i].line);
		l->latency = g[i].latency;
		l->tag = calloc(lines, sizeof(*l->tag));
		l->stamp = calloc(lines, sizeof(*l->stamp));
		c->nlevels = i + 1;
		if (!l->tag || !l->stamp) {
			ptc_destroy(c);
			return sim_error_set(e, SIM_E_NOMEM, "out of memory for the page-table cache model");
		}
	}
	return 0;
}

void ptc_destroy(struct ptcache *c)
{
	for (unsigned i = 0; i < c->nlevels; i++) {
		free(c->lv[i].tag);
		free(c->lv[i].stamp);
	}
	c->nlevels = 0;
}

/* Look @line up in level @l; on a miss, replace the LRU way.  Returns
 * whether it hit. */
static int level_access(struct ptc_level *l, uint64_t line, uint64_t now)
{
	uint64_t set = line % l->sets;
	uint64_t *tag = &l->tag[set * l->ways];
	uint64_t *stamp = &l->stamp[set * l->ways];
	unsigned victim = 0;

	for (unsigned w = 0; w < l->ways; w++) {
		if (tag[w] == line + 1) {
			stamp[w] = now;
			return 1;
		}
		if (stamp[w] < stamp[victim])
			victim = w;
	}
	tag[victim] = line + 1;
	stamp[victim] = now;
	return 0;
}

unsigned ptc_access(struct ptcache *c, uint64_t pa)
{
	unsigned i;

	c->now++;
	for (i = 0; i < c->nlevels; i++) {
		struct ptc_level *l = &c->lv[i];

		l->c[PTC_C_LOOKUP]++;
		if (level_access(l, pa >> l->line_shift, c->now)) {
			l->c[PTC_C_HIT]++;
			break;
		}
	}
	if (i == c->nlevels)
		c->mem_reads++;
	/* Inclusive: a line found at level i (or in memory) is now in every
	 * level above it too; level_access() already allocated it there. */
	return i;
}
