/*
 * mmu/pmem.c - sparse simulated physical memory and frame allocators.
 *
 * Semantic choices:
 *  - Storage unit is a 4 KiB chunk whatever the granule: a 64 KiB table that
 *    uses few entries costs only the 4 KiB chunks written.
 *  - Unwritten memory reads as zero (an invalid descriptor); writing zero
 *    into an absent chunk is a no-op, so clearing descriptors never grows
 *    memory.  Chunks are never released before pmem_destroy().
 *  - Chunks come from slabs of PMEM_SLAB_CHUNKS; the hash (linear probing,
 *    Fibonacci hashing of the frame number) doubles at 3/4 load.
 *  - A one-entry memo of the last chunk used serves the consecutive reads
 *    of one walk in the same table frame without probing the hash.
 *  - Out-of-range or misaligned addresses are errors (SIM_E_INVAL), never
 *    silently truncated: they mean a bug in whoever built the address.
 *  - The frame allocator's "free" and "in use" are hashes of the seed and
 *    the address, never state: a run of the same configuration and inputs
 *    always gets the same frames.  A free-run request examines exactly one
 *    candidate, so the share of requests served follows the fraction the
 *    caller gives whatever the footprint; candidates found in use, and the
 *    units of fragmented memory in use, are simply never handed out.
 */
#include "mmu/pmem.h"

#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"

#define PMEM_CHUNK_WORDS  (1u << (PMEM_CHUNK_SHIFT - 3))
#define PMEM_SLAB_CHUNKS  64u
#define PMEM_MIN_CAP_LOG2 10u
#define PMEM_HASH_MUL     UINT64_C(0x9e3779b97f4a7c15)

static size_t hash_index(const struct pmem *pm, uint64_t key)
{
	return (size_t)((key * PMEM_HASH_MUL) >> pm->hash_shift);
}

static int alloc_slots(struct pmem *pm, unsigned log2cap, struct sim_error *err)
{
	size_t cap = (size_t)1 << log2cap;
	struct pmem_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return sim_error_set(err, SIM_E_NOMEM,
				     "pmem: cannot allocate a hash of %zu slots", cap);
	pm->slots = slots;
	pm->cap = cap;
	pm->hash_shift = 64 - log2cap;
	return 0;
}

int pmem_init(struct pmem *pm, struct sim_error *err)
{
	memset(pm, 0, sizeof(*pm));
	pm->memo_frame = UINT64_MAX;
	return alloc_slots(pm, PMEM_MIN_CAP_LOG2, err);
}

void pmem_destroy(struct pmem *pm)
{
	for (size_t i = 0; i < pm->nslabs; i++)
		free(pm->slabs[i]);
	free(pm->slabs);
	free(pm->slots);
	memset(pm, 0, sizeof(*pm));
	pm->memo_frame = UINT64_MAX;
}

/* The chunk of @frame, or NULL when nothing was ever written there. */
static uint64_t *find_chunk(struct pmem *pm, uint64_t frame)
{
	uint64_t key = frame + 1;
	size_t mask = pm->cap - 1;

	if (frame == pm->memo_frame)
		return pm->memo_chunk;
	for (size_t i = hash_index(pm, key);; i = (i + 1) & mask) {
		if (pm->slots[i].key == key) {
			pm->memo_frame = frame;
			pm->memo_chunk = pm->slots[i].chunk;
			return pm->memo_chunk;
		}
		if (!pm->slots[i].key)
			return NULL;
	}
}

static void insert_slot(struct pmem *pm, uint64_t key, uint64_t *chunk)
{
	size_t mask = pm->cap - 1;
	size_t i = hash_index(pm, key);

	while (pm->slots[i].key)
		i = (i + 1) & mask;
	pm->slots[i].key = key;
	pm->slots[i].chunk = chunk;
}

static int grow_hash(struct pmem *pm)
{
	struct pmem_slot *old = pm->slots;
	size_t old_cap = pm->cap;
	unsigned log2cap = bits_log2(old_cap) + 1;
	int rc = alloc_slots(pm, log2cap, &pm->err);

	if (rc) {
		pm->slots = old;
		return rc;
	}
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key)
			insert_slot(pm, old[i].key, old[i].chunk);
	free(old);
	return 0;
}

