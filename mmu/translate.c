/*
 * mmu/translate.c - stage composition and reference recording; see
 * mmu/translate.h.
 *
 * The stage-1 walker's descriptor fetch is, under stage 2, a stage-2 walk
 * of the descriptor's IPA followed by the physical read (AArch64.S1Walk
 * fetching through AArch64.S2Translate with S1PTW set).  A stage-2 fault
 * there becomes the stage-1 walk's fault with s1ptw set.  A hardware update
 * of a stage-1 descriptor is a write to that IPA: it reuses the fetch's
 * stage-2 translation when that already grants write permission, and
 * otherwise translates again as a write (which may fault at stage 2, or
 * set the stage-2 dirty state of the table page).
 */
#include "mmu/translate.h"

#include <string.h>

#include "mmu/desc.h"
#include "sim/bits.h"

struct tctx {
	const struct mmu_ctx *c;
	const struct mmu_mem *mem;
	struct mmu_refs *refs;
	struct mmu_result *res;
	const struct mmu_hooks *hooks;
	int8_t s2_for;                  /* stage-1 step the running stage-2 walk serves */
	uint64_t s1tab_pa[WALK_LEVELS]; /* stage-2 output of each stage-1 table fetch */
	uint8_t s1tab_prot[WALK_LEVELS];
	struct walk_io phys_io;         /* stage 2, or stage 1 without stage 2 */
};

static void record(struct tctx *t, uint64_t pa, unsigned stage, int level, int for_s1, bool write)
{
	struct mmu_ref *r;

	if (!t->refs || t->refs->n >= MMU_MAX_REFS)
		return;
	r = &t->refs->ref[t->refs->n++];
	r->pa = pa;
	r->stage = (uint8_t)stage;
	r->level = (int8_t)level;
	r->for_s1 = (int8_t)for_s1;
	r->write = write;
}

static int phys_fetch(void *ctx, const struct walk_params *p, int level, uint64_t pa,
		      uint64_t *desc, struct mmu_fault *f)
{
	struct tctx *t = ctx;
	int rc = t->mem->read(t->mem->ctx, pa, desc);

	(void)f;
	if (rc)
		return rc;
	if (p->stage == MMU_STAGE2) {
		t->res->s2_reads++;
		record(t, pa, 2, level, t->s2_for, false);
	} else {
		t->res->s1_reads++;
		record(t, pa, 1, level, MMU_REF_FOR_NONE, false);
	}
	return 0;
}

static int phys_update(void *ctx, const struct walk_params *p, int level, uint64_t pa,
		       uint64_t val, struct mmu_fault *f)
{
	struct tctx *t = ctx;
	int rc = t->mem->write(t->mem->ctx, pa, val);

	(void)f;
	if (rc)
		return rc;
	t->res->writes++;
	record(t, pa, p->stage, level, p->stage == MMU_STAGE2 ? t->s2_for : MMU_REF_FOR_NONE, true);
	return 0;
}

/* Stage 2 of @ipa for @acc, from the stage-2 TLB or the walk caches
 * when the simulator supplies them. */
static int s2_translate(struct tctx *t, uint64_t ipa, struct mmu_access acc, struct walk_out *s2)
{
	const struct walk_params *p2 = &t->c->s2;
	const struct mmu_hooks *h = t->hooks;
	struct walk_start st, *start = NULL;
	int rc;

	if (h && h->s2_lookup && h->s2_lookup(h->ctx, ipa, s2) && mmu_prot_allows(s2->prot, acc)) {
		s2->reads = 0;
		s2->fault.type = MMU_FAULT_NONE;
		t->res->s2_saved += (unsigned)(s2->level - p2->start_level + 1);
		return 0;
	}
	if (h && h->wc_lookup && p2->cfg_fault == MMU_FAULT_NONE && h->wc_lookup(h->ctx, p2, ipa, &st)) {
		start = &st;
		t->res->s2_saved += (unsigned)(st.level - p2->start_level);
	}
	rc = walk_stage(p2, ipa, acc, start, &t->phys_io, s2);
	if (rc == 0 && h) {
		if (h->wc_fill)
			h->wc_fill(h->ctx, p2, ipa, s2, start ? start->level : p2->start_level);
		if (h->s2_fill)
			h->s2_fill(h->ctx, ipa, s2);
	}
	return rc;
}

/* Stage 2 on the IPA of a stage-1 table descriptor, for @acc. */
static int s2_for_table(struct tctx *t, int s1_level, uint64_t ipa, struct mmu_access acc,
			struct walk_out *s2, struct mmu_fault *f)
{
	const struct walk_params *p2 = &t->c->s2;
	int rc;

	t->s2_for = (int8_t)s1_level;
	rc = s2_translate(t, ipa, acc, s2);
	if (rc < 0)
		return rc;
	/* HCR_EL2.PTW: a stage-1 walk touching stage-2 Device memory takes a
	 * stage-2 Permission fault (D8.15.4.1). */
	if (rc == 0 && p2->ptw_device_fault && desc_s2_is_device(s2->desc, p2->fwb)) {
		s2->fault.type = MMU_FAULT_PERMISSION;
		s2->fault.level = s2->level;
		rc = 1;
	}
	if (rc == 1) {
		*f = s2->fault;
		f->stage = 2;
		f->s1ptw = true;
		f->s2_level = s2->fault.level;
		f->level = (int8_t)s1_level;    /* PAR_EL1 reports the stage-1 level */
		f->ipa = ipa;
	}
	return rc;
}

