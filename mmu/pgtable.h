/*
 * mmu/pgtable.h - builds real VMSAv8-64 translation tables for one stage in
 * simulated physical memory.
 *
 * A struct pgt is one table tree: stage, granule, input size, start level
 * and output size, and the address of its start table(s) (what TTBRn_ELx or
 * VTTBR_EL2 would hold).  pgt_map() writes a leaf (a level-3 page, or a
 * block where the architecture allows one) and every table descriptor on
 * its path, allocating intermediate tables on the way.  The descriptors are
 * the 64-bit words the walker (mmu/walk.h) reads, so a walk of what was
 * built is an end-to-end check of both.
 *
 * Where tables live is the backing's business: table addresses are
 * addresses "as the walker sees them" (PA for native stage 1 and for
 * stage 2, IPA for a guest's stage 1), and struct pgt_backing turns each
 * descriptor address into the PA where struct pmem keeps the word.  The same
 * builder therefore serves host, hypervisor and guest tables.
 */
#ifndef MMUSIM_MMU_PGTABLE_H
#define MMUSIM_MMU_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/pmem.h"
#include "sim/err.h"
#include "sim/types.h"

/*
 * struct pgt_backing - where table memory comes from and where it lives.
 * @alloc:   hand out @size bytes of table memory aligned to @size (a power of
 *           two, at least one granule); @addr is in the table address space.
 *           The memory must read as zero (fresh frames do).
 * @resolve: PA in struct pmem of the 8-byte word at table-space address
 *           @addr; NULL means identity (tables in PA).  Called for every
 *           descriptor read or written, so a table larger than the backing's
 *           own pages (a 64K guest table over 4K stage-2 pages) is handled.
 * Both return 0 or a negative enum sim_err with @err filled.
 */
struct pgt_backing {
	int (*alloc)(void *ctx, uint64_t size, uint64_t *addr, struct sim_error *err);
	int (*resolve)(void *ctx, uint64_t addr, uint64_t *pa, struct sim_error *err);
	void *ctx;
};

/* One stage's geometry, as the system registers would describe it. */
struct pgt_geom {
	enum mmu_stage stage;
	uint8_t granule_shift;          /* 12, 14 or 16 */
	uint8_t ia_bits;                /* stage 1: 25..48; stage 2: 25..PA size */
	int8_t start_level;             /* stage 1: must be geom_s1_start_level() */
	uint8_t oa_bits;                /* output addresses must fit below 2^oa_bits */
	uint8_t pamax;                  /* implemented PA size: block legality, 52-bit OA */
};

/*
 * struct pgt_attrs - leaf attributes, independent of bit positions.  A
 * zero-initialised struct is read/write, executable, global, AF set,
 * AttrIndx 0 (stage 1) and Normal Write-Back memory (stage 2).
 */
struct pgt_attrs {
	bool read_only;         /* S1: AP[2] = 1.  S2: S2AP[1] (write) = 0 */
	bool el0;               /* S1: AP[1] = 1 (EL0 access; RES1, so set it,
				 * in single-privilege regimes such as EL2) */
	bool no_read;           /* S2: S2AP[0] = 0 */
	bool xn;                /* S1: UXN (XN in single-privilege regimes).  S2: XN */
	bool pxn;               /* S1: PXN */
	bool ng;                /* S1: nG (two-privilege regimes only) */
	bool no_af;             /* leave AF clear: first access faults or is
				 * updated by hardware */
	bool dbm;               /* dirty bit modifier */
	bool contiguous;        /* the Contiguous bit: the caller maps the
				 * whole aligned group alike */
	bool device;            /* S2: MemAttr 0b0001 (Device-nGnRE) instead of
				 * 0b1111 (Normal, Inner/Outer Write-Back) */
	uint8_t attr_indx;      /* S1: MAIR_ELx index, 0..7 */
	uint8_t sh;             /* SH[1:0]: PGT_SH_* */
};

#define PGT_SH_NON   0
#define PGT_SH_OUTER 2
#define PGT_SH_INNER 3

/* Normal, Outer Write-Back Cacheable, Inner Write-Back Cacheable (FWB = 0). */
#define PGT_S2_MEMATTR_NORMAL_WB 0xfu
/* Device-nGnRE (FWB = 0). */
#define PGT_S2_MEMATTR_DEVICE    0x1u

struct pgt_stats {
	uint64_t tables;                /* granule-sized tables allocated (a set
					 * of concatenated start tables counts each) */
	uint64_t pages;                 /* level-3 leaves written by pgt_map() */
	uint64_t blocks;                /* block leaves written by pgt_map() */
	uint64_t unmaps;                /* leaves cleared by pgt_unmap() */
	uint64_t reads, writes;         /* descriptor words read / written */
};

/* struct pgt - one table tree.  Fields are read-only for users. */
struct pgt {
	struct pgt_geom g;
	uint64_t root;                  /* start table(s), table address space */
	unsigned root_tables;           /* concatenated start tables (1..16) */
	struct pmem *pm;
	struct pgt_backing back;
	struct pgt_stats st;
};

