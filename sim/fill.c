/*
 * sim/fill.c - what a walk leaves in a CPU's translation caches, and what
 * a TLBI removes from them: the walk-cache and stage-2 TLB hooks of
 * mmu_translate_cached() (mmu/ knows nothing of how they are organised),
 * the TLB fill of a successful walk, and the invalidation of every
 * structure of a CPU.  The glue between mmu/ and tlb/, which know nothing
 * of each other.
 */
#include "mmu/desc.h"
#include "sim/bits.h"
#include "sim/sim_impl.h"

/* ---- the walk-cache and stage-2 TLB hooks of mmu_translate_cached() ---- */

/* Stage-2 attributes kept in a stage-2 TLB entry beside the permissions:
 * MemAttr, so a cached translation of a stage-1 table page still answers
 * the HCR_EL2.PTW Device check. */
#define S2E_PROT      GENMASK(7, 0)
#define S2E_MEMATTR   GENMASK(11, 8)
#define S2E_DBM       BIT(12)           /* the leaf's DBM (writable-clean when
					 * PROT refuses writes) */

static bool hook_s2_lookup(void *ctx, uint64_t ipa, struct walk_out *out)
{
	struct sim_cpu *c = ctx;
	const struct tlb_entry *e;

	if (!c->have_s2tlb)
		return false;
	cost_walk_s2tlb_probe(&c->cw, &c->s2tlb);
	e = tlb_lookup(&c->s2tlb, wc_ctx_s2(c->mctx.vmid) & ~TLB_TAG_TABLE, ipa);
	if (!e)
		return false;
	out->oa = tlb_entry_out_addr(e, ipa);
	out->prot = (uint8_t)FIELD_GET(S2E_PROT, e->attrs);
	out->desc = DESC_VALID | DESC_AF | FIELD_PREP(DESC_S2_MEMATTR, FIELD_GET(S2E_MEMATTR, e->attrs)) |
		    (e->attrs & S2E_DBM ? DESC_DBM : 0);
	out->level = (int8_t)e->s2_level;
	out->shift = (uint8_t)tlb_tag_shift(e->tag);
	return true;
}

static void hook_s2_fill(void *ctx, uint64_t ipa, const struct walk_out *out)
{
	struct sim_cpu *c = ctx;
	struct tlb_fill f = {
		.ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S2, c->mctx.vmid, 0, false),
		.in_addr = ipa,
		.out_addr = out->oa,
		.shift = out->shift,
		.block_shift = out->shift,
		.s2_level = (uint8_t)out->level,
		.attrs = (uint32_t)(FIELD_PREP(S2E_PROT, out->prot) |
				    FIELD_PREP(S2E_MEMATTR, FIELD_GET(DESC_S2_MEMATTR, out->desc)) |
				    (out->desc & DESC_DBM ? S2E_DBM : 0)),
	};

	if (c->have_s2tlb)
		tlb_fill(&c->s2tlb, &f);
}

static struct wc *stage_wc(struct sim_cpu *c, const struct walk_params *p, uint64_t *wctx)
{
	if (p->stage == MMU_STAGE2) {
		*wctx = wc_ctx_s2(c->mctx.vmid);
		return c->have_wc_s2 ? &c->wc_s2 : NULL;
	}
	*wctx = wc_ctx_s1(p->regime, c->mctx.vmid, c->mctx.asid);
	return c->have_wc_s1 ? &c->wc_s1 : NULL;
}

static bool hook_wc_lookup(void *ctx, const struct walk_params *p, uint64_t ia,
			   struct walk_start *st)
{
	struct sim_cpu *c = ctx;
	uint64_t wctx;
	struct wc *w = stage_wc(c, p, &wctx);
	struct wc_hit hit;

	if (!w)
		return false;
	cost_walk_wc_probe(&c->cw, w);
	if (!wc_lookup(w, wctx, p->granule_shift, p->start_level, ia, &hit))
		return false;
	/* The cached level-L descriptor points at the level L+1 table. */
	st->level = (int8_t)(hit.level + 1);
	st->table = hit.table;
	st->tattrs = hit.attrs;
	return true;
}

static void hook_wc_fill(void *ctx, const struct walk_params *p, uint64_t ia,
			 const struct walk_out *out, int from)
{
	struct sim_cpu *c = ctx;
	uint64_t wctx;
	struct wc *w = stage_wc(c, p, &wctx);
	struct wc_step steps[WALK_LEVELS];
	unsigned n = 0;

	if (!w)
		return;
	/* Every table descriptor this walk read: level L pointed at
	 * out->table[L + 1]. */
	for (int l = from; l < out->level; l++)
		steps[n++] = (struct wc_step){
			.level = l, .table = out->table[l + 1], .attrs = out->tattrs_at[l + 1],
		};
	if (n)
		wc_fill(w, wctx, p->granule_shift, ia, steps, n);
}

struct mmu_hooks sim_cpu_hooks(struct sim_cpu *cpu)
{
	return (struct mmu_hooks){
		.s2_lookup = hook_s2_lookup, .s2_fill = hook_s2_fill,
		.wc_lookup = hook_wc_lookup, .wc_fill = hook_wc_fill, .ctx = cpu,
	};
}

/* Does a write that @res refuses wait only for a hardware dirty update
 * (SIM_ATTR_HW_DIRTY)? */
static bool hw_dirty(const struct sim_cpu *cpu, uint64_t va, const struct mmu_result *res)
{
	const struct walk_params *p1 = &cpu->mctx.s1[va >> 55 & 1], *p2 = &cpu->mctx.s2;
	bool s1 = res->s1_walked && (res->s1.desc & (DESC_DBM | DESC_AP_RO)) ==
				    (DESC_DBM | DESC_AP_RO) && p1->ha && p1->hd;
	bool s2 = res->s2_walked && (res->s2.desc & (DESC_DBM | DESC_S2AP_W)) == DESC_DBM &&
		  p2->ha && p2->hd;

	return s1 || s2;
}

void sim_fill_tlbs(struct sim_cpu *cpu, enum tlb_side side, uint64_t va,
		   const struct mmu_result *res)
{
	struct tlb_fill f = {
		.ctx = tlb_ctx(cpu->regime, cpu->kind, cpu->mctx.vmid, cpu->mctx.asid, res->global),
		.in_addr = va,
		.out_addr = res->oa,
		.shift = res->shift,
		/* A TLBI by VA must remove every piece of a stage-1 block,
		 * however it was splintered. */
		.block_shift = res->s1_walked ? res->s1.shift : res->shift,
		.s1_level = (uint8_t)(res->s1_walked ? res->s1.level : 0),
		.s2_level = (uint8_t)(res->s2_walked ? res->s2.level : 0),
		.attrs = res->prot | (hw_dirty(cpu, va, res) ? SIM_ATTR_HW_DIRTY : 0),
	};

	tlb_hier_fill(&cpu->tlbs, side, &f);
}

void sim_cpu_invalidate(struct sim_cpu *cpu, const struct tlb_match *m, bool last_level)
{
	tlb_hier_invalidate(&cpu->tlbs, m);
	if (!last_level) {
		if (cpu->have_wc_s1)
			wc_invalidate(&cpu->wc_s1, m);
		if (cpu->have_wc_s2)
			wc_invalidate(&cpu->wc_s2, m);
	}
	if (cpu->have_s2tlb)
		tlb_invalidate(&cpu->s2tlb, m);
}
