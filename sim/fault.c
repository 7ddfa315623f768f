/*
 * sim/fault.c - the faults the OS and the hypervisor take and resolve
 * during a run, and the access they then retry: an access-flag fault on an
 * old page without hardware AF management, and the permission fault of a
 * first write to a writable-clean page without hardware dirty management,
 * whether a walk found it or a TLB entry refused the write.  The handlers
 * are workloads/os.c's (os_fix_fault(), os_fix_write()); here is the TLB
 * maintenance each issues, and the counting.
 *
 * Semantic choices:
 *  - A write that a TLB entry refuses is a permission fault taken from the
 *    entry, without a walk, unless the entry says the PE may make the page
 *    dirty itself (SIM_ATTR_HW_DIRTY): then it walks again and the walk
 *    writes the descriptor (sim/replay.c).
 *  - Stage 1 made writable: Linux's flush_tlb_page() of the stale
 *    read-only entry, TLBI VALE1IS per page of the leaves changed (every
 *    CPU, or local TLBIs and IPIs by [policy] tlbi_scope in a workload).
 *    Stage 2 made writable: KVM's __kvm_tlb_flush_vmid_ipa_nsh(), TLBI
 *    IPAS2E1 per page and one TLBI VMALLE1, on this CPU only.  An access
 *    flag set: no TLBI, as no TLB holds an entry with AF clear.
 *  - The faulting access is then executed again (fault_retries), from its
 *    TLB lookup; the cycles of the handlers themselves are the cost
 *    model's to charge, from the fault counts of the "os" block.
 */
#include "sim/sim_impl.h"

/* One TLBI of a fault handler: on every CPU (@all) or this one. */
static int fix_tlbi(struct sim_cpu *cpu, enum tlbi_op op, uint64_t addr, bool all,
		    struct sim_error *err)
{
	struct sim *s = cpu->sim;
	bool last = tlbi_is_last_level(op);
	struct tlb_match m;
	int rc;

	s->c[SIM_C_FAULT_TLBIS]++;
	if (s->wl) {
		if ((rc = sim_tlbi_from(cpu, op, cpu->mctx.asid, addr, &m, err)))
			return rc;
		if (all)
			sim_maint_all(cpu, &m, last);
		else
			sim_maint_local(cpu, &m, last);
		return 0;
	}
	{
		struct tlbi_args a = {
			.regime = tlbi_target_regime(op, false, false),
			.vmid = cpu->mctx.vmid, .asid = cpu->mctx.asid, .addr = addr,
		};

		if ((rc = tlbi_match(op, &a, &m, err)))
			return rc;
	}
	sim_cpu_invalidate(cpu, &m, last);
	return 0;
}

/* The maintenance after @fx, and the retry it leads to. */
static int fixed(struct sim_cpu *cpu, const struct os_fix *fx, bool *retry,
		 struct sim_error *err)
{
	bool s2 = fx->kind == OS_FIX_S2_AF || fx->kind == OS_FIX_S2_DIRTY;
	int rc;

	if (fx->tlbi) {
		for (unsigned i = 0; i < fx->n; i++)
			if ((rc = fix_tlbi(cpu, s2 ? TLBI_IPAS2E1 : TLBI_VALE1,
					   fx->addr + ((uint64_t)i << fx->shift), !s2, err)))
				return rc;
		if (s2 && (rc = fix_tlbi(cpu, TLBI_VMALLE1, 0, false, err)))
			return rc;
	}
	cpu->sim->c[SIM_C_FAULT_RETRIES]++;
	*retry = true;
	return 0;
}

int sim_walk_fault(struct sim_cpu *cpu, uint64_t va, struct mmu_access acc,
		   const struct mmu_fault *f, bool *retry, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct os_fix fx;
	int rc;

	*retry = false;
	if ((rc = os_fix_fault(&s->os, cpu->proc, va, acc.type, f, &fx, err)))
		return rc;
	if (fx.kind == OS_FIX_NONE) {
		/* The OS model mapped the page, so this fault means the
		 * configuration forbids the access; count it, cache nothing. */
		s->c[SIM_C_WALK_FAULTS]++;
		return 0;
	}
	return fixed(cpu, &fx, retry, err);
}

int sim_write_refused(struct sim_cpu *cpu, uint64_t va, bool *retry, struct sim_error *err)
{
	struct os_fix fx;
	int rc;

	*retry = false;
	if ((rc = os_fix_write(&cpu->sim->os, cpu->proc, va, &fx, err)))
		return rc;
	return fx.kind == OS_FIX_NONE ? 0 : fixed(cpu, &fx, retry, err);
}
