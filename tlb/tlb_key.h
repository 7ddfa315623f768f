/*
 * tlb/tlb_key.h - how TLB and walk-cache entries are tagged, and the one
 * predicate that decides whether an entry matches a lookup or a TLBI.
 *
 * What is modelled (Arm ARM D8.16.3 and D8.17):
 *  - Every entry carries regime, VMID, ASID, global (nG == 0), kind
 *    (stage-1 only, stage-2 only i.e. IPA->PA, or combined stage 1+2),
 *    whether it is an intermediate (table, i.e. walk-cache) entry, its size
 *    (log2 bytes covered), the size of the block it is a piece of, and for
 *    table entries the granule.
 *  - Lookups compare the address at the entry's own size.  TLBIs by VA or
 *    IPA compare it at the block size: a splintered block, or a combined
 *    entry smaller than its stage-1 block, is removed whole by a TLBI at
 *    any address of the block (Arm ARM D8.17: TLBI must remove all the
 *    pieces).
 *  - A global entry matches any ASID but only within its VMID.
 *  - EL1&0 entries always compare the VMID, even with stage 2 off (the
 *    caller passes VMID 0 for a host without EL2 in use).
 *  - EL2&0 entries carry an ASID and no VMID; EL2 entries carry neither.
 *  - Stage-2-only entries carry a VMID only (regime EL1&0, no ASID).
 *  - Walk-cache entries are always non-global.
 *
 * Representation: all of the context is packed into one 64-bit word (the
 * "tag", TLB_TAG_*), normalised by tlb_ctx() so that fields a regime or kind
 * does not have are zero, and a global entry stores ASID 0.  The input page
 * number is a second word.  A struct tlb_match says which tag bits must equal
 * which values, and which input address the entry must cover (or any
 * address).  Lookups and every TLBI form are expressed as a tlb_match and
 * decided by tlb_entry_matches(): a way compare is one masked 64-bit compare
 * of the tag plus one compare of the page number.
 */
#ifndef MMUSIM_TLB_TLB_KEY_H
#define MMUSIM_TLB_TLB_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/bits.h"
#include "sim/types.h"

/* What an entry translates. */
enum tlb_kind {
	TLB_KIND_S1 = 0,        /* stage 1 only: VA -> IPA (or PA, stage 2 off) */
	TLB_KIND_S2 = 1,        /* stage 2 only: IPA -> PA */
	TLB_KIND_COMBINED = 2,  /* stage 1 + 2 merged: VA -> PA */
};

/* Layout of the packed tag word. */
#define TLB_TAG_ASID     GENMASK(15, 0)
#define TLB_TAG_VMID     GENMASK(31, 16)
#define TLB_TAG_SHIFT    GENMASK(37, 32)   /* log2 of the bytes covered */
#define TLB_TAG_GRANULE  GENMASK(39, 38)   /* table entries: 1 4K, 2 16K, 3 64K */
#define TLB_TAG_REGIME   GENMASK(41, 40)   /* enum mmu_regime */
#define TLB_TAG_KIND     GENMASK(43, 42)   /* enum tlb_kind */
#define TLB_TAG_KIND_S2  BIT(42)           /* the kind bit that says "IPA-indexed" */
#define TLB_TAG_TABLE    BIT(44)           /* intermediate (walk-cache) entry */
#define TLB_TAG_GLOBAL   BIT(45)           /* nG == 0 */
#define TLB_TAG_BLOCK    GENMASK(51, 46)   /* log2 of the block, >= size */
#define TLB_TAG_VALID    BIT(63)

#define TLB_TAG_GLOBAL_BIT 45
#define TLB_MATCH_BLOCK 63u     /* struct tlb_match.block_sel for TLBIs */
/* The bits that identify an entry (all but the block size). */
#define TLB_TAG_ID_MASK (~TLB_TAG_BLOCK)

/* Tag bits a TLB lookup compares: not the size, granule or global bit. */
#define TLB_LOOKUP_MASK (TLB_TAG_VALID | TLB_TAG_ASID | TLB_TAG_VMID | \
			 TLB_TAG_REGIME | TLB_TAG_KIND | TLB_TAG_TABLE)
/* Tag bits a walk-cache probe compares: everything (the level is the size). */
#define TLB_WC_LOOKUP_MASK (TLB_LOOKUP_MASK | TLB_TAG_SHIFT | \
			    TLB_TAG_GRANULE | TLB_TAG_GLOBAL)