static uint64_t *new_chunk(struct pmem *pm)
{
	uint64_t *slab;

	if (!pm->slab_left) {
		if (pm->nslabs == pm->slabs_cap) {
			size_t ncap = pm->slabs_cap ? pm->slabs_cap * 2 : 16;
			uint64_t **ns = realloc(pm->slabs, ncap * sizeof(*ns));

			if (!ns)
				return NULL;
			pm->slabs = ns;
			pm->slabs_cap = ncap;
		}
		slab = calloc(PMEM_SLAB_CHUNKS, (size_t)PMEM_CHUNK_WORDS * sizeof(uint64_t));
		if (!slab)
			return NULL;
		pm->slabs[pm->nslabs++] = slab;
		pm->slab_left = PMEM_SLAB_CHUNKS;
	}
	slab = pm->slabs[pm->nslabs - 1];
	return slab + (size_t)(PMEM_SLAB_CHUNKS - pm->slab_left--) * PMEM_CHUNK_WORDS;
}

static int check_pa(struct pmem *pm, uint64_t pa, const char *what)
{
	if (pa & 7)
		return sim_error_set(&pm->err, SIM_E_INVAL,
				     "pmem: %s at 0x%llx: not 8-byte aligned", what,
				     (unsigned long long)pa);
	if (pa >> PMEM_PA_BITS)
		return sim_error_set(&pm->err, SIM_E_INVAL,
				     "pmem: %s at 0x%llx: above the %u-bit physical space",
				     what, (unsigned long long)pa, PMEM_PA_BITS);
	return 0;
}

int pmem_read64(void *ctx, uint64_t pa, uint64_t *val)
{
	struct pmem *pm = ctx;
	uint64_t *chunk;
	int rc;

	pm->st.reads++;
	rc = check_pa(pm, pa, "read");
	if (rc)
		return rc;
	chunk = find_chunk(pm, pa >> PMEM_CHUNK_SHIFT);
	*val = chunk ? chunk[(pa & bits_low_mask(PMEM_CHUNK_SHIFT)) >> 3] : 0;
	return 0;
}

int pmem_write64(void *ctx, uint64_t pa, uint64_t val)
{
	struct pmem *pm = ctx;
	uint64_t frame = pa >> PMEM_CHUNK_SHIFT;
	uint64_t *chunk;
	int rc;

	pm->st.writes++;
	rc = check_pa(pm, pa, "write");
	if (rc)
		return rc;
	chunk = find_chunk(pm, frame);
	if (!chunk) {
		if (!val)
			return 0;
		if ((pm->st.chunks + 1) * 4 > (uint64_t)pm->cap * 3) {
			rc = grow_hash(pm);
			if (rc)
				return rc;
		}
		chunk = new_chunk(pm);
		if (!chunk)
			return sim_error_set(&pm->err, SIM_E_NOMEM,
					     "pmem: no memory for chunk %llu",
					     (unsigned long long)pm->st.chunks + 1);
		insert_slot(pm, frame + 1, chunk);
		pm->st.chunks++;
		pm->memo_frame = frame;
		pm->memo_chunk = chunk;
	}
	chunk[(pa & bits_low_mask(PMEM_CHUNK_SHIFT)) >> 3] = val;
	return 0;
}

struct mmu_mem pmem_mem(struct pmem *pm)
{
	return (struct mmu_mem){ .read = pmem_read64, .write = pmem_write64, .ctx = pm };
}

size_t pmem_bytes(const struct pmem *pm)
{
	return pm->cap * sizeof(*pm->slots)
	       + pm->slabs_cap * sizeof(*pm->slabs)
	       + pm->nslabs * (size_t)PMEM_SLAB_CHUNKS * PMEM_CHUNK_WORDS * sizeof(uint64_t);
}

int pmem_falloc_init(struct pmem_falloc *fa, uint64_t base, uint64_t limit,
		     uint64_t small_align, struct sim_error *err)
{
	memset(fa, 0, sizeof(*fa));
	if (limit <= base)
		return sim_error_set(err, SIM_E_INVAL,
				     "frame allocator: empty range [0x%llx, 0x%llx)",
				     (unsigned long long)base, (unsigned long long)limit);
	if (!bits_is_pow2(small_align))
		return sim_error_set(err, SIM_E_INVAL,
				     "frame allocator: alignment 0x%llx is not a power of two",
				     (unsigned long long)small_align);
	fa->base = fa->lo = base;
	fa->limit = fa->hi = limit;
	fa->small_align = small_align;
	return 0;
}

int pmem_falloc_fragment(struct pmem_falloc *fa, unsigned unit_shift, unsigned run_shift,
			 bool scatter, uint64_t seed, struct sim_error *err)
{
	if (unit_shift < 12 || unit_shift > 16 || run_shift <= unit_shift || run_shift > 48)
		return sim_error_set(err, SIM_E_INVAL,
				     "frame allocator: page 2^%u or free run 2^%u out of range",
				     unit_shift, run_shift);
	fa->unit_shift = (uint8_t)unit_shift;
	fa->run_shift = (uint8_t)run_shift;
	fa->scatter = scatter;
	fa->seed = seed;
	return 0;
}

