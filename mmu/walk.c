/*
 * mmu/walk.c - one stage of VMSAv8-64 translation; see mmu/walk.h.
 *
 * The loop mirrors AArch64.S1Walk/AArch64.S2Walk for 64-bit descriptors
 * with DS = 0, one descriptor per level:
 *
 *   level L entry index = IA[top : g + s*(3-L)], where top is ia_bits - 1 at
 *   the start level (covering concatenated start tables) and
 *   g + s*(4-L) - 1 below it;  descriptor address = table + 8 * index.
 *
 * Semantic choices where the architecture leaves room:
 * - RES0 bits of table and leaf addresses (below the granule, [49:48]
 *   without 52-bit addressing, a block's low bits) are treated as zero;
 *   with the 64K granule and a 48-bit-or-less output size, descriptor bits
 *   [15:12] are ignored rather than raising an Address size fault (the
 *   IMPLEMENTATION DEFINED choice QEMU also makes).
 * - With HA = 1, the access flag is set only when the access is otherwise
 *   permitted: the update is written back after the permission check, so a
 *   Permission fault leaves the descriptor unchanged (setting AF on a
 *   faulting access is CONSTRAINED UNPREDICTABLE, R QSPMS).
 * - Hardware updates are single-copy atomic and never race (a trace model
 *   runs one walk at a time), so the compare-and-swap always succeeds.
 */
#include "mmu/walk.h"

#include "mmu/desc.h"
#include "mmu/geom.h"
#include "sim/bits.h"

static int walk_fault(struct walk_out *out, const struct walk_params *p,
		      enum mmu_fault_type type, int level, uint64_t ia)
{
	out->fault.type = type;
	out->fault.level = (int8_t)level;
	out->fault.stage = (uint8_t)p->stage;
	out->fault.s1ptw = false;
	out->fault.s2_level = p->stage == MMU_STAGE2 ? (int8_t)level : -2;
	out->fault.ipa = p->stage == MMU_STAGE2 ? ia : 0;
	out->level = (int8_t)level;
	return 1;
}

unsigned walk_s1_prot(const struct walk_params *p, uint64_t desc, unsigned tattrs)
{
	bool ro = desc & DESC_AP_RO;
	bool el0 = desc & DESC_AP_EL0;
	bool uxn = desc & DESC_UXN;
	bool pxn = desc & DESC_PXN;
	bool two_priv = p->regime != MMU_REGIME_EL2;
	unsigned prot;

	/* Hierarchical attributes (D8.4.2): each table bit can only remove
	 * rights; HPD disables them all. */
	if (!p->hpd) {
		ro |= tattrs & WALK_TATTR_AP1;
		uxn |= tattrs & WALK_TATTR_UXN;
		if (two_priv) {
			el0 &= !(tattrs & WALK_TATTR_AP0);
			pxn |= tattrs & WALK_TATTR_PXN;
		}
	}

	if (!two_priv) {
		/* Single privilege level (EL2 without VHE): AP[1] is RES1,
		 * bit 54 is XN, there is no EL0. */
		prot = MMU_PROT_EL1_R | (ro ? 0 : MMU_PROT_EL1_W);
		if (!uxn && !(p->wxn && !ro))
			prot |= MMU_PROT_EL1_X;
		return prot;
	}

	/* Table D8-63: AP[2:1] 00 EL1 RW; 01 EL1 RW, EL0 RW; 10 EL1 R;
	 * 11 EL1 R, EL0 R. */
	prot = MMU_PROT_EL1_R | (ro ? 0 : MMU_PROT_EL1_W);
	if (el0)
		prot |= MMU_PROT_EL0_R | (ro ? 0 : MMU_PROT_EL0_W);
	if (!uxn)
		prot |= MMU_PROT_EL0_X;
	/* A location EL0 can write is never privileged-executable (R VWLLR). */
	if (!pxn && !(prot & MMU_PROT_EL0_W))
		prot |= MMU_PROT_EL1_X;
	if (p->wxn) {
		if (prot & MMU_PROT_EL0_W)
			prot &= ~(unsigned)MMU_PROT_EL0_X;
		if (prot & MMU_PROT_EL1_W)
			prot &= ~(unsigned)MMU_PROT_EL1_X;
	}
	return prot;
}

unsigned walk_s2_prot(uint64_t desc)
{
	unsigned prot = 0;

	/* Table D8-76: S2AP[0] read, S2AP[1] write, for EL1 and EL0 alike.
	 * Without FEAT_XNX bit 54 forbids execution at both. */
	if (desc & DESC_S2AP_R)
		prot |= MMU_PROT_EL0_R | MMU_PROT_EL1_R;
	if (desc & DESC_S2AP_W)
		prot |= MMU_PROT_EL0_W | MMU_PROT_EL1_W;
	if (!(desc & DESC_S2_XN))
		prot |= MMU_PROT_EL0_X | MMU_PROT_EL1_X;
	return prot;
}