/*
 * One cached translation (leaf) or table descriptor (walk cache).  32 bytes:
 * a set of 4 ways is two cache lines.
 */
struct tlb_entry {
	uint64_t tag;           /* TLB_TAG_*; 0 = invalid */
	uint64_t in_page;       /* input address (VA or IPA) >> size */
	uint64_t out_addr;      /* leaf: output address of the page; table: next table */
	uint32_t attrs;         /* opaque permission/attribute bits for the simulator */
	uint8_t s1_level;       /* leaf level of the stage-1 walk (0..3) */
	uint8_t s2_level;       /* leaf level of the stage-2 walk (0..3) */
	uint8_t pad[2];
};

/*
 * Which entries an operation selects: entry e matches when
 *   (e.tag ^ tag) & tag_mask & (e is global ? ~TLB_TAG_ASID : ~0) == 0
 * and, unless addr_mask is 0, e covers addr: at the entry's size for a
 * lookup (block_sel 0), at its block size for a TLBI (TLB_MATCH_BLOCK).
 * tag_mask must include TLB_TAG_VALID (and tag has it set) so that invalid
 * entries never match.
 */
struct tlb_match {
	uint64_t tag;
	uint64_t tag_mask;
	uint64_t addr;          /* VA or IPA the entry must cover */
	uint64_t addr_mask;     /* ~0: compare the address; 0: any address */
	unsigned block_sel;     /* 0: compare at the size; TLB_MATCH_BLOCK: at the block */
};

/* Unpacked form of an entry's identity, for fills in tests and for dumps. */
struct tlb_key {
	enum mmu_regime regime;
	enum tlb_kind kind;
	uint16_t vmid;
	uint16_t asid;
	bool global;
	bool table;
	uint8_t granule_shift;  /* 12/14/16 for table entries, 0 for leaves */
	uint8_t page_shift;     /* log2 of the bytes the entry covers */
	uint8_t block_shift;    /* log2 of the block it is a piece of (>= page_shift) */
	uint64_t in_page;
};

static inline unsigned tlb_tag_shift(uint64_t tag)
{
	return (unsigned)FIELD_GET(TLB_TAG_SHIFT, tag);
}

static inline unsigned tlb_tag_block(uint64_t tag)
{
	return (unsigned)FIELD_GET(TLB_TAG_BLOCK, tag);
}

/**
 * tlb_entry_matches() - the single match predicate (lookups and TLBIs).
 * @e: entry (valid or not)
 * @m: selection built by tlb_match_lookup(), wc probing or a tlbi_match_*()
 *
 * Return: true if @e is selected by @m.
 */
static inline __attribute__((always_inline)) bool
tlb_entry_matches(const struct tlb_entry *e,
				     const struct tlb_match *m)
{
	uint64_t t = e->tag;
	/* A global entry does not compare its ASID. */
	uint64_t care = m->tag_mask &
		~(TLB_TAG_ASID & (UINT64_C(0) - ((t >> TLB_TAG_GLOBAL_BIT) & 1)));
	unsigned sh = tlb_tag_shift(t);
	/* Page numbers of the address and the entry at the entry's size;
	 * for a TLBI, drop the bits below the block size as well. */
	uint64_t diff = ((m->addr >> sh) ^ e->in_page) >>
		((tlb_tag_block(t) - sh) & m->block_sel);

	/* Both tests without a branch between them (see tlb_sa_probe()). */
	return !(((t ^ m->tag) & care) | (diff & m->addr_mask));
}

/**
 * tlb_ctx() - the packed, normalised context tag of a translation context.
 * @regime: stage-1 regime (ignored for TLB_KIND_S2, which is EL1&0)
 * @kind: what the entry translates
 * @vmid: VTTBR_EL2.VMID in force (ignored outside EL1&0)
 * @asid: ASID in force (ignored for EL2, stage-2-only and global entries)
 * @global: the leaf's nG == 0 (lookups pass false: lookups ignore it)
 *
 * Fields the regime or kind does not have are zeroed, and a global entry
 * stores ASID 0, so equal contexts give equal tags.  The size field is left
 * 0; the TLB sets it when it stores an entry.
 *
 * Return: the tag word, with TLB_TAG_VALID set.
 */
