/*
 * sim/virt.c - the virtualization model of a workload run: the host, the
 * VMs and their address spaces, world switches and the flush policies,
 * and TLB maintenance.  The scheduler that drives it is sim/sched.c.
 *
 * The model, in the order things happen on a CPU:
 *
 *  - Spaces.  Every process is a struct sim_space: an os_proc in its VM (or
 *    on the host) with the id word its ASID allocator keeps for it.  Trace
 *    records name spaces by (VM id, process id); unknown ones are created
 *    on first use with the configuration's defaults.
 *  - Switching to a space (the scheduler, or a context- or VM-switch
 *    record): leaving a guest for the host or another VM is a world switch
 *    (KVM's vcpu_put: the CPU's active VMID stops being reserved); entering
 *    a VM first switches the host to the VM's VMM process (host ASID
 *    allocator), then enters the guest (VMID allocator, every entry), then
 *    the guest OS switches to the process (the VM's ASID allocator).  A
 *    switch between processes of the VM that is loaded is the guest's
 *    business only.  Every allocator flush is applied at once: a local
 *    TLBI VMALLE1 of the allocator's contexts, or the VMID rollover's
 *    ALLE1 on every CPU.
 *  - Policies ([policy]): without VMID tagging every context has VMID 0;
 *    with global kernel mappings every world switch then flushes every TLB
 *    and walk cache of the CPU, with non-global ones the host and the
 *    guests share the host's ASID allocator and only the stage-2 TLB and
 *    walk cache are flushed when the CPU changes VM.  Without VHE the host
 *    runs in EL1&0 with VMID 0 and exit handlers in the EL2 regime, with
 *    the hypervisor's own mappings; with VHE the host runs in EL2&0 and
 *    handles exits there, in the context of the VM's VMM process, through
 *    the host kernel's mappings (the handler's data is kernel data).
 *  - Maintenance that must reach every CPU is one broadcast TLBI or, with
 *    tlbi_scope = local, a local TLBI on each CPU and an IPI to each other
 *    CPU; every TLBI is priced ([policy] *_cycles) into maintenance.cycles
 *    and translation_cycles.
 *  - The VMM processes and the hypervisor's address space are the model's
 *    own, not processes of the workload.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_impl.h"

/* ---- maintenance ---- */

void sim_maint_local(struct sim_cpu *cpu, const struct tlb_match *m, bool last_level)
{
	struct sim *s = cpu->sim;

	sim_cpu_invalidate(cpu, m, last_level);
	s->wl->maint[WL_M_LOCAL]++;
	cost_maint(&s->cost, COST_TLBI_LOCAL);
}

void sim_maint_all(struct sim_cpu *issuer, const struct tlb_match *m, bool last_level)
{
	struct sim *s = issuer->sim;
	const struct cfg_policy *p = &s->cfg.policy;

	if (p->tlbi_scope == CFG_TLBI_BROADCAST) {
		for (unsigned i = 0; i < s->ncpus; i++)
			sim_cpu_invalidate(&s->cpu[i], m, last_level);
		s->wl->maint[WL_M_BCAST]++;
		cost_maint(&s->cost, COST_TLBI_BROADCAST);
		return;
	}
	for (unsigned i = 0; i < s->ncpus; i++) {
		sim_maint_local(&s->cpu[i], m, last_level);
		if (&s->cpu[i] != issuer) {
			s->wl->maint[WL_M_IPI]++;
			cost_maint(&s->cost, COST_IPI);
		}
	}
}

static void match_everything(struct tlb_match *m)
{
	*m = (struct tlb_match){
		.tag = TLB_TAG_VALID, .tag_mask = TLB_TAG_VALID, .addr_mask = 0,
		.block_sel = TLB_MATCH_BLOCK,
	};
}

/* Stage-2-only entries of VMID 0 (the stage-2 TLB and walk cache without
 * VMID tagging). */
static void match_stage2(struct tlb_match *m)
{
	*m = (struct tlb_match){
		.tag = TLB_TAG_VALID | TLB_TAG_KIND_S2,
		.tag_mask = TLB_TAG_VALID | TLB_TAG_KIND_S2,
		.addr_mask = 0, .block_sel = TLB_MATCH_BLOCK,
	};
}

/* The stage-1 regime a host context runs in. */
static enum mmu_regime host_regime(const struct sim_wl *w)
{
	return w->vhe && !w->native ? MMU_REGIME_EL20 : MMU_REGIME_EL10;
}