/* Table attributes of a stage-1 table descriptor, as WALK_TATTR_* bits. */
static unsigned table_attrs(uint64_t desc)
{
	unsigned t = 0;

	if (desc & DESC_PXNTABLE)
		t |= WALK_TATTR_PXN;
	if (desc & DESC_UXNTABLE)
		t |= WALK_TATTR_UXN;
	if (FIELD_GET(DESC_APTABLE, desc) & DESC_APTABLE_NO_EL0)
		t |= WALK_TATTR_AP0;
	if (FIELD_GET(DESC_APTABLE, desc) & DESC_APTABLE_RO)
		t |= WALK_TATTR_AP1;
	return t;
}

int walk_stage(const struct walk_params *p, uint64_t ia, struct mmu_access acc,
	       const struct walk_start *start, const struct walk_io *io,
	       struct walk_out *out)
{
	const unsigned g = p->granule_shift;
	const unsigned s = geom_stride(g);
	int level = start ? start->level : p->start_level;
	uint64_t table = start ? start->table : p->table_base;
	unsigned tattrs = start ? start->tattrs : 0;
	uint64_t desc, daddr, addr, newdesc;
	unsigned shift, prot;
	int rc;

	out->reads = 0;
	out->updated = false;
	out->fault.type = MMU_FAULT_NONE;

	/* Level-0 faults that precede any fetch, in the order of
	 * AArch64.S2Translate / AArch64.S1Translate: configuration
	 * (TxSZ, SL0, EPD), IPA out of range, then the base address size. */
	if (p->cfg_fault == MMU_FAULT_TRANSLATION)
		return walk_fault(out, p, MMU_FAULT_TRANSLATION, 0, ia);
	if (p->stage == MMU_STAGE2 && p->ia_bits < 64 && (ia >> p->ia_bits))
		return walk_fault(out, p, MMU_FAULT_TRANSLATION, 0, ia);
	if (p->cfg_fault != MMU_FAULT_NONE)
		return walk_fault(out, p, p->cfg_fault, 0, ia);

	for (;;) {
		unsigned nbits = level == p->start_level ? p->ia_bits - geom_level_shift(g, level) : s;

		shift = geom_level_shift(g, level);
		daddr = table + 8 * ((ia >> shift) & bits_low_mask(nbits));
		out->table[level] = table;
		out->tattrs_at[level] = (uint8_t)tattrs;

		rc = io->fetch(io->ctx, p, level, daddr, &desc, &out->fault);
		if (rc) {
			out->level = (int8_t)level;
			return rc;      /* 1: a stage-2 fault on this fetch */
		}
		out->reads++;

		/* Translation fault: invalid, or a block where none may be
		 * (including 0b01 at level 3, which is reserved). */
		if (!(desc & DESC_VALID) ||
		    (!(desc & DESC_TABLE) &&
		     (level == 3 || !geom_block_allowed(g, level, p->pamax))))
			return walk_fault(out, p, MMU_FAULT_TRANSLATION, level, ia);

		/* Address size fault: next-table address or output address
		 * beyond the effective output size. */
		addr = desc_addr(desc, g, p->lpa64k);
		if (p->oa_bits < 64 && (addr >> p->oa_bits))
			return walk_fault(out, p, MMU_FAULT_ADDRESS_SIZE, level, ia);

		if ((desc & DESC_TABLE) && level < 3) {
			/* Stage-2 table descriptors carry no attributes. */
			if (p->stage == MMU_STAGE1)
				tattrs |= table_attrs(desc);
			table = addr;
			level++;
			continue;
		}
		break;
	}

	/* Block or page: the output address keeps the IA's low bits. */
	out->oa = (addr & ~bits_low_mask(shift)) | (ia & bits_low_mask(shift));
	out->desc_addr = daddr;
	out->level = (int8_t)level;
	out->shift = (uint8_t)shift;
	out->tattrs = (uint8_t)tattrs;

	/* Access flag (D8.5.1): fault unless hardware management is on. */
	newdesc = desc;
	if (!(desc & DESC_AF)) {
		if (!p->ha)
			return walk_fault(out, p, MMU_FAULT_ACCESS_FLAG, level, ia);
		newdesc |= DESC_AF;
	}
	/* Dirty state (D8.5.2): a write to a writable-clean DBM page makes it
	 * writable before the permission check. */
	if (p->hd && p->ha && (desc & DESC_DBM) && acc.type == MMU_ACC_WRITE) {
		if (p->stage == MMU_STAGE2)
			newdesc |= DESC_S2AP_W;
		else
			newdesc &= ~DESC_AP_RO;
	}

	prot = p->stage == MMU_STAGE1 ? walk_s1_prot(p, newdesc, tattrs) : walk_s2_prot(newdesc);
	if (!mmu_prot_allows(prot, acc))
		return walk_fault(out, p, MMU_FAULT_PERMISSION, level, ia);

	if (newdesc != desc) {
		rc = io->update(io->ctx, p, level, daddr, newdesc, &out->fault);
		if (rc)
			return rc;
		out->updated = true;
	}
	out->desc = newdesc;
	out->prot = (uint8_t)prot;
	return 0;
}
