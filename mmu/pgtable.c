/*
 * mmu/pgtable.c - the translation-table builder; see mmu/pgtable.h.
 *
 * Models the part of an OS or hypervisor that writes page tables, not the
 * hardware.  Semantic choices:
 *  - Descriptors are the VMSAv8-64 64-bit format without LPA2: table
 *    descriptors carry no table attributes (APTable, XNTable, PXNTable = 0);
 *    a 64K tree with a 52-bit output size places OA[51:48] in bits [15:12].
 *  - A start table smaller than a granule still takes a whole granule frame
 *    (aligned to it), as operating systems allocate; concatenated stage-2
 *    start tables take their exact total size, aligned to it.
 *  - pgt_map() never replaces a valid descriptor: remapping or splitting a
 *    block is the caller's job (pgt_unmap() first).  Refusals are detected
 *    before anything is written, so a refused map leaves memory unchanged.
 *  - pgt_unmap() keeps now-empty tables (Linux frees them lazily, too); no
 *    break-before-make sequencing is modelled because nothing here caches.
 *  - Every descriptor access goes through the backing's resolver, one word
 *    at a time, so tables may straddle discontiguous backing pages.
 */
#include "mmu/pgtable.h"

#include <string.h>

#include "mmu/desc.h"
#include "mmu/geom.h"
#include "sim/bits.h"

static bool lpa64k(const struct pgt *t)
{
	return t->g.granule_shift == 16 && t->g.oa_bits > 48;
}

/* The address field of a table, block or page descriptor. */
static uint64_t enc_addr(const struct pgt *t, uint64_t a)
{
	uint64_t d = a & GENMASK(47, t->g.granule_shift);

	if (lpa64k(t))
		d |= FIELD_PREP(GENMASK(15, 12), a >> 48);
	return d;
}

static unsigned start_bits(const struct pgt *t)
{
	return (unsigned)geom_start_bits(t->g.granule_shift, t->g.ia_bits, t->g.start_level);
}

/* Index of @ia's entry in the level-@level table (the start level's index
 * spans the concatenated tables). */
static uint64_t level_index(const struct pgt *t, uint64_t ia, int level)
{
	unsigned nbits = level == t->g.start_level ? start_bits(t)
						   : geom_stride(t->g.granule_shift);

	return bits_extract(ia, geom_level_shift(t->g.granule_shift, level), nbits);
}

static int resolve(struct pgt *t, uint64_t addr, uint64_t *pa, struct sim_error *err)
{
	if (!t->back.resolve) {
		*pa = addr;
		return 0;
	}
	return t->back.resolve(t->back.ctx, addr, pa, err);
}

/* pmem keeps its own first-error message; hand it to the caller and reset
 * it so the next failure is reported with its own words. */
static int pmem_failed(struct pgt *t, int rc, struct sim_error *err)
{
	sim_error_set(err, rc, "page table: %s", t->pm->err.msg);
	sim_error_clear(&t->pm->err);
	return rc;
}

static int rd(struct pgt *t, uint64_t addr, uint64_t *val, struct sim_error *err)
{
	uint64_t pa;
	int rc = resolve(t, addr, &pa, err);

	if (rc)
		return rc;
	t->st.reads++;
	rc = pmem_read64(t->pm, pa, val);
	return rc ? pmem_failed(t, rc, err) : 0;
}

static int wr(struct pgt *t, uint64_t addr, uint64_t val, struct sim_error *err)
{
	uint64_t pa;
	int rc = resolve(t, addr, &pa, err);

	if (rc)
		return rc;
	t->st.writes++;
	rc = pmem_write64(t->pm, pa, val);
	return rc ? pmem_failed(t, rc, err) : 0;
}

