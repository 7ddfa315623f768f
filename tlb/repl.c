/*
 * tlb/repl.c - the replacement policies (see tlb/repl.h for the contract).
 *
 * LRU keeps one 64-bit age stamp per way, taken from a counter that every
 * hit or fill in the array advances: a hit is one store, and the victim (the
 * smallest stamp in the set, lowest way on a tie) is searched only on a miss
 * into a full set.  FIFO is the same with stamps written by fills only.
 * Tree-PLRU keeps ways - 1 direction bits per set in heap order; each bit
 * points at the half to evict next, and a touch turns every bit on the path
 * away from the touched way.  Random draws from xorshift64*, seeded through
 * splitmix64 so that any seed (including 0) is usable.
 */
#include "tlb/repl.h"

#include <string.h>

/* ---- LRU and FIFO: age stamps -------------------------------------- */

struct stamp_state {
	unsigned ways;
	uint64_t clock;
	uint64_t stamp[];
};

static size_t stamp_state_size(unsigned sets, unsigned ways)
{
	return sizeof(struct stamp_state) + (size_t)sets * ways * sizeof(uint64_t);
}

static void stamp_init(void *st, unsigned sets, unsigned ways, uint64_t seed)
{
	struct stamp_state *s = st;

	(void)seed;
	s->ways = ways;
	s->clock = 0;
	memset(s->stamp, 0, (size_t)sets * ways * sizeof(uint64_t));
}

static void stamp_touch(void *st, unsigned set, unsigned way)
{
	struct stamp_state *s = st;

	s->stamp[(size_t)set * s->ways + way] = ++s->clock;
}

static void stamp_nop(void *st, unsigned set, unsigned way)
{
	(void)st;
	(void)set;
	(void)way;
}

static unsigned stamp_victim(void *st, unsigned set)
{
	const struct stamp_state *s = st;
	const uint64_t *a = &s->stamp[(size_t)set * s->ways];
	unsigned best = 0;

	for (unsigned w = 1; w < s->ways; w++)
		if (a[w] < a[best])
			best = w;
	return best;
}

const struct tlb_repl_ops tlb_repl_lru = {
	.name = "lru",
	.touch_idempotent = true,
	.state_size = stamp_state_size,
	.init = stamp_init,
	.hit = stamp_touch,
	.fill = stamp_touch,
	.victim = stamp_victim,
};

const struct tlb_repl_ops tlb_repl_fifo = {
	.name = "fifo",
	.touch_idempotent = true,
	.state_size = stamp_state_size,
	.init = stamp_init,
	.hit = stamp_nop,
	.fill = stamp_touch,
	.victim = stamp_victim,
};

/* ---- Tree pseudo-LRU ------------------------------------------------ */

/*
 * Nodes are numbered in heap order from 1 (the root); node n has children
 * 2n and 2n + 1, and way w is the leaf ways + w.  bit[n - 1] = 1 means
 * "evict from the right subtree of n".
 */
struct plru_state {
	unsigned ways;
	uint8_t bit[];
};

static size_t plru_state_size(unsigned sets, unsigned ways)
{
	return sizeof(struct plru_state) + (size_t)sets * (ways ? ways - 1 : 0) + 1;
}

static void plru_init(void *st, unsigned sets, unsigned ways, uint64_t seed)
{
	struct plru_state *s = st;

	(void)seed;
	s->ways = ways;
	memset(s->bit, 0, (size_t)sets * (ways - 1));
}

static void plru_touch(void *st, unsigned set, unsigned way)
{
	struct plru_state *s = st;
	uint8_t *b = &s->bit[(size_t)set * (s->ways - 1)];

	for (unsigned n = s->ways + way; n > 1; n >>= 1)
		b[(n >> 1) - 1] = !(n & 1);     /* came from the left: evict right */
}

static unsigned plru_victim(void *st, unsigned set)
{
	const struct plru_state *s = st;
	const uint8_t *b = &s->bit[(size_t)set * (s->ways - 1)];
	unsigned n = 1;

	while (n < s->ways)
		n = 2 * n + b[n - 1];
	return n - s->ways;
}

const struct tlb_repl_ops tlb_repl_plru = {
	.name = "plru",
	.touch_idempotent = true,
	.state_size = plru_state_size,
	.init = plru_init,
	.hit = plru_touch,
	.fill = plru_touch,
	.victim = plru_victim,
};

/* ---- Seeded random -------------------------------------------------- */

struct rand_state {
	unsigned ways;
	uint64_t x;
};

static size_t rand_state_size(unsigned sets, unsigned ways)
{
	(void)sets;
	(void)ways;
	return sizeof(struct rand_state);
}

static void rand_init(void *st, unsigned sets, unsigned ways, uint64_t seed)
{
	struct rand_state *s = st;
	uint64_t z = seed + UINT64_C(0x9e3779b97f4a7c15);      /* splitmix64 */

	(void)sets;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	s->ways = ways;
	s->x = z ? z : 1;
}

static unsigned rand_victim(void *st, unsigned set)
{
	struct rand_state *s = st;
	uint64_t x = s->x;

	(void)set;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->x = x;
	x = (x * UINT64_C(0x2545f4914f6cdd1d)) >> 32;
	/* The top bits of the product are uniform: mask them for a
	 * power-of-two way count, scale them into range otherwise. */
	if (!(s->ways & (s->ways - 1)))
		return (unsigned)x & (s->ways - 1);
	return (unsigned)((x * s->ways) >> 32);
}

const struct tlb_repl_ops tlb_repl_random = {
	.name = "random",
	.touch_idempotent = true,
	.state_size = rand_state_size,
	.init = rand_init,
	.hit = stamp_nop,
	.fill = stamp_nop,
	.victim = rand_victim,
};

static const struct tlb_repl_ops *const all_policies[] = {
	&tlb_repl_lru, &tlb_repl_plru, &tlb_repl_fifo, &tlb_repl_random,
};

const struct tlb_repl_ops *tlb_repl_find(const char *name)
{
	for (size_t i = 0; i < sizeof(all_policies) / sizeof(all_policies[0]); i++)
		if (strcmp(all_policies[i]->name, name) == 0)
			return all_policies[i];
	return NULL;
}