/* After an ASID rollover: the local TLBI VMALLE1 of every context that
 * takes its ASIDs from @a. */
static void asid_rollover_flush(struct sim_cpu *cpu, const struct asid_alloc *a)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct tlb_match m;

	s->wl->maint[WL_M_ASID_FLUSH]++;
	if (a == &w->host_asids) {
		tlbi_match_vmalle1(&m, host_regime(w), 0);
		sim_maint_local(cpu, &m, false);
		if (!w->tagging && !w->kernel_global)
			/* shared with every guest, all of VMID 0 */
			for (size_t i = 1; i < w->nvms; i++)
				if (w->vms[i]->asids == a && host_regime(w) != MMU_REGIME_EL10) {
					tlbi_match_vmalle1(&m, MMU_REGIME_EL10, 0);
					sim_maint_local(cpu, &m, false);
					break;
				}
		return;
	}
	for (size_t i = 1; i < w->nvms; i++)
		if (w->vms[i]->asids == a) {
			tlbi_match_vmalle1(&m, MMU_REGIME_EL10, w->vms[i]->vmid);
			sim_maint_local(cpu, &m, false);
			return;
		}
}

/* ---- spaces and VMs ---- */

static int push(void *arrp, size_t *n, size_t *cap, void *item)
{
	void ***arr = arrp;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void **q = realloc(*arr, nc * sizeof(**arr));

		if (!q)
			return SIM_E_NOMEM;
		*arr = q;
		*cap = nc;
	}
	(*arr)[(*n)++] = item;
	return 0;
}

/* A process of @vm with id @id; @listed: one records can name (not a
 * VMM). */