int pgt_check_geom(const struct pgt_geom *g, struct sim_error *err)
{
	const char *why;

	if (g->granule_shift != 12 && g->granule_shift != 14 && g->granule_shift != 16)
		return sim_error_set(err, SIM_E_CONFIG,
				     "page table: granule 2^%u is not 4K, 16K or 64K",
				     g->granule_shift);
	if (g->pamax < 32 || g->pamax > 52)
		return sim_error_set(err, SIM_E_CONFIG,
				     "page table: implemented PA size %u is outside 32..52 bits",
				     g->pamax);
	if (g->oa_bits < GEOM_S1_MIN_IA_BITS || g->oa_bits > g->pamax)
		return sim_error_set(err, SIM_E_CONFIG,
				     "page table: output size %u bits is outside 25..%u (PAMax)",
				     g->oa_bits, g->pamax);
	if (g->oa_bits > 48 && g->granule_shift != 16)
		return sim_error_set(err, SIM_E_CONFIG,
				     "page table: a %u-bit output needs the 64K granule "
				     "(4K/16K would need LPA2)", g->oa_bits);
	if (g->stage == MMU_STAGE1) {
		if (g->ia_bits < GEOM_S1_MIN_IA_BITS || g->ia_bits > GEOM_S1_MAX_IA_BITS)
			return sim_error_set(err, SIM_E_CONFIG,
					     "page table: stage-1 VA size %u is outside 25..48 bits",
					     g->ia_bits);
		if (g->start_level != geom_s1_start_level(g->granule_shift, g->ia_bits))
			return sim_error_set(err, SIM_E_CONFIG,
					     "page table: a %u-bit stage-1 VA with granule 2^%u "
					     "starts at level %d, not %d", g->ia_bits,
					     g->granule_shift,
					     geom_s1_start_level(g->granule_shift, g->ia_bits),
					     g->start_level);
		return 0;
	}
	if (g->stage != MMU_STAGE2)
		return sim_error_set(err, SIM_E_CONFIG, "page table: stage %d is not 1 or 2",
				     (int)g->stage);
	why = geom_s2_check(g->granule_shift, g->ia_bits, g->start_level, g->pamax);
	if (why)
		return sim_error_set(err, SIM_E_CONFIG,
				     "page table: stage 2 granule 2^%u, %u-bit IPA, start level %d: %s",
				     g->granule_shift, g->ia_bits, g->start_level, why);
	return 0;
}

int pgt_init(struct pgt *t, const struct pgt_geom *g, struct pmem *pm,
	     const struct pgt_backing *back, struct sim_error *err)
{
	uint64_t size;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = pgt_check_geom(g, err);
	if (rc)
		return rc;
	if (!back || !back->alloc)
		return sim_error_set(err, SIM_E_INVAL, "page table: no table allocator");
	t->g = *g;
	t->pm = pm;
	t->back = *back;
	t->root_tables = geom_concat_tables(g->granule_shift, g->ia_bits, g->start_level);
	size = BIT(geom_start_table_shift(g->granule_shift, g->ia_bits, g->start_level));
	if (size < BIT(g->granule_shift))
		size = BIT(g->granule_shift);
	rc = back->alloc(back->ctx, size, &t->root, err);
	if (rc)
		return rc;
	if (t->root & (size - 1))
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: allocator returned 0x%llx, not aligned to 0x%llx",
				     (unsigned long long)t->root, (unsigned long long)size);
	t->st.tables += size >> g->granule_shift;
	return 0;
}

unsigned pgt_leaf_shift(const struct pgt *t, int level)
{
	return geom_level_shift(t->g.granule_shift, level);
}

uint64_t pgt_table_desc(const struct pgt *t, uint64_t next_table)
{
	return enc_addr(t, next_table) | DESC_TYPE_TABLE;
}