static inline uint64_t tlb_ctx(enum mmu_regime regime, enum tlb_kind kind,
			       uint16_t vmid, uint16_t asid, bool global)
{
	if (kind == TLB_KIND_S2) {
		regime = MMU_REGIME_EL10;
		asid = 0;
		global = false;
	} else if (regime == MMU_REGIME_EL2) {
		vmid = 0;
		asid = 0;
	} else if (regime == MMU_REGIME_EL20) {
		vmid = 0;
	}
	if (global)
		asid = 0;
	return TLB_TAG_VALID |
		FIELD_PREP(TLB_TAG_ASID, asid) |
		FIELD_PREP(TLB_TAG_VMID, vmid) |
		FIELD_PREP(TLB_TAG_REGIME, regime) |
		FIELD_PREP(TLB_TAG_KIND, kind) |
		(global ? TLB_TAG_GLOBAL : 0);
}

/* Granule shift (12, 14, 16) <-> the 2-bit TLB_TAG_GRANULE code (0 = none). */
static inline unsigned tlb_granule_code(unsigned granule_shift)
{
	switch (granule_shift) {
	case 12: return 1;
	case 14: return 2;
	case 16: return 3;
	default: return 0;
	}
}

static inline unsigned tlb_granule_shift(unsigned code)
{
	return code ? 10 + 2 * code : 0;
}

/**
 * tlb_match_lookup() - the selection a TLB lookup uses.
 * @m: filled in
 * @ctx: tlb_ctx() of the access's context (global flag is ignored)
 * @addr: the input address looked up (VA, or IPA for TLB_KIND_S2)
 */
static inline void tlb_match_lookup(struct tlb_match *m, uint64_t ctx,
				    uint64_t addr)
{
	m->tag = ctx | TLB_TAG_VALID;
	m->tag_mask = TLB_LOOKUP_MASK;
	m->addr = addr;
	m->addr_mask = ~UINT64_C(0);
	m->block_sel = 0;
}

/**
 * tlb_key_pack() - tag word of an unpacked key (normalised as tlb_ctx()).
 * @k: key; page_shift, block_shift (raised to page_shift if smaller), table
 * and granule_shift are included.
 */
static inline uint64_t tlb_key_pack(const struct tlb_key *k)
{
	uint64_t tag = tlb_ctx(k->regime, k->kind, k->vmid, k->asid,
			       k->global && !k->table);

	tag |= FIELD_PREP(TLB_TAG_SHIFT, k->page_shift) |
		FIELD_PREP(TLB_TAG_BLOCK, k->block_shift > k->page_shift ?
			   k->block_shift : k->page_shift);
	if (k->table)
		tag |= TLB_TAG_TABLE |
			FIELD_PREP(TLB_TAG_GRANULE,
				   tlb_granule_code(k->granule_shift));
	return tag;
}

/**
 * tlb_key_unpack() - the unpacked key of a valid entry.
 * @e: the entry
 * @k: filled in
 */
static inline void tlb_key_unpack(const struct tlb_entry *e, struct tlb_key *k)
{
	uint64_t t = e->tag;

	k->regime = (enum mmu_regime)FIELD_GET(TLB_TAG_REGIME, t);
	k->kind = (enum tlb_kind)FIELD_GET(TLB_TAG_KIND, t);
	k->vmid = (uint16_t)FIELD_GET(TLB_TAG_VMID, t);
	k->asid = (uint16_t)FIELD_GET(TLB_TAG_ASID, t);
	k->global = (t & TLB_TAG_GLOBAL) != 0;
	k->table = (t & TLB_TAG_TABLE) != 0;
	k->granule_shift = (uint8_t)tlb_granule_shift(
		(unsigned)FIELD_GET(TLB_TAG_GRANULE, t));
	k->page_shift = (uint8_t)tlb_tag_shift(t);
	k->block_shift = (uint8_t)tlb_tag_block(t);
	k->in_page = e->in_page;
}

/**
 * tlb_entry_out_addr() - the output address of @in_addr through entry @e
 * (which must cover it): the page's output address plus the page offset.
 */
static inline uint64_t tlb_entry_out_addr(const struct tlb_entry *e,
					  uint64_t in_addr)
{
	return e->out_addr | (in_addr & bits_low_mask(tlb_tag_shift(e->tag)));
}

#endif /* MMUSIM_TLB_TLB_KEY_H */