/* What pgt_lookup() found for an input address. */
struct pgt_leaf {
	bool mapped;
	int8_t level;           /* leaf level; when !mapped, the level of the
				 * invalid descriptor the lookup stopped at */
	uint8_t shift;          /* log2 of the region @level's entry maps */
	uint64_t oa;            /* output address of the input address */
	uint64_t desc;          /* the leaf (or the invalid) descriptor */
	uint64_t desc_addr;     /* its address (table address space) */
};

/**
 * pgt_check_geom() - is @g a geometry pgt_init() accepts?
 *
 * Stage 1 requires the derived start level (AArch64.S1StartLevel) and an
 * input size of 25 to 48 bits; stage 2 requires a start level with an SL0
 * encoding that resolves 1 to s + 4 bits (at most 16 concatenated tables)
 * and an IPA no larger than @g->pamax allows.  The output size must be 32
 * to @g->pamax bits.
 *
 * Return: 0, or SIM_E_CONFIG with the reason in @err.
 */
int pgt_check_geom(const struct pgt_geom *g, struct sim_error *err);

/**
 * pgt_init() - an empty table tree: allocates and clears nothing but the
 * start table(s).
 * @t:    the tree (caller-owned storage)
 * @g:    geometry, checked by pgt_check_geom()
 * @pm:   memory holding the descriptors
 * @back: table allocator and address resolver (copied)
 *
 * The start table(s) take max(2^(r+3), granule) bytes aligned to that size,
 * where r = geom_start_bits(); 2..16 concatenated stage-2 start tables are
 * therefore contiguous and aligned to their total size, as VTTBR_EL2 needs.
 *
 * Return: 0, SIM_E_CONFIG, or the allocator's error.
 */
int pgt_init(struct pgt *t, const struct pgt_geom *g, struct pmem *pm,
	     const struct pgt_backing *back, struct sim_error *err);

/** pgt_leaf_shift() - log2 of the bytes a leaf at @level of @t maps. */
unsigned pgt_leaf_shift(const struct pgt *t, int level);

/**
 * pgt_map() - map [@ia, @ia + 2^shift) to @oa with one leaf at @level.
 * @level: 3 for a page; a lower level for a block, which must be legal for
 *         the granule (geom_block_allowed() with g->pamax) and not above the
 *         start level
 * @attrs: leaf attributes (NULL: zero-initialised defaults)
 *
 * @ia and @oa must be aligned to the leaf size and fit the input and output
 * sizes.  Missing tables on the path are allocated and linked with table
 * descriptors (no table attributes).  Refused, with nothing written: an
 * illegal level, a valid leaf already covering @ia, or a table already
 * present at @level (smaller mappings inside a would-be block).
 *
 * Return: 0; SIM_E_INVAL for the refusals above; allocator, resolver or
 * memory errors otherwise.
 */
int pgt_map(struct pgt *t, uint64_t ia, uint64_t oa, int level,
	    const struct pgt_attrs *attrs, struct sim_error *err);

/**
 * pgt_lookup() - software walk of @t for @ia (no walker, no counting in the
 * walker's statistics; descriptor reads are counted in t->st.reads).
 *
 * Return: 0 with @leaf filled (leaf->mapped false if no valid leaf covers
 * @ia), SIM_E_INVAL for an @ia above the input size, memory errors.
 */
int pgt_lookup(struct pgt *t, uint64_t ia, struct pgt_leaf *leaf, struct sim_error *err);

/**
 * pgt_unmap() - clear the leaf that maps @ia (a whole block if @ia is in
 * one).  Intermediate tables are kept.
 * @old: what was mapped (old->mapped false: nothing was, nothing changed);
 *       may be NULL
 *
 * Return: 0, SIM_E_INVAL for an @ia above the input size, memory errors.
 */
int pgt_unmap(struct pgt *t, uint64_t ia, struct pgt_leaf *old, struct sim_error *err);

/**
 * pgt_set_attrs() - rewrite the attributes of the leaf mapping @ia, keeping
 * its type and output address (e.g. make a page read-only, or clear AF).
 *
 * Return: 0, SIM_E_INVAL when no leaf maps @ia, memory errors.
 */
int pgt_set_attrs(struct pgt *t, uint64_t ia, const struct pgt_attrs *attrs,
		  struct sim_error *err);

/**
 * pgt_update_leaf() - change bits of the leaf mapping @ia in place, as an
 * OS's fault or aging code does (set AF, make a page writable, clear AF):
 * the descriptor becomes (desc & ~@clear) | @set; everything else,
 * hardware-updated bits included, is kept.
 * @old: the leaf before the change (may be NULL)
 *
 * Return: 0, SIM_E_INVAL when no leaf maps @ia or @set/@clear touch the
 * type or address bits, memory errors.
 */
int pgt_update_leaf(struct pgt *t, uint64_t ia, uint64_t set, uint64_t clear,
		    struct pgt_leaf *old, struct sim_error *err);

/**
 * pgt_leaf_desc() - the descriptor pgt_map() writes for a leaf of @t at
 * @level mapping @oa with @attrs (exported for tests and for code that
 * compares descriptors).
 */
uint64_t pgt_leaf_desc(const struct pgt *t, uint64_t oa, int level,
		       const struct pgt_attrs *attrs);

/** pgt_table_desc() - the table descriptor of @t pointing at @next_table. */
uint64_t pgt_table_desc(const struct pgt *t, uint64_t next_table);

#endif /* MMUSIM_MMU_PGTABLE_H */
