/*
 * mmu/pmem.h - sparse simulated physical memory and physical frame
 * allocators.
 *
 * struct pmem holds the 64-bit words the walker reads: the descriptors of
 * every translation table the simulator builds.  Only memory that was written
 * with a non-zero value exists; it is kept in 4 KiB chunks found through an
 * open-addressing hash keyed by the 4 KiB frame number, so the footprint
 * follows the number of table frames touched, not the size of the address
 * space.  Memory that was never written reads as zero.  Data pages are never
 * stored: the simulator follows addresses, not contents.
 *
 * struct pmem_falloc is a deterministic frame allocator for one physical
 * (or guest-physical) address space, packed or fragmented.  Frames it
 * hands out need no backing in struct pmem until something is written
 * into them.
 */
#ifndef MMUSIM_MMU_PMEM_H
#define MMUSIM_MMU_PMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/walk.h"
#include "sim/err.h"

#define PMEM_CHUNK_SHIFT 12             /* storage unit: one 4 KiB frame */
#define PMEM_PA_BITS     52             /* largest physical address held */

struct pmem_slot {
	uint64_t key;                   /* frame number + 1; 0 = empty slot */
	uint64_t *chunk;                /* 512 words */
};

struct pmem_stats {
	uint64_t reads;                 /* 64-bit reads, backed or not */
	uint64_t writes;                /* 64-bit writes */
	uint64_t chunks;                /* 4 KiB frames holding data */
};

/*
 * struct pmem - sparse physical memory.  Initialise with pmem_init(); all
 * fields are private to mmu/pmem.c except st (counters) and err (the
 * message behind the last negative return of pmem_read64/pmem_write64).
 */
struct pmem {
	struct pmem_slot *slots;        /* open addressing, linear probing */
	size_t cap;                     /* slots, a power of two */
	unsigned hash_shift;            /* 64 - log2(cap) */
	uint64_t **slabs;               /* chunk storage, PMEM_SLAB_CHUNKS each */
	size_t nslabs, slabs_cap;
	unsigned slab_left;             /* unused chunks in the newest slab */
	uint64_t memo_frame;            /* last chunk used: frame and words */
	uint64_t *memo_chunk;           /* NULL when the memo is empty */
	struct pmem_stats st;
	struct sim_error err;
};

/**
 * pmem_init() - make an empty memory.
 * @pm:  the memory to initialise (caller-owned storage)
 * @err: filled on failure; may be NULL
 *
 * Return: 0, or SIM_E_NOMEM.  pmem_destroy() releases what it allocated.
 */
int pmem_init(struct pmem *pm, struct sim_error *err);

/** pmem_destroy() - free every chunk and the hash; @pm may then be reused
 * through pmem_init(). */
void pmem_destroy(struct pmem *pm);

/**
 * pmem_read64() - read the 64-bit word at @pa (struct mmu_mem read callback).
 * @ctx: the struct pmem
 * @pa:  8-byte-aligned physical address below 2^PMEM_PA_BITS
 * @val: the word; zero for memory never written
 *
 * Return: 0, or SIM_E_INVAL for a misaligned or out-of-range address (the
 * reason is in pm->err).  Counts one read either way.
 */
int pmem_read64(void *ctx, uint64_t pa, uint64_t *val);

/**
 * pmem_write64() - write the 64-bit word at @pa (struct mmu_mem write
 * callback).  Writing zero to a frame that holds nothing allocates nothing.
 *
 * Return: 0, SIM_E_INVAL (bad address) or SIM_E_NOMEM; see pm->err.
 */
int pmem_write64(void *ctx, uint64_t pa, uint64_t val);

/** pmem_mem() - the struct mmu_mem that reads and writes @pm. */
struct mmu_mem pmem_mem(struct pmem *pm);

/** pmem_bytes() - host bytes @pm currently holds (hash, slabs, slab list):
 * the figure that must grow with the touched frames only. */
size_t pmem_bytes(const struct pmem *pm);