uint64_t pgt_leaf_desc(const struct pgt *t, uint64_t oa, int level,
		       const struct pgt_attrs *a)
{
	static const struct pgt_attrs dflt;
	uint64_t d = enc_addr(t, oa) | (level == 3 ? DESC_TYPE_TABLE : DESC_TYPE_BLOCK);

	if (!a)
		a = &dflt;
	d |= FIELD_PREP(DESC_SH, a->sh);
	if (!a->no_af)
		d |= DESC_AF;
	if (a->dbm)
		d |= DESC_DBM;
	if (a->contiguous)
		d |= DESC_CONT;
	if (t->g.stage == MMU_STAGE1) {
		d |= FIELD_PREP(DESC_ATTRINDX, a->attr_indx);
		if (a->el0)
			d |= DESC_AP_EL0;
		if (a->read_only)
			d |= DESC_AP_RO;
		if (a->ng)
			d |= DESC_NG;
		if (a->pxn)
			d |= DESC_PXN;
		if (a->xn)
			d |= DESC_UXN;
	} else {
		d |= FIELD_PREP(DESC_S2_MEMATTR, a->device ? PGT_S2_MEMATTR_DEVICE
							  : PGT_S2_MEMATTR_NORMAL_WB);
		if (!a->no_read)
			d |= DESC_S2AP_R;
		if (!a->read_only)
			d |= DESC_S2AP_W;
		if (a->xn)
			d |= DESC_S2_XN;
	}
	return d;
}

static int check_ia(const struct pgt *t, uint64_t ia, struct sim_error *err)
{
	if (t->g.ia_bits < 64 && (ia >> t->g.ia_bits))
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: input address 0x%llx is above the %u-bit input size",
				     (unsigned long long)ia, t->g.ia_bits);
	return 0;
}

static bool is_block(const struct pgt *t, uint64_t desc, int level)
{
	return level < 3 && (desc & DESC_TYPE_MASK) == DESC_TYPE_BLOCK
	       && geom_block_allowed(t->g.granule_shift, level, t->g.pamax);
}

int pgt_map(struct pgt *t, uint64_t ia, uint64_t oa, int level,
	    const struct pgt_attrs *attrs, struct sim_error *err)
{
	unsigned g = t->g.granule_shift;
	uint64_t table = t->root, daddr = 0, desc = 0, size;
	int rc;

	if (level < t->g.start_level || level > 3)
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: level %d is outside this tree's levels %d..3",
				     level, t->g.start_level);
	if (level < 3 && !geom_block_allowed(g, level, t->g.pamax))
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: granule 2^%u allows no block at level %d",
				     g, level);
	if (attrs && (attrs->attr_indx > 7 || attrs->sh > 3))
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: AttrIndx %u or SH %u out of range",
				     attrs->attr_indx, attrs->sh);
	rc = check_ia(t, ia, err);
	if (rc)
		return rc;
	size = BIT(pgt_leaf_shift(t, level));
	if ((ia | oa) & (size - 1))
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: IA 0x%llx or OA 0x%llx not aligned to the "
				     "level-%d size 0x%llx", (unsigned long long)ia,
				     (unsigned long long)oa, level, (unsigned long long)size);
	if (oa >> t->g.oa_bits)
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: OA 0x%llx is above the %u-bit output size",
				     (unsigned long long)oa, t->g.oa_bits);

	for (int l = t->g.start_level;; l++) {
		daddr = table + level_index(t, ia, l) * 8;
		rc = rd(t, daddr, &desc, err);
		if (rc)
			return rc;
		if (l == level)
			break;
		if (!(desc & DESC_VALID)) {
			uint64_t nt;

			rc = t->back.alloc(t->back.ctx, BIT(g), &nt, err);
			if (rc)
				return rc;
			if (nt & (BIT(g) - 1))
				return sim_error_set(err, SIM_E_INVAL,
						     "page table: allocator returned 0x%llx, "
						     "not granule aligned", (unsigned long long)nt);
			t->st.tables++;
			rc = wr(t, daddr, pgt_table_desc(t, nt), err);
			if (rc)
				return rc;
			table = nt;
			continue;
		}
		if ((desc & DESC_TYPE_MASK) != DESC_TYPE_TABLE)
			return sim_error_set(err, SIM_E_INVAL,
					     "page table: IA 0x%llx is already mapped by a "
					     "level-%d block", (unsigned long long)ia, l);
		table = desc_addr(desc, g, lpa64k(t));
	}
	if (desc & DESC_VALID)
		return sim_error_set(err, SIM_E_INVAL,
				     level < 3 && (desc & DESC_TYPE_MASK) == DESC_TYPE_TABLE
				     ? "page table: IA 0x%llx: level-%d entry already points "
				       "to a table of smaller mappings"
				     : "page table: IA 0x%llx is already mapped at level %d",
				     (unsigned long long)ia, level);
	rc = wr(t, daddr, pgt_leaf_desc(t, oa, level, attrs), err);
	if (rc)
		return rc;
	if (level == 3)
		t->st.pages++;
	else
		t->st.blocks++;
	return 0;
}