static int space_new(struct sim *s, struct sim_vm *vm, uint32_t id, bool listed,
		     struct sim_space **out, struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	struct os_proc_cfg pc = { .regime = vm->guest ? MMU_REGIME_EL10 : host_regime(w) };
	struct sim_space *sp = calloc(1, sizeof(*sp));
	int rc;

	if (!sp)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if (listed && push(&vm->spaces, &vm->nspaces, &vm->spaces_cap, sp)) {
		free(sp);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	*out = sp;
	sp->vm = vm;
	sp->id = id;
	if ((rc = os_proc_create(&s->os, vm->guest ? vm->ovm : NULL, &pc, &sp->proc, err)))
		return rc;
	return 0;
}

static int space_create(struct sim *s, struct sim_vm *vm, uint32_t id, struct sim_space **out,
			struct sim_error *err)
{
	return space_new(s, vm, id, true, out, err);
}

struct sim_space *sim_space_find(const struct sim_vm *vm, uint32_t id)
{
	for (size_t i = 0; i < vm->nspaces; i++)
		if (vm->spaces[i]->id == id)
			return vm->spaces[i];
	return NULL;
}

static struct sim_vm *vm_find(const struct sim_wl *w, uint32_t id)
{
	for (size_t i = 0; i < w->nvms; i++)
		if (w->vms[i]->id == id)
			return w->vms[i];
	return NULL;
}

/* Where the kernel half starts: the lowest TTBR1 address. */
static uint64_t kernel_half_base(unsigned va_bits)
{
	return ~UINT64_C(0) << va_bits;
}

int sim_kgen_create(const struct wl_kstream *k, uint64_t base, uint64_t seed, struct gen **g,
		    struct sim_error *err)
{
	struct gen_params p;

	gen_params_init(&p);
	p.pattern = k->pattern;
	p.seed = seed;
	p.accesses = 0;
	p.base = base;
	p.footprint = k->footprint;
	p.write_frac = 0.3;
	return gen_create(g, &p, err);
}

/* A VM (or, @wv NULL and @id 0, the host) with its kernel streams. */
static int vm_create(struct sim *s, const struct wl_vm *wv, uint32_t id, struct sim_vm **out,
		     struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	const struct sim_config *c = &s->cfg;
	struct sim_vm *vm = calloc(1, sizeof(*vm));
	int rc;

	if (!vm || push(&w->vms, &w->nvms, &w->vms_cap, vm)) {
		free(vm);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	vm->w = wv;
	vm->id = id;
	if (wv)
		snprintf(vm->name, sizeof(vm->name), "%s", wv->name);
	else if (id)
		snprintf(vm->name, sizeof(vm->name), "vm%u", (unsigned)id);
	else
		snprintf(vm->name, sizeof(vm->name), "host");
	vm->guest = id && !w->native;
	vm->kernel = id ? (struct wl_kstream){ .footprint = UINT64_C(8) << 20, .pattern = GEN_ZIPF }
			: w->w->host_kernel;
	if (wv) {
		vm->kernel = wv->kernel;
		vm->exit_every = wv->exit_every;
		vm->exit_accesses = wv->exit_accesses;
		vm->exit_host_accesses = wv->exit_host_accesses;
	}
	vm->asids = &w->host_asids;
	if (vm->guest) {
		uint32_t huge_ppm = wv && wv->huge_ppm != UINT32_MAX ? wv->huge_ppm
								     : c->stage2.huge_ppm;
		struct os_vm_cfg vc;
		int sl = wv && wv->start_level != WL_UNSET ? wv->start_level : c->stage2.start_level;
		struct asid_alloc_cfg ac = { .kind = ASID_KIND_ASID, .bits = c->policy.asid_bits,
					     .ncpus = s->ncpus };

		/* the VM's own settings, else [stage2]'s */
		sim_os_vm_cfg(c, huge_ppm, &vc);
		if (wv && wv->granule_shift)
			vc.s2_granule_shift = wv->granule_shift;
		if (wv && wv->ipa_bits)
			vc.ipa_bits = wv->ipa_bits;
		if (wv && wv->blocks != WL_UNSET)
			vc.s2_policy = sim_map_policy((enum cfg_blocks)wv->blocks);
		vc.s2_only = w->s2only;
		vc.guest.kernel_ng = !c->policy.kernel_global;
		vc.s2_start_forced = sl != CFG_LEVEL_AUTO;
		vc.s2_start_level = sl;
		if ((rc = os_vm_create(&s->os, &vc, &vm->ovm, err)))
			return rc;
		if (w->tagging || w->kernel_global) {
			vm->asids = calloc(1, sizeof(*vm->asids));
			if (!vm->asids)
				return sim_error_set(err, SIM_E_NOMEM, "out of memory");
			if ((rc = asid_alloc_init(vm->asids, &ac, err))) {
				free(vm->asids);
				vm->asids = &w->host_asids;
				return rc;
			}
		}
		/* the VMM is the model's own process, not one records can name */
		if ((rc = space_new(s, w->vms[0], 0, false, &vm->vmm, err)))
			return rc;
	} else {
		vm->ovm = s->os.host;
	}
	vm->kernel_base = kernel_half_base(c->stage1.ia_bits);
	if (vm->kernel.footprint > UINT64_C(1) << (c->stage1.ia_bits - 1))
		return sim_error_set(err, SIM_E_CONFIG, "%s: kernel_footprint 0x%llx does not fit "
				     "the kernel's %u-bit VA range", vm->name,
				     (unsigned long long)vm->kernel.footprint, c->stage1.ia_bits - 1);
	vm->kgen = calloc(s->ncpus, sizeof(*vm->kgen));
	if (!vm->kgen)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	*out = vm;
	return 0;
}

int sim_vm_kgen(struct sim *s, struct sim_vm *vm, unsigned cpu, struct gen **g,
		struct sim_error *err)
{
	int rc;

	if (!vm->kgen[cpu] &&
	    (rc = sim_kgen_create(&vm->kernel, vm->kernel_base,
				  s->wl->w->seed * 7919 + vm->id * 131 + cpu + 1, &vm->kgen[cpu], err)))
		return rc;
	*g = vm->kgen[cpu];
	return 0;
}

int sim_space_get(struct sim *s, struct sim_vm *vm, uint32_t id, struct sim_space **out,
		  struct sim_error *err)
{
	*out = sim_space_find(vm, id);
	return *out ? 0 : space_create(s, vm, id, out, err);
}

int sim_vm_get(struct sim *s, uint32_t id, struct sim_vm **out, struct sim_error *err)
{
	*out = vm_find(s->wl, id);
	return *out ? 0 : vm_create(s, NULL, id, out, err);
}

/* ---- switching ---- */

void sim_enter_context(struct sim_cpu *cpu, struct sim_space *sp, uint8_t el)
{
	sim_cpu_set_context(cpu, sp->proc, sp->asid, sp->vm->guest ? sp->vm->vmid : 0,
			    sp->vm->guest, el);
}

/* An ASID switch of @cpu to @sp through its allocator, with its flush. */
static int asid_to(struct sim_cpu *cpu, struct sim_space *sp, struct sim_error *err)
{
	struct asid_switch_result r;
	int rc = asid_switch(sp->vm->asids, cpu->index, &sp->asid_word, &r);

	if (rc)
		return sim_error_set(err, rc, "ASID allocator: cannot switch CPU %u", cpu->index);
	sp->asid = r.asid;
	if (r.flush)
		asid_rollover_flush(cpu, sp->vm->asids);
	return 0;
}

void sim_world_switch(struct sim_cpu *cpu, struct sim_vm *vm)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	struct tlb_match m;

	w->ev[WL_E_WORLD]++;
	if (w->tagging)
		return;
	if (w->kernel_global) {
		/* nothing tells the guest's entries from the host's */
		match_everything(&m);
		sim_maint_local(cpu, &m, false);
		w->maint[WL_M_WORLD_FLUSH]++;
	} else if (vm && wc->s2_vm != vm) {
		/* stage 1 is kept apart by ASID; stage 2 is not */
		match_stage2(&m);
		sim_maint_local(cpu, &m, false);
		w->maint[WL_M_S2_FLUSH]++;
		wc->s2_vm = vm;
	}
}

int sim_guest_entry(struct sim_cpu *cpu, struct sim_vm *vm, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];

	if (w->have_vmids) {
		struct asid_switch_result r;
		int rc = asid_switch(&w->vmids, cpu->index, &vm->vmid_word, &r);

		if (rc)
			return sim_error_set(err, rc, "VMID allocator: cannot switch CPU %u",
					     cpu->index);
		vm->vmid = r.asid;
		if (r.flush) {
			struct tlb_match m;

			tlbi_match_alle1(&m);
			sim_maint_all(cpu, &m, false);
			w->maint[WL_M_VMID_FLUSH]++;
		}
		if (r.kick_all)
			for (unsigned i = 0; i < s->ncpus; i++)
				if (i != cpu->index && w->cpu[i].loaded)
					w->cpu[i].kicked = true;
	}
	wc->kicked = false;
	sim_world_switch(cpu, vm);
	return 0;
}

