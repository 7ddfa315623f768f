/*
 * sim/replay.c - the per-access path: a record's lookups in the TLB
 * hierarchy, the walk of a miss, page-crossing accesses, the single-space
 * control records, the warmup snapshot, and the fast paths (run.fast_path)
 * that give the same statistics with less work.  See sim/sim.h.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "sim/sim_impl.h"
#include "tlb/tlbi.h"

/*
 * A miss in every TLB level, or a write that a writable-clean entry
 * refused with hardware dirty management: map on demand, age (@age: the
 * first miss of an access, not the walk that retries it after a fixed
 * fault), walk, charge, fill.  A fault the OS or the hypervisor resolves
 * sets *@retry.
 */
static int sim_walk(struct sim_cpu *cpu, enum tlb_side side, uint64_t va, struct mmu_access acc,
		    bool age, bool *retry, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct mmu_result res;
	struct os_touch touch;
	unsigned s1r, s2r;
	int rc;

	*retry = false;
	if ((rc = os_fault(&s->os, cpu->proc, va, acc.type, &touch, err)) ||
	    (age && (rc = os_age(&s->os, cpu->proc, va, &touch, err))))
		return rc;
	cost_walk_start(&cpu->cw);
	rc = mmu_translate_cached(&cpu->mctx, &s->mem, &cpu->hooks, va, acc, cpu->two_stage, &res,
				  &cpu->refs);
	if (rc < 0)
		return sim_error_set(err, rc, "walk of 0x%llx: %s", (unsigned long long)va,
				     s->pm.err.code ? s->pm.err.msg : sim_strerror(rc));

	for (unsigned i = 0; i < cpu->refs.n; i++) {
		const struct mmu_ref *ref = &cpu->refs.ref[i];

		cost_walk_ref(&cpu->cw, &cpu->ptc, ref, ptc_access(&cpu->ptc, ref->pa));
	}
	cost_walk_end(&s->cost, &cpu->cw);
	s1r = res.s1_reads;
	s2r = res.s2_reads;
	s->c[SIM_C_WALKS]++;
	s->c[SIM_C_WALK_REFS] += s1r + s2r;
	s->c[SIM_C_WALK_S1_REFS] += s1r;
	s->c[SIM_C_WALK_S2_REFS] += s2r;
	s->c[SIM_C_WALK_WRITES] += res.writes;
	s->c[SIM_C_S1_SAVED] += res.s1_saved;
	s->c[SIM_C_S2_SAVED] += res.s2_saved;
	stats_hist_add(&s->h_walk_refs, s1r + s2r);
	stats_hist_add(&s->h_walk_s1_refs, s1r);
	stats_hist_add(&s->h_walk_s2_refs, s2r);

	if (rc == 1)
		return sim_walk_fault(cpu, va, acc, &res.fault, retry, err);
	sim_fill_tlbs(cpu, side, va, &res);
	return 0;
}

/* Retries of one access after fixed faults: an access takes at most an
 * access-flag and a dirty-state fault per stage, and an access-flag fault
 * at stage 2 on a table fetch; more is a defect, reported. */
#define SIM_MAX_RETRIES 8

static inline __attribute__((always_inline)) int
sim_translate(struct sim_cpu *cpu, enum tlb_side side, uint64_t va, struct mmu_access acc,
	      struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct tlb_hier_result hr;
	bool hit, retry;
	int rc;

	s->c[SIM_C_TRANSLATIONS]++;
	for (unsigned tries = 0;; tries++) {
		if (tries > SIM_MAX_RETRIES)
			return sim_error_set(err, SIM_E_INVAL,
					     "access to VA 0x%llx still faults after %u fixed faults",
					     (unsigned long long)va, SIM_MAX_RETRIES);
		hit = tlb_hier_lookup(&cpu->tlbs, side, cpu->tlb_ctx, va, &hr);
		cost_tlb_lookup(&s->cost, side, &hr);
		if (hit && __builtin_expect(mmu_prot_allows(hr.entry->attrs & SIM_ATTR_PROT, acc), 1))
			return 0;
		if (hit && (hr.entry->attrs & SIM_ATTR_HW_DIRTY)) {
			/* the PE updates the descriptor: a walk (Arm ARM D8.5.2) */
			s->c[SIM_C_DIRTY_WALKS]++;
		} else if (hit && acc.type == MMU_ACC_WRITE) {
			/* a permission fault from the entry */
			if ((rc = sim_write_refused(cpu, va, &retry, err)))
				return rc;
			if (retry)
				continue;
			/* not one the OS resolves: the walk finds the fault */
		}
		if ((rc = sim_walk(cpu, side, va, acc, !tries && !hit, &retry, err)) || !retry)
			return rc;
	}
}