int pgt_lookup(struct pgt *t, uint64_t ia, struct pgt_leaf *leaf, struct sim_error *err)
{
	unsigned g = t->g.granule_shift;
	uint64_t table = t->root;
	int rc;

	memset(leaf, 0, sizeof(*leaf));
	rc = check_ia(t, ia, err);
	if (rc)
		return rc;
	for (int l = t->g.start_level; l <= 3; l++) {
		uint64_t daddr = table + level_index(t, ia, l) * 8, desc;
		unsigned shift = pgt_leaf_shift(t, l);

		rc = rd(t, daddr, &desc, err);
		if (rc)
			return rc;
		leaf->level = (int8_t)l;
		leaf->shift = (uint8_t)shift;
		leaf->desc = desc;
		leaf->desc_addr = daddr;
		if (!(desc & DESC_VALID))
			return 0;
		if (l < 3 && (desc & DESC_TYPE_MASK) == DESC_TYPE_TABLE) {
			table = desc_addr(desc, g, lpa64k(t));
			continue;
		}
		/* A page, or a block where blocks are legal; anything else
		 * (a level-3 or misplaced "block") is what the walker
		 * faults on, so it maps nothing. */
		if (l == 3 ? (desc & DESC_TYPE_MASK) != DESC_TYPE_TABLE : !is_block(t, desc, l))
			return 0;
		leaf->mapped = true;
		leaf->oa = (desc_addr(desc, g, lpa64k(t)) & ~bits_low_mask(shift))
			   | (ia & bits_low_mask(shift));
		return 0;
	}
	return 0;
}

int pgt_unmap(struct pgt *t, uint64_t ia, struct pgt_leaf *old, struct sim_error *err)
{
	struct pgt_leaf leaf;
	int rc = pgt_lookup(t, ia, &leaf, err);

	if (old)
		*old = leaf;
	if (rc || !leaf.mapped)
		return rc;
	rc = wr(t, leaf.desc_addr, 0, err);
	if (rc)
		return rc;
	t->st.unmaps++;
	return 0;
}

int pgt_set_attrs(struct pgt *t, uint64_t ia, const struct pgt_attrs *attrs,
		  struct sim_error *err)
{
	struct pgt_leaf leaf;
	int rc = pgt_lookup(t, ia, &leaf, err);

	if (rc)
		return rc;
	if (!leaf.mapped)
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: IA 0x%llx is not mapped", (unsigned long long)ia);
	if (attrs && (attrs->attr_indx > 7 || attrs->sh > 3))
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: AttrIndx %u or SH %u out of range",
				     attrs->attr_indx, attrs->sh);
	return wr(t, leaf.desc_addr,
		  pgt_leaf_desc(t, leaf.oa & ~bits_low_mask(leaf.shift), leaf.level, attrs), err);
}

int pgt_update_leaf(struct pgt *t, uint64_t ia, uint64_t set, uint64_t clear,
		    struct pgt_leaf *old, struct sim_error *err)
{
	/* what a leaf's attributes may not redefine: its type and address */
	const uint64_t fixed = DESC_TYPE_MASK | GENMASK(49, 12);
	struct pgt_leaf leaf;
	int rc;

	if ((set | clear) & fixed)
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: attribute change 0x%llx/0x%llx touches the type "
				     "or address bits", (unsigned long long)set,
				     (unsigned long long)clear);
	rc = pgt_lookup(t, ia, &leaf, err);
	if (old)
		*old = leaf;
	if (rc)
		return rc;
	if (!leaf.mapped)
		return sim_error_set(err, SIM_E_INVAL,
				     "page table: IA 0x%llx is not mapped", (unsigned long long)ia);
	return wr(t, leaf.desc_addr, (leaf.desc & ~clear) | set, err);
}