/*
 * struct pmem_falloc - a deterministic frame allocator over [base, limit).
 *
 * pmem_falloc_alloc() serves what must be had: allocations aligned to at
 * most small_align are carved upwards from lo (pages and tables of one
 * granule pack without gaps); larger alignments downwards from hi, so a
 * 2 MiB block does not leave a hole in the page area.
 *
 * pmem_falloc_try() asks for a free run: physically contiguous, aligned
 * memory for a block or a contiguous group of pages, which a running
 * system may not have.  A request of at least the run size (the caller's
 * block size) looks at one candidate, the next size-aligned range below
 * hi, and finds it free with the probability the caller gives (a seeded
 * hash of its address); a candidate found in use is skipped and the
 * request fails, so the caller falls back to smaller mappings.  A request
 * smaller than a run is carved, upwards, from the last free run found (a
 * buddy allocator splits a huge block for smaller orders), and takes a new
 * candidate run when that one is used up.
 *
 * Fragmented memory (pmem_falloc_fragment() with scatter): single pages (a
 * request of at most one unit) no longer pack: they come from the
 * fragmented part of free memory, units upwards from lo, each free with
 * probability 1/2 (a seeded hash), the others taken to be in use by the
 * rest of the system; consecutive pages are then rarely contiguous.
 * Nothing is ever freed.
 */
struct pmem_falloc {
	uint64_t base, limit;
	uint64_t lo, hi;                /* next free byte upwards / end downwards */
	uint64_t small_align;
	uint64_t bytes;                 /* handed out, excluding padding */
	uint64_t allocs;
	uint64_t seed;                  /* of every seeded choice */
	uint8_t unit_shift;             /* a page of the scattered part */
	uint8_t run_shift;              /* 0: no runs configured */
	bool scatter;                   /* single pages from fragmented memory */
	uint64_t carve, carve_end;      /* the free run being split */
	uint64_t tries, misses;         /* pmem_falloc_try() calls, and those
					 * that found no free run */
};

/**
 * pmem_falloc_init() - an allocator for [@base, @limit).
 * @small_align: largest alignment served from the low end (a power of
 *               two, normally the granule)
 *
 * Return: 0, or SIM_E_INVAL when the range is empty or @small_align is not a
 * power of two.
 */
int pmem_falloc_init(struct pmem_falloc *fa, uint64_t base, uint64_t limit,
		     uint64_t small_align, struct sim_error *err);

/**
 * pmem_falloc_fragment() - configure free runs and fragmentation.
 * @unit_shift: log2 of a page of the scattered part (the granule)
 * @run_shift:  log2 of a free run (the block size of the granule)
 * @scatter:    single pages come from fragmented memory
 * @seed:       of the hashes that say which memory is free
 *
 * Return: 0, or SIM_E_INVAL for a unit outside 4K..64K or a run not
 * larger than a unit.
 */
int pmem_falloc_fragment(struct pmem_falloc *fa, unsigned unit_shift, unsigned run_shift,
			 bool scatter, uint64_t seed, struct sim_error *err);

/**
 * pmem_falloc_alloc() - hand out @size bytes aligned to @align (both powers
 * of two, @size >= @align is not required).
 * @addr: the first byte of the allocation
 *
 * Return: 0, SIM_E_INVAL for a bad size or alignment, SIM_E_NOMEM when the
 * range is exhausted (the message names the range).
 */
int pmem_falloc_alloc(struct pmem_falloc *fa, uint64_t size, uint64_t align,
		      uint64_t *addr, struct sim_error *err);

/**
 * pmem_falloc_try() - a free run of @size bytes aligned to @size (a power
 * of two larger than a unit), found with probability @fraction (0..1; 1:
 * always; 0: never, and no candidate is used up) as struct pmem_falloc
 * describes.
 *
 * Return: 0 with *@addr set; 1 when no free run was found; SIM_E_INVAL
 * (bad size, or no runs configured for a request smaller than a run),
 * SIM_E_NOMEM when the range is exhausted.
 */
int pmem_falloc_try(struct pmem_falloc *fa, uint64_t size, double fraction, uint64_t *addr,
		    struct sim_error *err);

#endif /* MMUSIM_MMU_PMEM_H */
