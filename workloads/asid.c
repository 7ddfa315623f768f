/*
 * workloads/asid.c - generation-based ASID and VMID allocators (see
 * workloads/asid.h for what is modelled and where it departs from Linux).
 *
 * Representation:
 *  - An id word is (generation << step_bits) | number.  a->gen holds the
 *    current generation already shifted, starting at one step, so an id of
 *    the first generation is never 0 and 0 can mean "never allocated".
 *  - The bitmap has one bit per number; a set bit is taken for the rest of
 *    the generation.  Bits are only cleared at a rollover, when the map
 *    goes back to its initial pattern (all clear, or every odd bit set
 *    under KPTI).  Number 0 is never searched for: searches start at 1.
 *  - Per CPU: active[] is the id the CPU runs (0 after a rollover until
 *    the CPU's next slow-path switch; ASID_ACTIVE_INVALID after a vCPU
 *    put); reserved[] is the id the CPU held at the last rollover;
 *    pending[] says the CPU owes a local flush (ASIDs only).
 *  - The old VMID scheme uses only a->gen and a->cur (the next number).
 */
#include "workloads/asid.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"

const char *const asid_counter_names[ASID_C__COUNT] = {
#define X(id, name) name,
	ASID_COUNTERS(X)
#undef X
};

/* Initial bitmap words: every number free, or every odd one taken. */
#define MAP_ALL_FREE 0
#define MAP_ODD_TAKEN UINT64_C(0xaaaaaaaaaaaaaaaa)

static inline uint64_t id_number(const struct asid_alloc *a, uint64_t id)
{
	return id & a->low_mask;
}

/* Does @id belong to the current generation? */
static inline bool id_gen_current(const struct asid_alloc *a, uint64_t id)
{
	return ((id ^ a->gen) >> a->step_bits) == 0;
}

static inline uint64_t gen_step(const struct asid_alloc *a)
{
	return UINT64_C(1) << a->step_bits;
}

/*
 * The active value of a CPU whose vCPU was put: non-zero, so the CPU's
 * next switch may take the fast path, and number 0, so a rollover reserves
 * nothing for it and no space's id can ever equal it.  One generation
 * step is such a value.
 */
static inline uint64_t active_invalid(const struct asid_alloc *a)
{
	return gen_step(a);
}

static inline bool reserving(const struct asid_alloc *a)
{
	return !a->cfg.old_vmid_scheme;
}

uint64_t asid_usable(const struct asid_alloc *a)
{
	return a->cfg.kpti ? a->num / 2 - 1 : a->num - 1;
}

static void map_reset(struct asid_alloc *a)
{
	uint64_t fill = a->cfg.kpti ? MAP_ODD_TAKEN : MAP_ALL_FREE;

	for (uint64_t w = 0; w < a->num / 64; w++)
		a->map[w] = fill;
}

static inline void map_set(struct asid_alloc *a, uint64_t n)
{
	a->map[n / 64] |= BIT(n % 64);
}

/* Set bit @n; return whether it was already set. */
static inline bool map_test_and_set(struct asid_alloc *a, uint64_t n)
{
	bool was = a->map[n / 64] & BIT(n % 64);

	map_set(a, n);
	return was;
}

/* The first free number at or after @from, or a->num if none is free. */
static uint64_t map_find_free(const struct asid_alloc *a, uint64_t from)
{
	uint64_t nwords = a->num / 64;

	for (uint64_t w = from / 64; w < nwords; w++) {
		uint64_t free_bits = ~a->map[w];

		if (w == from / 64)
			free_bits &= ~UINT64_C(0) << (from % 64);
		if (free_bits)
			return w * 64 + (uint64_t)__builtin_ctzll(free_bits);
	}
	return a->num;
}

int asid_alloc_init(struct asid_alloc *a, const struct asid_alloc_cfg *cfg,
		    struct sim_error *err)
{
	struct asid_alloc_cfg c = *cfg;
	const char *what;

