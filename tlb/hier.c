/*
 * tlb/hier.c - a hierarchy of TLBs (see tlb/hier.h).
 *
 * The path of each side is computed once at init; a lookup walks it with
 * no allocation.  Upward fills copy the entry that hit, so the upper levels
 * inherit its tags (global flag, ASID, kind) and its payload.
 */
#include "tlb/hier.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int tlb_hier_init(struct tlb_hier *h, const struct tlb_hier_config *c,
		  struct sim_error *err)
{
	bool named[TLB_HIER_MAX_TLBS] = { false };
	int rc;

	memset(h, 0, sizeof(*h));
	if (c->ntlbs < 1 || c->ntlbs > TLB_HIER_MAX_TLBS)
		return sim_error_set(err, SIM_E_CONFIG,
				     "tlb hierarchy: %u TLBs, must be 1..%d",
				     c->ntlbs, TLB_HIER_MAX_TLBS);
	for (unsigned i = 0; i < c->ntlbs; i++) {
		int nx = c->tlbs[i].next;

		if (nx != TLB_HIER_WALK && (nx < 0 || (unsigned)nx >= c->ntlbs || (unsigned)nx == i))
			return sim_error_set(err, SIM_E_CONFIG,
					     "tlb %s: next is %d, must be another of the %u TLBs "
					     "or none", c->tlbs[i].geom.name ? c->tlbs[i].geom.name : "?",
					     nx, c->ntlbs);
		if (nx != TLB_HIER_WALK)
			named[nx] = true;
	}
	for (unsigned i = 0; i < c->ntlbs; i++) {
		int cur = (int)i;

		for (unsigned step = 0; cur != TLB_HIER_WALK; step++, cur = c->tlbs[cur].next)
			if (step > c->ntlbs)
				return sim_error_set(err, SIM_E_CONFIG, "tlb %s: following next "
						     "loops", c->tlbs[i].geom.name ?
						     c->tlbs[i].geom.name : "?");
	}
	h->tlb = calloc(c->ntlbs, sizeof(*h->tlb));
	if (!h->tlb)
		return sim_error_set(err, SIM_E_NOMEM, "tlb hierarchy");
	for (unsigned i = 0; i < c->ntlbs; i++) {
		rc = tlb_init(&h->tlb[i], &c->tlbs[i].geom, err);
		if (rc)
			goto fail;
		h->ntlbs = i + 1;
	}
	for (unsigned side = 0; side < 2; side++) {
		const char *what = side ? "data" : "instruction";
		int cur = TLB_HIER_WALK;

		for (unsigned i = 0; i < c->ntlbs; i++) {
			if (named[i] || !tlb_serves(&h->tlb[i], (enum tlb_side)side))
				continue;
			if (cur != TLB_HIER_WALK) {
				rc = sim_error_set(err, SIM_E_CONFIG, "tlb %s and %s: both serve "
						   "%s accesses first", h->tlb[cur].name,
						   h->tlb[i].name, what);
				goto fail;
			}
			cur = (int)i;
		}
		for (; cur != TLB_HIER_WALK; cur = c->tlbs[cur].next) {
			if (!tlb_serves(&h->tlb[cur], (enum tlb_side)side)) {
				rc = sim_error_set(err, SIM_E_CONFIG, "tlb %s: %s misses go to it, "
						   "but it does not serve them", h->tlb[cur].name,
						   what);
				goto fail;
			}
			if (h->depth[side] == TLB_HIER_MAX_DEPTH) {
				rc = sim_error_set(err, SIM_E_CONFIG, "tlb hierarchy: the %s path "
						   "is longer than %d TLBs", what, TLB_HIER_MAX_DEPTH);
				goto fail;
			}
			h->path[side][h->depth[side]++] = &h->tlb[cur];
		}
	}
	tlb_hier_set_memo(h, c->memo);
	return 0;
fail:
	tlb_hier_destroy(h);
	return rc;
}

void tlb_hier_destroy(struct tlb_hier *h)
{
	for (unsigned i = 0; i < h->ntlbs; i++)
		tlb_destroy(&h->tlb[i]);
	free(h->tlb);
	h->tlb = NULL;
	h->ntlbs = 0;
	h->depth[0] = h->depth[1] = 0;
}

bool tlb_hier_lookup_below(struct tlb_hier *h, enum tlb_side side,
			   uint64_t ctx, uint64_t addr,
			   struct tlb_hier_result *r)
{
	for (unsigned d = 1; d < h->depth[side]; d++) {
		struct tlb *t = h->path[side][d];
		const struct tlb_entry *e = tlb_lookup(t, ctx, addr);

		if (!e)
			continue;
		r->entry = e;
		r->tlb = t;
		r->depth = (int)d;
		r->looked = d + 1;
		r->out_addr = tlb_entry_out_addr(e, addr);
		/* Fill the levels above with the entry found. */
		struct tlb_fill f = {
			.ctx = e->tag,
			.in_addr = addr,
			.out_addr = r->out_addr,
			.shift = (uint8_t)tlb_tag_shift(e->tag),
			.block_shift = (uint8_t)tlb_tag_block(e->tag),
			.s1_level = e->s1_level,
			.s2_level = e->s2_level,
			.attrs = e->attrs,
		};
		for (unsigned u = 0; u < d; u++)
			tlb_fill(h->path[side][u], &f);
		return true;
	}
	r->entry = NULL;
	r->tlb = NULL;
	r->depth = -1;
	r->looked = h->depth[side];
	return false;
}

unsigned tlb_hier_fill(struct tlb_hier *h, enum tlb_side side,
		       const struct tlb_fill *f)
{
	unsigned n = 0;

	for (unsigned d = 0; d < h->depth[side]; d++)
		n += tlb_fill(h->path[side][d], f) == 0;
	return n;
}

unsigned tlb_hier_invalidate(struct tlb_hier *h, const struct tlb_match *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h->ntlbs; i++)
		n += tlb_invalidate(&h->tlb[i], m);
	return n;
}

void tlb_hier_set_memo(struct tlb_hier *h, bool on)
{
	for (unsigned i = 0; i < h->ntlbs; i++) {
		struct tlb *t = &h->tlb[i];
		bool first = (h->depth[0] && h->path[0][0] == t) ||
			(h->depth[1] && h->path[1][0] == t);

		tlb_set_memo(t, on && first);
	}
}

struct tlb *tlb_hier_find(struct tlb_hier *h, const char *name)
{
	for (unsigned i = 0; i < h->ntlbs; i++)
		if (strcmp(h->tlb[i].name, name) == 0)
			return &h->tlb[i];
	return NULL;
}