/* Leave the loaded guest (KVM's vcpu_put) for the host. */
static void guest_leave(struct sim_cpu *cpu)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];

	if (!wc->loaded)
		return;
	if (w->have_vmids && !w->vmids.cfg.old_vmid_scheme)
		asid_put(&w->vmids, cpu->index);
	sim_world_switch(cpu, NULL);
	wc->loaded = NULL;
}

int sim_switch_to(struct sim_cpu *cpu, struct sim_space *sp, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	if (wc->running == sp)
		return 0;
	w->ev[WL_E_CTX]++;
	if (sp->vm->guest) {
		if (wc->loaded != sp->vm) {
			guest_leave(cpu);
			/* the host runs the VMM's vCPU thread, which enters */
			if ((rc = asid_to(cpu, sp->vm->vmm, err)))
				return rc;
			wc->loaded = sp->vm;
			if ((rc = sim_guest_entry(cpu, sp->vm, err)))
				return rc;
			wc->exit_left = sp->vm->exit_every;
		}
	} else {
		guest_leave(cpu);
	}
	/* a guest with stage 1 off has no ASIDs */
	if (!(sp->vm->guest && w->s2only) && (rc = asid_to(cpu, sp, err)))
		return rc;
	wc->running = sp;
	sim_enter_context(cpu, sp, 0);
	return 0;
}

int sim_tlbi_from(struct sim_cpu *cpu, enum tlbi_op op, uint16_t asid, uint64_t addr,
		  struct tlb_match *m, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	bool host = !cpu->two_stage;
	bool e2h = w->vhe && !w->native;
	struct tlbi_args a = {
		.regime = tlbi_target_regime(op, e2h, e2h && host),
		.vmid = cpu->mctx.vmid, .asid = asid, .addr = addr,
	};

	return tlbi_match(op, &a, m, err);
}

/* ---- construction ---- */

static void vm_free(struct sim_wl *w, struct sim_vm *vm, unsigned ncpus)
{
	for (size_t i = 0; i < vm->nspaces; i++)
		free(vm->spaces[i]);
	free(vm->spaces);
	free(vm->vmm);
	if (vm->kgen)
		for (unsigned i = 0; i < ncpus; i++)
			gen_destroy(vm->kgen[i]);
	free(vm->kgen);
	if (vm->asids && vm->asids != &w->host_asids) {
		asid_alloc_destroy(vm->asids);
		free(vm->asids);
	}
	free(vm);
}