static int s1_fetch_via_s2(void *ctx, const struct walk_params *p, int level, uint64_t ipa,
			   uint64_t *desc, struct mmu_fault *f)
{
	struct tctx *t = ctx;
	const struct mmu_access rd = { .type = MMU_ACC_READ, .el = 1 };
	struct walk_out s2;
	int rc = s2_for_table(t, level, ipa, rd, &s2, f);

	if (rc)
		return rc;
	t->s1tab_pa[level] = s2.oa;
	t->s1tab_prot[level] = s2.prot;
	return phys_fetch(ctx, p, level, s2.oa, desc, f);
}

static int s1_update_via_s2(void *ctx, const struct walk_params *p, int level, uint64_t ipa,
			    uint64_t val, struct mmu_fault *f)
{
	struct tctx *t = ctx;
	const struct mmu_access wr = { .type = MMU_ACC_WRITE, .el = 1 };
	uint64_t pa = t->s1tab_pa[level];
	struct walk_out s2;
	int rc;

	if (!(t->s1tab_prot[level] & MMU_PROT_EL1_W)) {
		rc = s2_for_table(t, level, ipa, wr, &s2, f);
		if (rc)
			return rc;
		pa = s2.oa;
	}
	return phys_update(ctx, p, level, pa, val, f);
}

static int stage1_fault(struct mmu_result *res, enum mmu_fault_type type)
{
	res->fault.type = type;
	res->fault.stage = 1;
	res->fault.level = 0;
	res->fault.s2_level = -2;
	res->fault.s1ptw = false;
	res->fault.ipa = 0;
	return 1;
}

int mmu_translate(const struct mmu_ctx *c, const struct mmu_mem *mem, uint64_t va,
		  struct mmu_access acc, bool two_stage, struct mmu_result *res,
		  struct mmu_refs *refs)
{
	return mmu_translate_cached(c, mem, NULL, va, acc, two_stage, res, refs);
}

int mmu_translate_cached(const struct mmu_ctx *c, const struct mmu_mem *mem,
			 const struct mmu_hooks *hooks, uint64_t va, struct mmu_access acc,
			 bool two_stage, struct mmu_result *res, struct mmu_refs *refs)
{
	struct tctx t = {
		.c = c, .mem = mem, .refs = refs, .res = res, .hooks = hooks,
		.s2_for = MMU_REF_FOR_FINAL,
		.phys_io = { .fetch = phys_fetch, .update = phys_update },
	};
	struct walk_io s1_io = { .fetch = s1_fetch_via_s2, .update = s1_update_via_s2, .ctx = &t };
	unsigned sel = (va >> 55) & 1;
	unsigned top = c->tbi[sel] ? 55 : 63;
	unsigned s1_prot = MMU_PROT_ALL, s1_shift = 63;
	uint64_t ipa;
	int rc;

	t.phys_io.ctx = &t;
	memset(res, 0, sizeof(*res));
	res->asid = c->asid;
	res->vmid = c->vmid;
	res->fault.s2_level = -2;
	if (refs)
		refs->n = 0;

	if (!c->s1_enabled) {
		/* Stage 1 off: the IPA is the VA, which must fit the
		 * implemented PA size (Address size fault, level 0). */
		if (bits_extract(va, c->cpu.pamax, top - c->cpu.pamax + 1))
			return stage1_fault(res, MMU_FAULT_ADDRESS_SIZE);
		ipa = va & bits_low_mask(c->cpu.pamax);
		res->global = true;
	} else {
		const struct walk_params *p = &c->s1[sel];
		unsigned width = top - p->ia_bits + 1;

		/* VA bit 55 selects the TTBR; the bits from the top down to
		 * the VA size must all equal it (D8.2.4). */
		if (bits_extract(va, p->ia_bits, width) != (sel ? bits_low_mask(width) : 0))
			return stage1_fault(res, MMU_FAULT_TRANSLATION);
		struct walk_start st, *start = NULL;

		if (hooks && hooks->wc_lookup && p->cfg_fault == MMU_FAULT_NONE &&
		    hooks->wc_lookup(hooks->ctx, p, va, &st)) {
			start = &st;
			res->s1_saved = (unsigned)(st.level - p->start_level);
		}
		rc = walk_stage(p, va, acc, start, c->s2_enabled ? &s1_io : &t.phys_io, &res->s1);
		res->s1_walked = true;
		if (rc == 0 && hooks && hooks->wc_fill)
			hooks->wc_fill(hooks->ctx, p, va, &res->s1, start ? start->level : p->start_level);
		if (rc) {
			if (rc == 1)
				res->fault = res->s1.fault;
			return rc;
		}
		ipa = res->s1.oa;
		res->global = !(res->s1.desc & DESC_NG);
		s1_prot = res->s1.prot;
		s1_shift = res->s1.shift;
	}
	res->ipa = ipa;
	res->oa = ipa;
	res->prot = (uint8_t)s1_prot;
	res->shift = (uint8_t)s1_shift;
	if (!two_stage || !c->s2_enabled)
		return 0;

	t.s2_for = MMU_REF_FOR_FINAL;
	rc = s2_translate(&t, ipa, acc, &res->s2);
	res->s2_walked = true;
	if (rc) {
		if (rc == 1)
			res->fault = res->s2.fault;
		return rc;
	}
	res->oa = res->s2.oa;
	res->prot = (uint8_t)(s1_prot & res->s2.prot);
	res->shift = res->s2.shift < s1_shift ? res->s2.shift : (uint8_t)s1_shift;
	return 0;
}