static int sim_control(struct sim_cpu *cpu, const struct trace_rec *r, struct sim_error *err)
{
	struct sim *s = cpu->sim;

	if (s->wl)
		return sim_wl_control(cpu, r, err);
	/* The one-level preset is a cache whose block is a page: one address
	 * space, no flushes; a trace's switches and TLBIs are only counted. */
	if (s->control_ignored) {
		s->c[SIM_C_CONTROL]++;
		return 0;
	}
	/* One address space: a switch to another needs the multi-space model
	 * (sim.h), but with stage 1 off the processes of a VM share its IPA
	 * space and VMID, so a context switch changes nothing. */
	if (r->kind == TRACE_VM_SWITCH ||
	    (r->kind == TRACE_CTX_SWITCH && s->cfg.run.mode != CFG_MODE_S2ONLY))
		return SIM_STEP_SPACES;
	s->c[SIM_C_CONTROL]++;
	if (r->kind == TRACE_TLBI) {
		struct tlbi_args a = {
			.regime = tlbi_target_regime((enum tlbi_op)r->tlbi.op, false, false),
			.vmid = cpu->mctx.vmid, .asid = r->tlbi.asid, .addr = r->va,
		};
		struct tlb_match m;
		int rc = tlbi_match((enum tlbi_op)r->tlbi.op, &a, &m, err);

		if (rc)
			return rc;
		s->c[SIM_C_TLBI]++;
		sim_cpu_invalidate(cpu, &m, tlbi_is_last_level((enum tlbi_op)r->tlbi.op));
	}
	return 0;
}

/* One memory access, through the full path. */
static inline __attribute__((always_inline)) int
sim_access(struct sim_cpu *cpu, const struct trace_rec *r, uint64_t page_mask, uint64_t page_size,
	   struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct mmu_access acc;
	enum tlb_side side;
	uint64_t va, last, walks;
	bool first_walked;
	int rc;

	s->c[SIM_C_ACCESSES]++;
	side = r->kind == TRACE_FETCH ? TLB_SIDE_INSTR : TLB_SIDE_DATA;
	acc.type = (enum mmu_acc_type)r->kind;
	acc.el = cpu->el;
	va = r->va;
	/* a workload's record in the kernel half is a kernel access */
	if (s->wl && !acc.el && (va >> 55 & 1))
		acc.el = 1;
	walks = s->c[SIM_C_WALKS];
	if ((rc = sim_translate(cpu, side, va, acc, err)))
		return rc;
	/* Page-crossing accesses: every further page the access
	 * touches, lowest first. */
	last = r->size ? va + r->size - 1 : va;
	if (!((last ^ va) & page_mask) || last < va)
		return 0;
	s->c[SIM_C_CROSSINGS]++;
	if (s->cfg.run.crossing != CFG_CROSSING_SPLIT)
		return 0;
	first_walked = s->c[SIM_C_WALKS] != walks;
	walks = s->c[SIM_C_WALKS];
	for (va = (va & page_mask) + page_size; va && va <= last; va += page_size)
		if ((rc = sim_translate(cpu, side, va, acc, err)))
			return rc;
	/* A simulator that counts at most one miss per access (a cache
	 * whose block is a page) reports exactly these fewer misses. */
	if (first_walked && s->c[SIM_C_WALKS] != walks)
		s->cross_walked_twice[side]++;
	return 0;
}

/* One trace record, through the full path.  The warmup snapshot is taken
 * once the run.warmup-th access has been completely simulated, so the
 * statistics cover exactly the accesses after it. */
static inline __attribute__((always_inline)) int
sim_step_one(struct sim_cpu *cpu, const struct trace_rec *r, uint64_t page_mask,
	     uint64_t page_size, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	int rc;

	if (!trace_is_access(r))
		return sim_control(cpu, r, err);
	rc = sim_access(cpu, r, page_mask, page_size, err);
	if (s->warmup_left && !--s->warmup_left) {
		sim_sync_stats(s);
		stats_snapshot(&s->reg);
	}
	return rc;
}