/* The configuration a VM's stage 2 amounts to: [stage2] with its keys. */
static void vm_config(const struct sim_config *cfg, const struct wl_vm *v, struct sim_config *out)
{
	*out = *cfg;
	if (v->granule_shift)
		out->stage2.granule_shift = v->granule_shift;
	if (v->ipa_bits)
		out->stage2.ia_bits = v->ipa_bits;
	if (v->start_level != WL_UNSET)
		out->stage2.start_level = v->start_level;
	if (v->blocks != WL_UNSET)
		out->stage2.blocks = (enum cfg_blocks)v->blocks;
	if (v->huge_ppm != UINT32_MAX)
		out->stage2.huge_ppm = v->huge_ppm;
}


int sim_virt_build(struct sim *s, const struct workload *wl, struct sim_error *err)
{
	const struct sim_config *c = &s->cfg;
	const struct cfg_policy *pol = &c->policy;
	struct sim_wl *w = s->wl;
	unsigned half = c->stage1.ia_bits - 1;
	struct asid_alloc_cfg ac = { .kind = ASID_KIND_ASID, .bits = pol->asid_bits, .ncpus = s->ncpus };
	int rc;

	if ((rc = asid_alloc_init(&w->host_asids, &ac, err)))
		return rc;
	if (!w->native && w->tagging) {
		struct asid_alloc_cfg vc = { .kind = ASID_KIND_VMID, .bits = pol->vmid_bits,
					     .ncpus = s->ncpus,
					     .old_vmid_scheme = pol->vmid_scheme == CFG_VMID_OLD };

		if ((rc = asid_alloc_init(&w->vmids, &vc, err)))
			return rc;
		w->have_vmids = true;
	}

	/* the host, the hypervisor, the VMs, the processes */
	{
		struct sim_vm *host;

		if ((rc = vm_create(s, NULL, 0, &host, err)))
			return rc;
	}
	w->hyp_stream = wl->hyp;
	if (wl->hyp.footprint > UINT64_C(1) << half)
		return sim_error_set(err, SIM_E_CONFIG, "%s: [host] hyp_footprint 0x%llx does not fit "
				     "the hypervisor's %u-bit VA range", wl->origin,
				     (unsigned long long)wl->hyp.footprint, half);
	if (!w->native && !w->vhe) {
		unsigned stride = c->stage1.granule_shift - 3;
		struct os_proc_cfg pc = {
			.regime = MMU_REGIME_EL2,
			.va_bits = pol->el2_extra_level && c->stage1.ia_bits + stride <= 48 ?
				c->stage1.ia_bits + stride : c->stage1.ia_bits,
		};

		w->hyp = calloc(1, sizeof(*w->hyp));
		if (!w->hyp)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		w->hyp->vm = w->vms[0];
		if ((rc = os_proc_create(&s->os, NULL, &pc, &w->hyp->proc, err)))
			return rc;
		/* the half of the kernel's VA size that holds no idmap (Linux arch/arm64/kvm/va_layout.c: hyp VAs
		 * take the half that does not hold the idmap) */
		w->hyp_base = UINT64_C(1) << half;
	} else {
		/* With VHE the handler is host kernel code working on host kernel
		 * data, through the host kernel's own mappings. */
		w->hyp_base = kernel_half_base(c->stage1.ia_bits);
	}
	for (size_t i = 0; i < wl->nvms; i++) {
		const struct wl_vm *v = &wl->vms[i];
		struct sim_error ve = { 0 };
		struct sim_config vc;
		struct sim_vm *vm;

		vm_config(c, v, &vc);
		if (!w->native && (rc = cfg_validate(&vc, &ve)))
			return sim_error_set(err, rc, "%s:%u: [vm.%s]: %s", wl->origin, v->line,
					     v->name, ve.msg);
		if ((rc = vm_create(s, v, v->id, &vm, err)))
			return rc;
	}
	for (size_t i = 0; i < wl->nprocs; i++) {
		const struct wl_proc *pr = &wl->procs[i];
		struct sim_vm *vm = w->vms[pr->vm < 0 ? 0 : (size_t)pr->vm + 1];
		struct sim_space *sp;

		if ((rc = space_create(s, vm, pr->id, &sp, err)))
			return rc;
	}
	return 0;
}

void sim_virt_destroy(struct sim *s)
{
	struct sim_wl *w = s->wl;

	for (size_t i = 0; i < w->nvms; i++)
		vm_free(w, w->vms[i], s->ncpus);
	free(w->vms);
	free(w->hyp);
	asid_alloc_destroy(&w->host_asids);
	asid_alloc_destroy(&w->vmids);
}