	memset(a, 0, sizeof(*a));
	what = c.kind == ASID_KIND_VMID ? "vmid" : "asid";
	if (c.kind != ASID_KIND_ASID && c.kind != ASID_KIND_VMID)
		return sim_error_set(err, SIM_E_CONFIG,
				     "asid: unknown allocator kind %d",
				     (int)c.kind);
	if (c.bits == 0)
		c.bits = 16;
	if (c.ncpus == 0)
		c.ncpus = 1;
	if (c.gen_step_bits == 0)
		c.gen_step_bits = ASID_GEN_STEP_BITS_DEFAULT;
	if (c.bits != 8 && c.bits != 16)
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: %u bits; must be 8 or 16", what,
				     c.bits);
	if (c.gen_step_bits < c.bits ||
	    c.gen_step_bits > ASID_GEN_STEP_BITS_MAX)
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: generation step of 2^%u; must be 2^%u .. 2^%u",
				     what, c.gen_step_bits, c.bits,
				     ASID_GEN_STEP_BITS_MAX);
	if (c.kpti && c.kind != ASID_KIND_ASID)
		return sim_error_set(err, SIM_E_CONFIG,
				     "vmid: KPTI applies to ASIDs only");
	if (c.old_vmid_scheme && c.kind != ASID_KIND_VMID)
		return sim_error_set(err, SIM_E_CONFIG,
				     "asid: the old counter scheme applies to VMIDs only");
	if (c.ncpus > ASID_MAX_CPUS)
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: %u CPUs; at most %u", what, c.ncpus,
				     ASID_MAX_CPUS);

	a->cfg = c;
	a->num = UINT64_C(1) << c.bits;
	a->low_mask = a->num - 1;
	a->step_bits = c.gen_step_bits;
	a->gen = gen_step(a);          /* generation 1 */
	a->cur = 1;
	/* After a rollover every CPU may hold a reserved number and the
	 * switching space still needs one more. */
	if (reserving(a) && c.ncpus >= asid_usable(a))
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s: %u CPUs need more than the %llu usable numbers",
				     what, c.ncpus,
				     (unsigned long long)asid_usable(a));

	a->map = calloc(a->num / 64, sizeof(*a->map));
	a->active = calloc(c.ncpus, sizeof(*a->active));
	a->reserved = calloc(c.ncpus, sizeof(*a->reserved));
	a->pending = calloc(c.ncpus, sizeof(*a->pending));
	if (!a->map || !a->active || !a->reserved || !a->pending) {
		asid_alloc_destroy(a);
		return sim_error_set(err, SIM_E_NOMEM,
				     "%s: no memory for %u CPUs", what, c.ncpus);
	}
	map_reset(a);
	return 0;
}

void asid_alloc_destroy(struct asid_alloc *a)
{
	if (!a)
		return;
	free(a->map);
	free(a->active);
	free(a->reserved);
	free(a->pending);
	a->map = NULL;
	a->active = NULL;
	a->reserved = NULL;
	a->pending = NULL;
}

/* Could this allocator have handed out @id (0 = never allocated)? */
static bool id_plausible(const struct asid_alloc *a, uint64_t id)
{
	uint64_t n = id_number(a, id);

	if (id == 0)
		return true;
	if (n == 0 || (id & bits_low_mask(a->step_bits)) != n)
		return false;           /* number 0, or bits between B and the step */
	if (a->cfg.kpti && (n & 1))
		return false;
	return (id >> a->step_bits) <= (a->gen >> a->step_bits);
}

/* Is there a next generation that still fits the 64-bit id word? */
static inline bool gen_can_grow(const struct asid_alloc *a)
{
	return (a->gen >> a->step_bits) < (UINT64_MAX >> a->step_bits);
}

static void fill_result(const struct asid_alloc *a, uint64_t id,
			struct asid_switch_result *r)
{
	r->asid = (uint16_t)id_number(a, id);
	r->user_asid = a->cfg.kpti ? (uint16_t)(r->asid | 1) : r->asid;
	r->unmasked = (uint16_t)(id & 0xffff);
	r->generation = id >> a->step_bits;
	r->fast = r->how == ASID_HOW_FAST;
}

static void want_broadcast_flush(struct asid_alloc *a,
				 struct asid_switch_result *r)
{
	r->flush = true;
	r->flush_op = TLBI_ALLE1;
	r->flush_flags = TLBI_F_IS;
	a->st.c[ASID_C_BCAST_FLUSH]++;
}

/*
 * Start a new generation (Linux arch/arm64/mm/context.c, flush_context()): the map goes
 * back to its initial pattern, and each CPU keeps the number it runs (or,
 * if it has not switched since the previous rollover, the one it kept
 * then) reserved.  ASIDs: every CPU now owes a local flush.  VMIDs: one
 * broadcast flush, now.
 */
static void rollover(struct asid_alloc *a, struct asid_switch_result *r)
{
	a->gen += gen_step(a);
	a->st.c[ASID_C_ROLLOVER]++;
	r->rollover = true;
	map_reset(a);
	for (unsigned x = 0; x < a->cfg.ncpus; x++) {
		uint64_t keep = a->active[x];

		a->active[x] = 0;
		if (keep == 0)
			keep = a->reserved[x];
		map_set(a, id_number(a, keep));
		a->reserved[x] = keep;
	}
	if (a->cfg.kind == ASID_KIND_VMID)
		want_broadcast_flush(a, r);
	else
		for (unsigned x = 0; x < a->cfg.ncpus; x++)
			a->pending[x] = true;
}

/*
 * If some CPU reserved @old at the last rollover, that number is still
 * this space's: move every such reservation to @renewed.
 */