/* The access kinds (bit n: enum mmu_acc_type n) that TLB entry
 * attributes @attrs allow at exception level @el. */
static unsigned allowed_kinds(uint32_t attrs, uint8_t el)
{
	unsigned m = 0;

	for (unsigned k = MMU_ACC_READ; k <= MMU_ACC_FETCH; k++)
		if (mmu_prot_allows(attrs & SIM_ATTR_PROT,
				    (struct mmu_access){ .type = (enum mmu_acc_type)k, .el = el }))
			m |= 1u << k;
	return m;
}

/*
 * Fast path (run.fast_path): replay recs[i..n) while every record is an
 * access within one page that the first-level TLB's own last-hit memo
 * answers and whose entry allows it.  Such an access does nothing but count: the access, the
 * translation, a lookup and a hit of the first-level TLB, and its latency
 * (tlb_lookup() and sim_translate() do exactly that on a memo hit, and
 * change no memo).  As nothing else runs meanwhile, the two memos are read
 * once and the counts are added at the end, before any other code can read
 * them; the run stops one access before the warmup snapshot.
 * Return: the index of the first record left for sim_step_one().
 */
static size_t sim_fast_run(struct sim_cpu *cpu, const struct trace_rec *recs, size_t i, size_t n,
			   uint64_t page_mask)
{
	struct sim *s = cpu->sim;
	uint64_t base[2], mask[2], hits[2] = { 0, 0 }, count;
	unsigned allow[2];
	bool ok[2];
	size_t start = i, end = n;

	for (int side = 0; side < 2; side++) {
		const struct tlb *t = cpu->l1[side];

		base[side] = mask[side] = 0;
		allow[side] = 0;
		ok[side] = t && tlb_memo_span(t, cpu->tlb_ctx, &base[side], &mask[side]);
		if (ok[side])   /* sim_access()'s exception level for the page */
			allow[side] = allowed_kinds(t->memo.e->attrs,
						    cpu->el || (s->wl && (base[side] >> 55 & 1)));
	}
	if (!ok[0] && !ok[1])
		return i;
	if (s->warmup_left && s->warmup_left - 1 < n - i)
		end = i + (size_t)(s->warmup_left - 1);
	for (; i < end; i++) {
		const struct trace_rec *r = &recs[i];
		uint64_t va = r->va, last = r->size ? va + r->size - 1 : va;
		unsigned side;

		if (r->kind > TRACE_FETCH)
			break;
		side = r->kind == TRACE_FETCH ? TLB_SIDE_INSTR : TLB_SIDE_DATA;
		if (((last ^ va) & page_mask) || !ok[side] || ((va ^ base[side]) & mask[side]) ||
		    !(allow[side] >> r->kind & 1))
			break;
		hits[side]++;
	}
	count = (uint64_t)(i - start);
	if (!count)
		return i;
	if (s->warmup_left)
		s->warmup_left -= count;
	s->c[SIM_C_ACCESSES] += count;
	s->c[SIM_C_TRANSLATIONS] += count;
	for (int side = 0; side < 2; side++) {
		struct tlb *t = cpu->l1[side];

		if (!hits[side])
			continue;
		tlb_memo_hits(t, hits[side]);
		cost_tlb_memo_hits(&s->cost, (enum tlb_side)side, hits[side]);
	}
	return i;
}

int sim_cpu_replay(struct sim_cpu *cpu, const struct trace_rec *recs, size_t n, size_t *failed_at,
		   struct sim_error *err)
{
	struct sim *s = cpu->sim;
	const uint64_t page_mask = ~bits_low_mask(s->page_shift);
	const uint64_t page_size = UINT64_C(1) << s->page_shift;
	const bool fast = s->cfg.run.fast_path;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (fast) {
			i = sim_fast_run(cpu, recs, i, n, page_mask);
			if (i == n)
				break;
		}
		if ((rc = sim_step_one(cpu, &recs[i], page_mask, page_size, err))) {
			*failed_at = i;
			return rc;
		}
	}
	return 0;
}

int sim_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err)
{
	size_t at = 0;
	int rc;

	if (!s->wl)
		return (rc = sim_cpu_replay(&s->cpu[0], recs, n, &at, err)) ? (s->step_failed_at = at, rc) : 0;
	rc = sim_wl_step(s, recs, n, err);
	sim_sync_stats(s);
	return rc;
}