static int falloc_full(const struct pmem_falloc *fa, uint64_t size, uint64_t align,
		       struct sim_error *err)
{
	return sim_error_set(err, SIM_E_NOMEM,
			     "frame allocator [0x%llx, 0x%llx) exhausted: 0x%llx bytes "
			     "aligned to 0x%llx do not fit (0x%llx bytes handed out)",
			     (unsigned long long)fa->base, (unsigned long long)fa->limit,
			     (unsigned long long)size, (unsigned long long)align,
			     (unsigned long long)fa->bytes);
}

/* Is the unit at @addr free in fragmented memory?  Half of them are. */
static bool unit_free(const struct pmem_falloc *fa, uint64_t addr)
{
	return bits_mix64(fa->seed ^ (addr >> fa->unit_shift) * PMEM_HASH_MUL) & 1;
}

/* A single page from fragmented memory: the next free unit at or above lo. */
static int scattered_page(struct pmem_falloc *fa, uint64_t size, uint64_t *addr,
			  struct sim_error *err)
{
	uint64_t unit = BIT(fa->unit_shift);
	uint64_t a = (fa->lo + unit - 1) & ~(unit - 1);

	for (; a >= fa->lo && a <= fa->hi && fa->hi - a >= unit; a += unit) {
		if (!unit_free(fa, a))
			continue;
		fa->lo = a + unit;
		fa->bytes += size;
		fa->allocs++;
		*addr = a;
		return 0;
	}
	return falloc_full(fa, size, unit, err);
}

int pmem_falloc_alloc(struct pmem_falloc *fa, uint64_t size, uint64_t align,
		      uint64_t *addr, struct sim_error *err)
{
	uint64_t a;

	if (!size || !bits_is_pow2(align))
		return sim_error_set(err, SIM_E_INVAL,
				     "frame allocator: bad request of 0x%llx bytes aligned to 0x%llx",
				     (unsigned long long)size, (unsigned long long)align);
	if (fa->scatter && size <= BIT(fa->unit_shift) && align <= BIT(fa->unit_shift))
		return scattered_page(fa, size, addr, err);
	if (align <= fa->small_align) {
		a = (fa->lo + align - 1) & ~(align - 1);
		if (a < fa->lo || a > fa->hi || fa->hi - a < size)
			return falloc_full(fa, size, align, err);
		fa->lo = a + size;
	} else {
		if (fa->hi - fa->lo < size)
			return falloc_full(fa, size, align, err);
		a = (fa->hi - size) & ~(align - 1);
		if (a < fa->lo)
			return falloc_full(fa, size, align, err);
		fa->hi = a;
	}
	fa->bytes += size;
	fa->allocs++;
	*addr = a;
	return 0;
}

/* The next candidate run of @size below hi: 0 with *@addr when it is free
 * (with probability @fraction), 1 when it is in use (skipped). */
static int next_run(struct pmem_falloc *fa, uint64_t size, double fraction, uint64_t *addr,
		    struct sim_error *err)
{
	uint64_t a;

	if (fa->hi - fa->lo < size || (a = (fa->hi - size) & ~(size - 1)) < fa->lo)
		return falloc_full(fa, size, size, err);
	fa->hi = a;
	if (fraction < 1.0) {
		uint64_t h = bits_mix64(fa->seed ^ bits_mix64(a + size));

		if (!((double)(h >> 11) * 0x1p-53 < fraction))
			return 1;
	}
	*addr = a;
	return 0;
}

int pmem_falloc_try(struct pmem_falloc *fa, uint64_t size, double fraction, uint64_t *addr,
		    struct sim_error *err)
{
	uint64_t run = fa->run_shift ? BIT(fa->run_shift) : 0, a;
	int rc;

	if (!bits_is_pow2(size))
		return sim_error_set(err, SIM_E_INVAL,
				     "frame allocator: bad free-run request of 0x%llx bytes",
				     (unsigned long long)size);
	fa->tries++;
	if (fraction <= 0.0) {          /* no free run anywhere */
		fa->misses++;
		return 1;
	}
	if (!run || size >= run) {
		rc = next_run(fa, size, fraction, &a, err);
	} else {
		a = (fa->carve + size - 1) & ~(size - 1);
		rc = 0;
		if (!fa->carve_end || a < fa->carve || a + size > fa->carve_end) {
			rc = next_run(fa, run, fraction, &a, err);
			if (!rc) {
				fa->carve = a;
				fa->carve_end = a + run;
			}
		}
		if (!rc)
			fa->carve = a + size;
	}
	if (rc == 1)
		fa->misses++;
	if (rc)
		return rc;
	fa->bytes += size;
	fa->allocs++;
	*addr = a;
	return 0;
}