static bool renew_reserved(struct asid_alloc *a, uint64_t old, uint64_t renewed)
{
	bool hit = false;

	for (unsigned x = 0; x < a->cfg.ncpus; x++) {
		if (a->reserved[x] == old) {
			a->reserved[x] = renewed;
			hit = true;
		}
	}
	return hit;
}

/*
 * A stale space keeps its old number if a CPU reserved it at the last
 * rollover (the space was running then: every such reservation moves to
 * the current generation), or if nobody has taken it since.
 */
static bool keep_old_number(struct asid_alloc *a, uint64_t old,
			    struct asid_switch_result *r)
{
	uint64_t n = id_number(a, old);

	if (renew_reserved(a, old, a->gen | n))
		r->how = ASID_HOW_REUSE_RESERVED;
	else if (!map_test_and_set(a, n))
		r->how = ASID_HOW_REUSE_FREE;
	else
		return false;
	return true;
}

/*
 * A current-generation id for a space whose id @old is stale (Linux
 * arch/arm64/mm/context.c, new_context()): the old number if it can be kept, else the
 * first free one at or after the cursor, rolling over when there is none.
 */
static int new_id(struct asid_alloc *a, uint64_t old, uint64_t *out,
		  struct asid_switch_result *r)
{
	uint64_t n;

	if (old != 0 && keep_old_number(a, old, r)) {
		a->st.c[ASID_C_REUSE]++;
		*out = a->gen | id_number(a, old);
		return 0;
	}
	n = map_find_free(a, a->cur);
	if (n == a->num) {
		if (!gen_can_grow(a))
			return SIM_E_UNSUPPORTED;
		rollover(a, r);
		n = map_find_free(a, 1);
		assert(n < a->num);     /* more usable numbers than CPUs */
	}
	map_set(a, n);
	a->cur = n;
	a->st.c[ASID_C_ALLOC]++;
	r->how = ASID_HOW_NEW;
	*out = a->gen | n;
	return 0;
}

/*
 * The pre-5.18 KVM scheme (arch/arm64/kvm/arm.c update_vmid() before Linux 5.18): a stale VM takes
 * the next number of a global counter; once the counter has wrapped to 0,
 * the next allocation starts a generation, kicks every vCPU out and
 * flushes every VMID.
 */
static int old_scheme_switch(struct asid_alloc *a, uint64_t *space_id,
			     struct asid_switch_result *r)
{
	if (id_gen_current(a, *space_id)) {
		r->how = ASID_HOW_FAST;
		a->st.c[ASID_C_FAST]++;
		fill_result(a, *space_id, r);
		return 0;
	}
	if (a->cur == 0) {
		if (!gen_can_grow(a))
			return SIM_E_UNSUPPORTED;
		a->gen += gen_step(a);
		a->cur = 1;
		a->st.c[ASID_C_ROLLOVER]++;
		r->rollover = true;
		r->kick_all = true;
		want_broadcast_flush(a, r);
	}
	a->st.c[ASID_C_SLOW]++;
	a->st.c[ASID_C_ALLOC]++;
	r->how = ASID_HOW_NEW;
	*space_id = a->gen | a->cur;
	a->cur = (a->cur + 1) & a->low_mask;
	fill_result(a, *space_id, r);
	return 0;
}

int asid_switch(struct asid_alloc *a, unsigned cpu, uint64_t *space_id,
		struct asid_switch_result *r)
{
	uint64_t id = *space_id;
	int rc;

	if (cpu >= a->cfg.ncpus || !id_plausible(a, id))
		return SIM_E_INVAL;
	memset(r, 0, sizeof(*r));
	if (!reserving(a))
		return old_scheme_switch(a, space_id, r);

	/* Fast path: the CPU has run something since the last rollover and
	 * the space's number is of this generation. */
	if (a->active[cpu] != 0 && id_gen_current(a, id)) {
		a->active[cpu] = id;
		r->how = ASID_HOW_FAST;
		a->st.c[ASID_C_FAST]++;
		fill_result(a, id, r);
		return 0;
	}

	if (id_gen_current(a, id)) {
		r->how = ASID_HOW_CURRENT;
	} else {
		rc = new_id(a, id, &id, r);
		if (rc < 0)
			return rc;
		*space_id = id;
	}
	a->st.c[ASID_C_SLOW]++;
	if (a->pending[cpu]) {
		a->pending[cpu] = false;
		r->flush = true;
		r->flush_op = TLBI_VMALLE1;
		r->flush_flags = 0;
		a->st.c[ASID_C_LOCAL_FLUSH]++;
	}
	a->active[cpu] = id;
	fill_result(a, id, r);
	return 0;
}

int asid_put(struct asid_alloc *a, unsigned cpu)
{
	if (cpu >= a->cfg.ncpus || a->cfg.kind != ASID_KIND_VMID)
		return SIM_E_INVAL;
	if (reserving(a))
		a->active[cpu] = active_invalid(a);
	return 0;
}
